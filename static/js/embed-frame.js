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

  if (window.ResizeObserver) {
    new ResizeObserver(post).observe(document.documentElement);
  }
  window.addEventListener("load", post);
  post();
})();
