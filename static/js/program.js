// Enhancements only: the program page works the same without this file.
(function () {
  "use strict";

  // On a wide screen there is room for every filter, so the folded ones start unfolded.
  if (window.matchMedia("(min-width: 60em)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }

  // After filtering, the form's fragment has scrolled the results into view; focus their
  // heading too, so a screen reader reads the count (or the errors) first.
  if (window.location.hash === "#results") {
    var results = document.getElementById("results");
    if (results) {
      results.focus({ preventScroll: true });
    }
  }

  // Leave empty fields out of the address, so a shared or bookmarked view reads
  // ?type=keynote rather than ?q=&type=keynote&day=&room=&speaker=.
  var form = document.querySelector("form.filters");
  if (!form) {
    return;
  }
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value === "" && !field.disabled) {
        field.disabled = true;
        field.dataset.emptyOnSubmit = "";
      }
    });
  });
  // Coming back to this page from the history restores it as it was left: re-enable.
  window.addEventListener("pageshow", function () {
    form.querySelectorAll("[data-empty-on-submit]").forEach(function (field) {
      field.disabled = false;
      delete field.dataset.emptyOnSubmit;
    });
  });
})();
