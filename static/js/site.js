// The site's one small script, on every page of an edition. Enhancements only: every page
// reads and works the same without it.
//
// - Stars: a "Star" button on each listed talk ([data-talk-slug]) and on a talk's page keeps
//   the talk in this browser's agenda (localStorage, per edition, by talk id; no account).
//   "My agenda" leads to /<edition>/agenda/?talks=<agenda code>, which the server renders.
// - Overlap marks: starred talks whose times overlap say so.
// - The viewer's time: each <time data-viewer-time> (conference time, with its UTC offset in
//   `datetime`, and `data-end` for a range) gets the same moment in the browser's timezone
//   beside it, when that differs, written as the server writes the venue's
//   ("9:00–9:25 AM PDT · 6:00–6:25 PM CEST").
// - Now and next ([data-now-refresh]) is fetched again at every minute.
// - Offline: registers the service worker (/sw.js, templates/offline/sw.js) and tells it this
//   browser's agenda URL whenever the stars change, so that agenda opens offline; on a copy
//   the worker answered, writes the copy's time in the page's own language and timezone.
//
// In an embed (body[data-embed], inside another site's frame) there are no stars and no
// worker: it neither reads nor writes storage, so the host's visitors get nothing stored by
// our frame and the host's privacy policy needs no word about it
// (docs/organisers/embedding.md).
(function () {
  "use strict";

  var edition = document.body.dataset.edition;
  if (!edition) {
    return;
  }

  // ---- Stars, kept per edition: talk ids (numbers). Slugs (strings), which this script
  // kept before, stay until a page shows their talk's id, then become it.

  var storageKey = "agenda:" + edition;
  var embedded = document.body.hasAttribute("data-embed");

  function isId(star) {
    return typeof star === "number" && Number.isInteger(star) && star > 0;
  }

  function isSlug(star) {
    return typeof star === "string" && star !== "";
  }

  function unique(list) {
    return list.filter(function (item, index) {
      return list.indexOf(item) === index;
    });
  }

  function readStars() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(storageKey) || "[]");
      return Array.isArray(stored) ? unique(stored.filter(function (star) {
        return isId(star) || isSlug(star);
      })) : [];
    } catch (error) {
      return []; // storage refused (private mode) or damaged: start empty
    }
  }

  function writeStars(list) {
    if (embedded) {
      return;
    }
    stars = unique(list);
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(stars));
    } catch (error) {
      // Storage refused: the stars last as long as the page.
    }
  }

  var stars = embedded ? [] : readStars();

  // The talk id an element carries (data-talk-id), or null.
  function talkId(element) {
    var id = Number(element.dataset.talkId);
    return isId(id) ? id : null;
  }

  function isStarred(slug, id) {
    return (id !== null && stars.indexOf(id) !== -1) || stars.indexOf(slug) !== -1;
  }

  // ---- Agenda codes (?talks=, program/agenda.py): the ids as LEB128 varints, the first
  // then each difference ("d"), or the first then one bit per id from it ("b"); URL-safe
  // base64 without padding; the shorter of the two, "d" when they tie.

  function pushVarint(bytes, number) {
    while (number > 127) {
      bytes.push((number % 128) + 128);
      number = Math.floor(number / 128);
    }
    bytes.push(number);
  }

  function base64url(bytes) {
    var binary = "";
    for (var index = 0; index < bytes.length; index += 1) {
      binary += String.fromCharCode(bytes[index]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function agendaCode(ids) {
    ids = unique(ids).sort(function (a, b) {
      return a - b;
    });
    if (!ids.length) {
      return "";
    }
    var first = ids[0];
    var deltas = [];
    ids.forEach(function (id, index) {
      pushVarint(deltas, index ? id - ids[index - 1] : id);
    });
    var bitset = [];
    pushVarint(bitset, first);
    var offset = bitset.length;
    var size = Math.floor((ids[ids.length - 1] - first) / 8) + 1;
    if (offset + size >= deltas.length) {
      return "d" + base64url(deltas); // no longer than the bitset (few ids, or far apart)
    }
    for (var byte = 0; byte < size; byte += 1) {
      bitset.push(0);
    }
    ids.forEach(function (id) {
      bitset[offset + Math.floor((id - first) / 8)] |= 1 << ((id - first) % 8);
    });
    return "b" + base64url(bitset);
  }

  // The agenda of ``list`` (stars): ?talks=<code>, and ?talk=<slug> for slugs not yet known
  // by id (the server reads both).
  function agendaUrl(list) {
    var base = document.querySelector("[data-agenda-link]");
    var path = base ? base.getAttribute("href").split("?")[0] : "/" + edition + "/agenda/";
    var query = [];
    var code = agendaCode(list.filter(isId));
    if (code) {
      query.push("talks=" + code);
    }
    list.filter(isSlug).forEach(function (slug) {
      query.push("talk=" + encodeURIComponent(slug));
    });
    return query.length ? path + "?" + query.join("&") : path;
  }

  function titleOf(talk) {
    var heading = talk.querySelector(".talk-title, h2, h3, h4, a");
    return (heading ? heading.textContent : talk.textContent).trim();
  }

  function starButton(slug, id, title) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "star-toggle";
    button.dataset.star = slug;
    button.dataset.talkId = id;
    button.setAttribute("aria-pressed", "false");
    var label = document.createElement("span");
    label.className = "star-label";
    button.appendChild(label);
    var name = document.createElement("span");
    name.className = "visually-hidden";
    name.textContent = " “" + title + "” for my agenda";
    button.appendChild(name);
    return button;
  }

  // Talks listed by any page get a star: the program's rows carry their own (hidden until
  // now); others, such as timetable blocks, get one added.
  function addStars(root) {
    root.querySelectorAll("[data-talk-slug]").forEach(function (talk) {
      if (!talk.querySelector("button[data-star]")) {
        talk.appendChild(starButton(talk.dataset.talkSlug, talk.dataset.talkId, titleOf(talk)));
      }
    });
  }

  // A slug kept by an earlier version of this script becomes its talk's id here.
  function upgradeStars(root) {
    var upgraded = stars.slice();
    root.querySelectorAll("button[data-star]").forEach(function (button) {
      var index = upgraded.indexOf(button.dataset.star);
      if (index !== -1 && talkId(button) !== null) {
        upgraded[index] = talkId(button);
      }
    });
    if (upgraded.some(function (star, index) {
      return star !== stars[index];
    })) {
      writeStars(upgraded);
    }
  }

  // Pressed, its word is "Starred"; otherwise "Star" (the talk's title follows, unseen).
  function showStars(root) {
    root.querySelectorAll("button[data-star]").forEach(function (button) {
      var pressed = isStarred(button.dataset.star, talkId(button));
      button.hidden = false;
      button.setAttribute("aria-pressed", String(pressed));
      button.querySelector(".star-label").textContent = pressed ? "Starred" : "Star";
    });
    root.querySelectorAll("[data-talk-slug]").forEach(function (talk) {
      talk.classList.toggle("is-starred", isStarred(talk.dataset.talkSlug, talkId(talk)));
    });
    var link = document.querySelector("[data-agenda-link]");
    if (link) {
      link.setAttribute("href", agendaUrl(stars));
      var count = link.querySelector("[data-agenda-count]");
      if (!count) {
        count = document.createElement("span");
        count.dataset.agendaCount = "";
        count.className = "agenda-count";
        link.appendChild(count);
      }
      count.textContent = stars.length ? " (" + stars.length + ")" : "";
    }
  }

  // ---- Overlap marks between starred talks (the agenda page has its own, made by the server).

  function interval(talk) {
    var time = talk.querySelector("time[datetime][data-end]");
    if (!time || talk.classList.contains("is-cancelled")) {
      return null;
    }
    var start = Date.parse(time.getAttribute("datetime"));
    var end = Date.parse(time.dataset.end);
    return isNaN(start) || isNaN(end) ? null : { start: start, end: end };
  }

  function markOverlaps(root) {
    root.querySelectorAll(".overlap-mark[data-by-script]").forEach(function (mark) {
      mark.remove();
    });
    var starred = [];
    root.querySelectorAll("[data-talk-slug]").forEach(function (talk) {
      var when = isStarred(talk.dataset.talkSlug, talkId(talk)) && interval(talk);
      if (when && !talk.querySelector(".overlap-mark")) {
        starred.push({ talk: talk, when: when, title: titleOf(talk) });
      }
    });
    starred.forEach(function (one) {
      starred.forEach(function (other) {
        if (one === other || one.when.start >= other.when.end || other.when.start >= one.when.end) {
          return;
        }
        var mark = document.createElement("strong");
        mark.className = "overlap-mark";
        mark.dataset.byScript = "";
        mark.textContent = "Overlaps “" + other.title + "”";
        var meta = one.talk.querySelector(".talk-meta") || one.talk;
        meta.appendChild(document.createTextNode(" "));
        meta.appendChild(mark);
      });
    });
  }

  // ---- The viewer's time beside the conference's.

  function offsetMinutes(iso) {
    var match = /([+-])(\d\d):(\d\d)$/.exec(iso);
    if (!match) {
      return /Z$/.test(iso) ? 0 : null;
    }
    var minutes = Number(match[2]) * 60 + Number(match[3]);
    return match[1] === "-" ? -minutes : minutes;
  }

  // The viewer's time is written in the form the server writes the venue's (program/times.py),
  // in English like the rest of the page: "4:00–4:25 PM UTC", "11:30 AM–12:30 PM GMT+2",
  // "Tue, May 19, 11:00 PM – Wed, May 20, 12:25 AM UTC", "Monday, May 18, 6:59 PM CEST".
  var DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  function zoneName(moment) {
    // The browser's short name of its zone at that moment: letters when English has them
    // ("PDT", "CEST", "UTC"), else the offset ("GMT+9").
    function named(locale) {
      var parts = new Intl.DateTimeFormat(locale, { timeZoneName: "short" }).formatToParts(moment);
      return parts.filter(function (part) {
        return part.type === "timeZoneName";
      })[0].value;
    }
    var american = named("en-US");
    if (!/^GMT[+-]/.test(american)) {
      return american;
    }
    var british = named("en-GB");
    return /^[A-Z]{2,5}$/.test(british) ? british : american;
  }

  function clock(moment) {
    var minutes = String(moment.getMinutes()).padStart(2, "0");
    return (moment.getHours() % 12 || 12) + ":" + minutes;
  }

  function half(moment) {
    return moment.getHours() < 12 ? "AM" : "PM";
  }

  function dayOf(moment) {
    return [moment.getFullYear(), String(moment.getMonth() + 1).padStart(2, "0"),
      String(moment.getDate()).padStart(2, "0")].join("-");
  }

  function shortDay(moment) {
    return DAYS[moment.getDay()].slice(0, 3) + ", " + MONTHS[moment.getMonth()].slice(0, 3) +
      " " + moment.getDate();
  }

  function dayHeading(moment) {
    return DAYS[moment.getDay()] + ", " + MONTHS[moment.getMonth()] + " " + moment.getDate();
  }

  function timeRange(start, end) {
    var startZone = zoneName(start);
    var endZone = zoneName(end);
    var startLabel = clock(start) + " " + half(start);
    if (startZone !== endZone) {
      startLabel += " " + startZone;
    }
    var endLabel = clock(end) + " " + half(end) + " " + endZone;
    if (dayOf(start) !== dayOf(end)) {
      return shortDay(start) + ", " + startLabel + " – " + shortDay(end) + ", " + endLabel;
    }
    if (startZone !== endZone) {
      return startLabel + " – " + endLabel;
    }
    if (half(start) === half(end)) {
      return clock(start) + "–" + endLabel;
    }
    return startLabel + "–" + endLabel;
  }

  function viewerLabel(start, end, venueDay) {
    if (!end) {
      return dayHeading(start) + ", " + clock(start) + " " + half(start) + " " + zoneName(start);
    }
    var range = timeRange(start, end);
    if (dayOf(start) !== dayOf(end) || dayOf(start) === venueDay) {
      return range; // it names its days, or the venue's day heading is the viewer's too
    }
    return shortDay(start) + ", " + range;
  }

  function showViewerTimes(root) {
    root.querySelectorAll("time[data-viewer-time]").forEach(function (time) {
      var next = time.nextElementSibling;
      if (next && next.classList.contains("viewer-time")) {
        return;
      }
      var iso = time.getAttribute("datetime");
      var start = new Date(iso);
      var venueOffset = offsetMinutes(iso);
      if (isNaN(start) || venueOffset === null || venueOffset === -start.getTimezoneOffset()) {
        return; // the viewer's clock already reads as the venue's
      }
      var end = time.dataset.end ? new Date(time.dataset.end) : null;
      var label = document.createElement("span");
      label.className = "viewer-time";
      label.textContent = " · " + viewerLabel(start, end, iso.slice(0, 10));
      var note = document.createElement("span");
      note.className = "visually-hidden";
      note.textContent = " (your time)";
      label.appendChild(note);
      time.after(label);
    });
  }

  function enhance(root) {
    if (!embedded) {
      addStars(root);
      upgradeStars(root);
      showStars(root);
      markOverlaps(root);
    }
    showViewerTimes(root);
  }

  // ---- The agenda page: mine (the stars of this browser) or one shared with me.

  function sameTalks(a, b) {
    return a.length === b.length && a.every(function (star) {
      return b.indexOf(star) !== -1;
    });
  }

  function ids(value) {
    return value ? value.split(" ").filter(Boolean).map(Number) : [];
  }

  var agenda = document.querySelector("[data-agenda]");
  var agendaIsMine = false;
  if (agenda) {
    var asked = new URLSearchParams(window.location.search);
    if (!asked.get("talks") && !asked.getAll("talk").some(Boolean) && stars.length) {
      window.location.replace(agendaUrl(stars));
      return;
    }
    // The ids the URL names (gone talks included), and the talks listed (by id).
    var requested = ids(agenda.dataset.agendaRequested);
    var listed = ids(agenda.dataset.agendaListed);
    var aliases = {}; // ?talk=<slug> of the URL: slug -> id
    (agenda.dataset.agendaAliases || "").split(" ").filter(Boolean).forEach(function (pair) {
      var colon = pair.lastIndexOf(":");
      aliases[pair.slice(0, colon)] = Number(pair.slice(colon + 1));
    });
    var mine = unique(stars.map(function (star) {
      return isId(star) ? star : aliases[star];
    }));
    agendaIsMine = requested.length > 0 && mine.every(isId) && sameTalks(mine, requested);
    if (agendaIsMine && !sameTalks(listed, stars)) {
      // Gone talks drop out, and slugs become ids: keep what is listed.
      writeStars(listed);
      window.history.replaceState(null, "", agendaUrl(listed));
    }
    var offer = agenda.querySelector("[data-agenda-import]");
    if (offer && !agendaIsMine && listed.length) {
      offer.hidden = false;
      offer.querySelector("button").addEventListener("click", function () {
        writeStars(stars.concat(listed));
        window.location.replace(agendaUrl(stars));
      });
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-star]");
    if (!button || embedded) {
      return;
    }
    var slug = button.dataset.star;
    var id = talkId(button);
    writeStars(isStarred(slug, id) ? stars.filter(function (one) {
      return one !== slug && one !== id;
    }) : stars.concat([id === null ? slug : id]));
    if (agendaIsMine) {
      window.location.replace(agendaUrl(stars)); // the server lists the agenda anew
      return;
    }
    tellWorker();
    showStars(document);
    markOverlaps(document);
  });

  // Another tab starred something: show it here too.
  window.addEventListener("storage", function (event) {
    if (event.key === storageKey) {
      stars = readStars();
      tellWorker();
      showStars(document);
      markOverlaps(document);
    }
  });

  // ---- Copy buttons (the agenda's share link).

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = "Copied";
      });
    });
  });

  // ---- Now and next: fetched again at every minute, replaced in place.

  var board = document.querySelector("[data-now-refresh]");
  function refreshBoard() {
    fetch(window.location.href, { cache: "no-cache", credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (text) {
        if (!text) {
          return;
        }
        var fresh = new DOMParser()
          .parseFromString(text, "text/html")
          .querySelector("[data-now-refresh]");
        if (fresh) {
          fresh = document.importNode(fresh, true);
          board.replaceWith(fresh);
          board = fresh;
          enhance(board);
        }
      })
      .catch(function () {
        // Offline in a hallway: keep what is shown and try again next minute.
      })
      .then(scheduleRefresh);
  }
  function scheduleRefresh() {
    var now = new Date();
    setTimeout(refreshBoard, (60 - now.getSeconds()) * 1000 - now.getMilliseconds() + 500);
  }
  if (board) {
    scheduleRefresh();
  }

  // ---- Offline: the service worker keeps the edition; it is told which agenda is ours.

  var worker = null;
  function tellWorker() {
    if (worker) {
      worker.postMessage({ agenda: agendaUrl(stars) });
    }
  }
  // Never inside another site's frame: a worker would store the edition in the host's visitors'
  // browsers.
  if (!embedded && "serviceWorker" in navigator) {
    navigator.serviceWorker
      .register("/sw.js")
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        worker = registration.active;
        tellWorker(); // which also starts the fill, after this page
      })
      .catch(function () {
        // No worker (a private window may refuse it): the site works online as before.
      });
  }

  // A copy the worker answered offline: "Offline copy from 10:42" in the viewer's own
  // language and time (the worker wrote it in the browser's, which is the same unless emulated).
  var copyTime = document.querySelector("[data-offline-copy] time[datetime]");
  if (copyTime) {
    var taken = new Date(copyTime.getAttribute("datetime"));
    var today = taken.toDateString() === new Date().toDateString();
    copyTime.textContent = new Intl.DateTimeFormat(undefined, today
      ? { hour: "numeric", minute: "2-digit" }
      : { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" }).format(taken);
  }

  enhance(document);
})();
