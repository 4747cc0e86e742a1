// Enhancement only: the program works the same without it.
// On a wide screen there is room for every filter, so the folded ones start unfolded.
(function () {
  "use strict";
  if (!window.matchMedia("(min-width: 60em)").matches) {
    return;
  }
  document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
    details.open = true;
  });
})();
