// The site's service worker: the current edition opens with no network once it has been
// visited online (docs/developers/offline.md). Served at /sw.js by program/pages/offline.py,
// which writes in the values below; no framework.
//
// It answers only same-origin GETs of the current edition's public pages (program,
// timetable, talks, speakers, agenda, the "not kept" page, tracks.css), the files those
// pages load, the speakers' photos served by the site, and the addresses that lead to the
// edition (/, /current/..., /<edition>/). Everything else (the admin, /api/, feeds, embeds,
// room screens, other editions, other paths on the host) gets no respondWith: the browser
// fetches it as if there were no worker.
//
// Pages: network first, with the copy's ETag (If-None-Match), so an unchanged page costs a
// 304; with no answer within NETWORK_SECONDS (hall Wi-Fi that hangs) or none at all, the
// copy, marked "Offline copy from 10:42" (the notice of templates/base.html). A fresh page
// has the notice hidden, as the server sends it.
//
// The fill: after a page loads, static/js/site.js sends its agenda's URL; the worker then
// asks for /<edition>/offline.json (with its ETag) and, when it changed, fetches each URL
// it lists (again with their ETags), drops what the list no longer names, and keeps the
// agenda's copy. Caches of other editions are deleted when this worker activates.
"use strict";

var EDITION = {{ edition|safe }};
var STATIC_PREFIX = {{ static_prefix|safe }};
var MEDIA_PREFIX = {{ media_prefix|safe }};
var VERSION = {{ version|safe }};
var FILES = {{ files|safe }};

var NETWORK_SECONDS = 4;
var PARALLEL_FETCHES = 6;
// The list is asked for again at most this often (it is one small conditional request).
var LIST_CHECK_SECONDS = 30;
var PAGES = "offline-pages:" + EDITION;
var AGENDA = "offline-agenda:" + EDITION;
var LIST = "/" + EDITION + "/offline.json";
var NOT_KEPT = "/" + EDITION + "/offline/";
var AGENDA_PATH = "/" + EDITION + "/agenda/";
// When the copy was taken: a header the worker adds to what it stores.
var TAKEN = "X-Offline-Copy-Taken";
// templates/base.html, exactly as the server writes it.
var NOTICE = 'id="offline-notice" role="status" hidden>Offline copy</p>';
// templates/offline/not_kept.html's paragraph for an agenda that changed since.
var AGENDA_CHANGED = 'id="offline-agenda-changed" hidden>';

var EDITION_PAGE = new RegExp(
  "^/" + EDITION + "/(program/|timetable/|speakers/|agenda/|offline/|tracks\\.css|" +
    "talks/[-\\w]+/|speakers/[-\\w]+/)$"
);
// Speaker photos (program/photos.py STORED_NAME): "<token>-<width>.jpg".
var PHOTO = /^speakers\/([0-9a-f]{32})-[0-9]{1,4}\.jpg$/;

// What the last fill did, for a developer's console and the browser tests.
self.offlineState = { version: VERSION, list: null, filledAt: null, urls: 0, failed: 0 };
if (self.performance && self.performance.setResourceTimingBufferSize) {
  self.performance.setResourceTimingBufferSize(20000); // the fill's entries, to measure it
}

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return /^offline-/.test(name) && name !== PAGES && name !== AGENDA;
            })
            .map(function (name) {
              return caches.delete(name); // another edition's, or of no edition
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

// ---- Which requests are ours.

function kind(request) {
  if (request.method !== "GET" || !EDITION) {
    return null;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return null;
  }
  var path = url.pathname;
  if (EDITION_PAGE.test(path)) {
    return "page";
  }
  if (request.mode === "navigate" && (path === "/" || path === "/" + EDITION + "/" ||
      path === "/current/" || path.indexOf("/current/") === 0)) {
    return "entry";
  }
  if (path.indexOf(STATIC_PREFIX) === 0 && FILES.indexOf(path) !== -1) {
    return "file";
  }
  if (MEDIA_PREFIX && path.indexOf(MEDIA_PREFIX) === 0 &&
      PHOTO.test(path.slice(MEDIA_PREFIX.length))) {
    return "photo";
  }
  return null;
}

self.addEventListener("fetch", function (event) {
  var what = kind(event.request);
  if (what === "page") {
    event.respondWith(page(event.request, event));
  } else if (what === "entry") {
    event.respondWith(entry(event.request));
  } else if (what === "file" || what === "photo") {
    event.respondWith(file(event.request, what));
  }
  // Anything else: no respondWith, the browser goes to the network itself.
});

// ---- The network, given NETWORK_SECONDS.

function network(url, options) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () {
      reject(new Error("no answer within " + NETWORK_SECONDS + " s"));
    }, NETWORK_SECONDS * 1000);
    fetch(url, options).then(
      function (response) {
        clearTimeout(timer);
        resolve(response);
      },
      function (error) {
        clearTimeout(timer);
        reject(error);
      }
    );
  });
}

function keyOf(url) {
  var parsed = new URL(url, self.location.origin);
  return parsed.pathname + parsed.search;
}

function lookup(key) {
  return caches.open(PAGES).then(function (pages) {
    return pages.match(key).then(function (copy) {
      return copy || caches.open(AGENDA).then(function (agenda) {
        return agenda.match(key);
      });
    });
  });
}

// ``response`` with the time it was taken, for keeping.
function stamped(response, when) {
  var headers = new Headers(response.headers);
  headers.set(TAKEN, (when || new Date()).toISOString());
  return response.blob().then(function (body) {
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: headers,
    });
  });
}

function conditional(copy) {
  var headers = {};
  var etag = copy && copy.headers.get("ETag");
  if (etag) {
    headers["If-None-Match"] = etag;
  }
  // no-store: the conditional request is ours, and its 304 comes back to us.
  return { headers: headers, cache: "no-store", credentials: "same-origin" };
}

function keepable(response) {
  return response.status === 200 && !/no-store|private/.test(response.headers.get("Cache-Control") || "");
}

// ---- Pages.

function page(request, event) {
  var key = keyOf(request.url);
  var isAgenda = key.indexOf(AGENDA_PATH + "?") === 0;
  return lookup(key).then(function (copy) {
    var options = conditional(copy);
    options.redirect = request.mode === "navigate" ? "manual" : "follow";
    return network(request.url, options).then(
      function (response) {
        if (response.status === 304 && copy) {
          event.waitUntil(restamp(key, copy, isAgenda));
          whenOnline(event);
          return copy;
        }
        if (response.status >= 500 && copy) {
          return offlineCopy(copy); // the site is down: the copy says it is one
        }
        if (keepable(response) && (copy || (!isAgenda && key.indexOf("?") === -1))) {
          // A page of the edition seen online replaces its copy, and one without a query is
          // kept (the fill keeps the rest). Any other query (?utm_source=..., a filter) is
          // not kept: each would be one more copy, which no fill deletes until the list
          // changes. An agenda only replaces its own copy: which is this browser's, site.js says.
          event.waitUntil(stamped(response.clone()).then(function (fresh) {
            return caches.open(isAgenda ? AGENDA : PAGES).then(function (cache) {
              return cache.put(key, fresh);
            });
          }));
        }
        whenOnline(event);
        return response;
      },
      function () {
        return copy ? offlineCopy(copy) : notKept(isAgenda);
      }
    );
  });
}

function restamp(key, copy, isAgenda) {
  return stamped(copy.clone()).then(function (fresh) {
    return caches.open(isAgenda ? AGENDA : PAGES).then(function (cache) {
      return cache.put(key, fresh);
    });
  });
}

// "Offline copy from 10:42" (or "from 6 Dec, 10:42" when taken another day), in the
// browser's language and time; static/js/site.js writes it again from `datetime` in the
// page's own (the same, unless emulated).
function noticeText(taken) {
  var sameDay = taken.toDateString() === new Date().toDateString();
  var options = sameDay
    ? { hour: "numeric", minute: "2-digit" }
    : { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" };
  return new Intl.DateTimeFormat(undefined, options).format(taken);
}

function offlineCopy(copy) {
  var taken = new Date(copy.headers.get(TAKEN) || Date.now());
  var headers = new Headers(copy.headers);
  ["Content-Encoding", "Content-Length", "ETag", TAKEN].forEach(function (name) {
    headers.delete(name);
  });
  headers.set("Cache-Control", "no-store");
  return copy.text().then(function (text) {
    var notice = 'id="offline-notice" role="status" data-offline-copy>Offline copy from ' +
      '<time datetime="' + taken.toISOString() + '">' + noticeText(taken) + "</time></p>";
    if (text.indexOf(NOTICE) === -1) {
      // Never a copy that cannot say so (a page without the notice: not ours to show).
      return notKept(false);
    }
    return new Response(text.replace(NOTICE, notice), {
      status: 200,
      headers: headers,
    });
  });
}

function notKept(isAgenda) {
  return caches.open(PAGES).then(function (pages) {
    return pages.match(NOT_KEPT);
  }).then(function (copy) {
    if (!copy) {
      return Response.error();
    }
    return copy.text().then(function (text) {
      return caches.open(AGENDA).then(function (agenda) {
        return agenda.keys();
      }).then(function (agendas) {
        // Asked for an agenda other than the one kept: this browser's stars changed since.
        if (isAgenda && agendas.length) {
          text = text.replace(AGENDA_CHANGED, 'id="offline-agenda-changed">');
        }
        return new Response(text, {
          status: 503,
          headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
        });
      });
    });
  });
}

// ---- /, /current/... and /<edition>/: the server's redirect, or offline the same one.

function entry(request) {
  return network(request, { redirect: "manual" }).catch(function () {
    var url = new URL(request.url);
    var rest = url.pathname.indexOf("/current/") === 0
      ? url.pathname.slice("/current/".length) : "";
    return Response.redirect("/" + EDITION + "/" + (rest || "program/") + url.search, 302);
  });
}

// ---- Files and photos: the network (the browser's own cache first), else the copy; a
// photo of a size not kept is answered with the size kept (its smallest).

function file(request, what) {
  var key = keyOf(request.url);
  return network(request).then(
    function (response) {
      return response;
    },
    function (error) {
      return caches.open(PAGES).then(function (pages) {
        return pages.match(key).then(function (copy) {
          if (copy || what !== "photo") {
            return copy || Promise.reject(error);
          }
          var token = PHOTO.exec(key.slice(MEDIA_PREFIX.length))[1];
          return pages.keys().then(function (keys) {
            var smaller = keys.filter(function (kept) {
              return new URL(kept.url).pathname.indexOf(MEDIA_PREFIX + "speakers/" + token) === 0;
            })[0];
            return smaller ? pages.match(smaller) : Promise.reject(error);
          });
        });
      });
    }
  );
}

// ---- The fill.

var filling = null;
var listCheckedAt = 0;

function whenOnline(event) {
  if (Date.now() - listCheckedAt > LIST_CHECK_SECONDS * 1000) {
    event.waitUntil(fill());
  }
}

function fill() {
  if (filling) {
    return filling;
  }
  listCheckedAt = Date.now();
  filling = caches
    .open(PAGES)
    .then(function (pages) {
      return pages.match(LIST).then(function (kept) {
        return fetch(LIST, conditional(kept)).then(function (response) {
          if (response.status !== 200) {
            return null; // 304: nothing changed since the last fill
          }
          return response.clone().json().then(function (list) {
            return fillFrom(pages, list).then(function (failed) {
              self.offlineState = {
                version: VERSION,
                list: list.version,
                filledAt: new Date().toISOString(),
                urls: list.urls.length,
                failed: failed,
              };
              // Kept only after a whole fill: one cut short is asked for again.
              return failed ? null : pages.put(LIST, response);
            });
          });
        });
      });
    })
    .then(refreshAgenda)
    .catch(function () {
      // Offline, or the server failed: the copy stays as it is until the next page.
    })
    .then(function () {
      filling = null;
    });
  return filling;
}

// Fetches each URL of ``list`` (PARALLEL_FETCHES at a time, with its copy's ETag) and
// deletes what the list no longer names; resolves to the number that failed.
function fillFrom(pages, list) {
  var wanted = {};
  list.urls.forEach(function (url) {
    wanted[url] = true;
  });
  wanted[LIST] = true;
  var queue = list.urls.slice();
  var failed = 0;

  function next() {
    var url = queue.shift();
    if (url === undefined) {
      return Promise.resolve();
    }
    return pages
      .match(url)
      .then(function (copy) {
        return fetch(url, conditional(copy)).then(function (response) {
          if (response.status === 304) {
            return null;
          }
          if (!keepable(response)) {
            failed += 1;
            return null;
          }
          return stamped(response).then(function (fresh) {
            return pages.put(url, fresh);
          });
        });
      })
      .catch(function () {
        failed += 1;
      })
      .then(next);
  }

  var workers = [];
  for (var index = 0; index < PARALLEL_FETCHES; index += 1) {
    workers.push(next());
  }
  return Promise.all(workers)
    .then(function () {
      return pages.keys();
    })
    .then(function (keys) {
      return Promise.all(
        keys
          .filter(function (request) {
            return !wanted[keyOf(request.url)];
          })
          .map(function (request) {
            return pages.delete(request);
          })
      );
    })
    .then(function () {
      return failed;
    });
}

// ---- The visitor's agenda: static/js/site.js says which (its URL, from the stars).

function keepAgenda(url) {
  var key = keyOf(url);
  if (key.indexOf(AGENDA_PATH + "?") !== 0) {
    return Promise.resolve(); // no stars: the empty agenda is in the list
  }
  return caches.open(AGENDA).then(function (agenda) {
    return agenda.match(key).then(function (copy) {
      return fetch(key, conditional(copy)).then(function (response) {
        if (response.status === 304) {
          return null;
        }
        if (!keepable(response)) {
          return null;
        }
        return stamped(response).then(function (fresh) {
          return agenda.put(key, fresh);
        }).then(function () {
          // One agenda: the stars of this browser as they are now.
          return agenda.keys().then(function (keys) {
            return Promise.all(keys.filter(function (request) {
              return keyOf(request.url) !== key;
            }).map(function (request) {
              return agenda.delete(request);
            }));
          });
        });
      });
    });
  }).catch(function () {
    // Offline: the agenda kept is the one of before; asked for, the other says so.
  });
}

var agendaUrl = null;

function refreshAgenda() {
  return agendaUrl ? keepAgenda(agendaUrl) : null;
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (typeof data.agenda !== "string") {
    return;
  }
  agendaUrl = data.agenda;
  event.waitUntil(fill()); // which keeps the agenda at its end
});
