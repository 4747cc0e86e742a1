// Inside an embed (program/pages/embeds.py): tells the host page how tall the page is, so
// the host's /<edition>/embed.js can size the frame to it. Only on embeds; nothing else.
//
// The height goes only to the origins the edition lets frame it (body[data-embed-origins],
// space-separated) and the site itself: with location.ancestorOrigins (Chromium, Safari) to
// the parent's origin alone when it is one of them; elsewhere to each of them, since a
// browser delivers a message only to a window of its targetOrigin and drops the others.
(function () {
  "use strict";

  if (window.parent === window || !document.body.hasAttribute("data-embed")) {
    return;
  }
  var allowed = (document.body.dataset.embedOrigins || "").split(" ").filter(Boolean);
  allowed.push(window.location.origin);

  var targets = allowed;
  var ancestors = window.location.ancestorOrigins;
  if (ancestors && ancestors.length) {
    targets = allowed.indexOf(ancestors[0]) === -1 ? [] : [ancestors[0]];
  }
  if (!targets.length) {
    return;
  }

  var sent = 0;
  function post() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === sent) {
      return;
    }
    sent = height;
    targets.forEach(function (origin) {
      window.parent.postMessage({ type: "conference-program:height", height: height }, origin);
    });
  }

  // A link to a part of the page (the day links, "Skip to main content") scrolls only the
  // frame's own viewport, and a frame sized to its content has nothing to scroll: the host
  // page scrolls instead, to where the part is ({type: "conference-program:scroll", top:
  // <CSS pixels from the frame's top>}).
  function scrollHostTo(id) {
    var part = id && document.getElementById(id);
    if (!part) {
      return;
    }
    var top = Math.max(0, Math.floor(part.getBoundingClientRect().top + window.scrollY));
    targets.forEach(function (origin) {
      window.parent.postMessage({ type: "conference-program:scroll", top: top }, origin);
    });
  }
  window.addEventListener("hashchange", function () {
    scrollHostTo(decodeURIComponent(window.location.hash.slice(1)));
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#"]');
    // hashchange does not fire for the fragment already in the address.
    if (link && link.getAttribute("href") === window.location.hash) {
      scrollHostTo(decodeURIComponent(link.getAttribute("href").slice(1)));
    }
  });

  if (window.ResizeObserver) {
    new ResizeObserver(post).observe(document.documentElement);
  }
  window.addEventListener("load", function () {
    post();
    // A page opened at a part (the filters' answer opens at #results): the height first,
    // so the host page is tall enough to scroll there.
    scrollHostTo(decodeURIComponent(window.location.hash.slice(1)));
  });
  post();
})();
