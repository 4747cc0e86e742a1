{% autoescape off %}// Sizes a host page's frames of {{ origin|escapejs }}'s embeds to their content
// (program/pages/embeds.py). Include it once, anywhere on the page:
//   <script src="{{ origin|escapejs }}/{{ edition|escapejs }}/embed.js" async></script>
// A frame posts its height ({type: "conference-program:height", height: <CSS pixels>})
// whenever it changes, and where to scroll when a visitor follows a link to a part of it
// such as a day ({type: "conference-program:scroll", top: <CSS pixels from the frame's
// top>}: a frame sized to its content cannot scroll itself; static/js/embed-frame.js); this
// script believes a message only when it
// comes from this site's origin and from one of this page's frames of its embeds, so no
// other frame or window can resize anything. It sends nothing and stores nothing.
(function () {
  "use strict";

  var ORIGIN = "{{ origin|escapejs }}";
  var EMBED_PATH = /^\/[^/]+\/embed\//;
  // A sane bound: a message claiming more is not a page's height.
  var MAX_HEIGHT = 200000;

  function isEmbed(frame) {
    try {
      var address = new URL(frame.src, document.baseURI);
      return address.origin === ORIGIN && EMBED_PATH.test(address.pathname);
    } catch (error) {
      return false;
    }
  }

  function frameOf(source) {
    var frames = document.querySelectorAll("iframe");
    for (var index = 0; index < frames.length; index += 1) {
      if (frames[index].contentWindow === source && isEmbed(frames[index])) {
        return frames[index];
      }
    }
    return null;
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== ORIGIN || !event.data) {
      return;
    }
    var frame = frameOf(event.source);
    if (!frame) {
      return;
    }
    if (event.data.type === "conference-program:height") {
      var height = Number(event.data.height);
      if (isFinite(height) && height > 0 && height <= MAX_HEIGHT) {
        frame.style.height = Math.ceil(height) + "px";
        frame.setAttribute("scrolling", "no");
      }
    } else if (event.data.type === "conference-program:scroll") {
      var top = Number(event.data.top);
      if (isFinite(top) && top >= 0 && top <= MAX_HEIGHT) {
        window.scrollTo(0, frame.getBoundingClientRect().top + window.scrollY + top);
      }
    }
  });
})();
{% endautoescape %}
