// The site's one small script, on every page of an edition. Enhancements only: every page
// reads and works the same without it.
//
// - Stars: a "Star" button on each listed talk ([data-talk-slug]) and on a talk's page keeps
//   the talk in this browser's agenda (localStorage, per edition; no account). "My agenda"
//   leads to /<edition>/agenda/?talk=...&talk=..., which the server renders.
// - Overlap marks: starred talks whose times overlap say so.
// - The viewer's time: each <time data-viewer-time> (conference time, with its UTC offset in
//   `datetime`, and `data-end` for a range) gets the same moment in the browser's timezone
//   beside it, when that differs, written as the server writes the venue's
//   ("9:00–9:25 AM PDT · 6:00–6:25 PM CEST").
// - Now and next ([data-now-refresh]) is fetched again at every minute.
(function () {
  "use strict";

  var edition = document.body.dataset.edition;
  if (!edition) {
    return;
  }

  // ---- Stars, kept per edition (talk slugs are unique within an edition).

  var storageKey = "agenda:" + edition;

  function readStars() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(storageKey) || "[]");
      return Array.isArray(stored) ? stored.filter(function (slug) {
        return typeof slug === "string" && slug !== "";
      }) : [];
    } catch (error) {
      return []; // storage refused (private mode) or damaged: start empty
    }
  }

  function writeStars(slugs) {
    stars = slugs;
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(slugs));
    } catch (error) {
      // Storage refused: the stars last as long as the page.
    }
  }

  var stars = readStars();

  function isStarred(slug) {
    return stars.indexOf(slug) !== -1;
  }

  function agendaUrl(slugs) {
    var base = document.querySelector("[data-agenda-link]");
    var path = base ? base.getAttribute("href").split("?")[0] : "/" + edition + "/agenda/";
    if (!slugs.length) {
      return path;
    }
    return path + "?" + slugs.map(function (slug) {
      return "talk=" + encodeURIComponent(slug);
    }).join("&");
  }

  function titleOf(talk) {
    var heading = talk.querySelector(".talk-title, h2, h3, h4, a");
    return (heading ? heading.textContent : talk.textContent).trim();
  }

  function starButton(slug, title) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "star-toggle";
    button.dataset.star = slug;
    button.setAttribute("aria-pressed", "false");
    button.textContent = "Star";
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
        talk.appendChild(starButton(talk.dataset.talkSlug, titleOf(talk)));
      }
    });
  }

  function showStars(root) {
    root.querySelectorAll("button[data-star]").forEach(function (button) {
      button.hidden = false;
      button.setAttribute("aria-pressed", String(isStarred(button.dataset.star)));
    });
    root.querySelectorAll("[data-talk-slug]").forEach(function (talk) {
      talk.classList.toggle("is-starred", isStarred(talk.dataset.talkSlug));
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
      var when = isStarred(talk.dataset.talkSlug) && interval(talk);
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
    addStars(root);
    showStars(root);
    markOverlaps(root);
    showViewerTimes(root);
  }

  // ---- The agenda page: mine (the stars of this browser) or one shared with me.

  function sameTalks(a, b) {
    return a.length === b.length && a.every(function (slug) {
      return b.indexOf(slug) !== -1;
    });
  }

  function words(value) {
    return value ? value.split(" ").filter(Boolean) : [];
  }

  var agenda = document.querySelector("[data-agenda]");
  var agendaIsMine = false;
  if (agenda) {
    var requested = words(agenda.dataset.agendaRequested);
    var listed = words(agenda.dataset.agendaSlugs);
    if (!requested.length && stars.length) {
      window.location.replace(agendaUrl(stars));
      return;
    }
    agendaIsMine = requested.length > 0 && sameTalks(requested, stars);
    if (agendaIsMine && !sameTalks(listed, stars)) {
      // Renamed talks answer to their new slugs; deleted ones are gone: keep what is listed.
      writeStars(listed);
      window.history.replaceState(null, "", agendaUrl(listed));
    }
    var offer = agenda.querySelector("[data-agenda-import]");
    if (offer && !agendaIsMine && listed.length) {
      offer.hidden = false;
      offer.querySelector("button").addEventListener("click", function () {
        var merged = stars.concat(listed.filter(function (slug) {
          return !isStarred(slug);
        }));
        writeStars(merged);
        window.location.replace(agendaUrl(merged));
      });
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-star]");
    if (!button) {
      return;
    }
    var slug = button.dataset.star;
    writeStars(isStarred(slug) ? stars.filter(function (one) {
      return one !== slug;
    }) : stars.concat([slug]));
    if (agendaIsMine) {
      window.location.replace(agendaUrl(stars)); // the server lists the agenda anew
      return;
    }
    showStars(document);
    markOverlaps(document);
  });

  // Another tab starred something: show it here too.
  window.addEventListener("storage", function (event) {
    if (event.key === storageKey) {
      stars = readStars();
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

  enhance(document);
})();
