// The schedule editor's rooms and tracks shown or hidden, and its unscheduled list filtered,
// at once and kept in the page's address (the same parameters the forms send without
// JavaScript: pick, room, track; q, type, utrack).
(function () {
  "use strict";

  const root = document.querySelector(".schedule-editor[data-place-url]");
  if (!root) {
    return;
  }
  const grid = root.querySelector(".editor-grid");
  const waitingList = root.querySelector(".editor-waiting-list");

  // Showing and hiding rooms and tracks, and filtering the unscheduled list, in place -----

  function keepInAddress() {
    const params = new URLSearchParams(window.location.search);
    const form = root.querySelector(".editor-show-form");
    const rooms = Array.from(form.querySelectorAll("input[name=room]"));
    const tracks = Array.from(form.querySelectorAll("input[name=track]"));
    ["pick", "room", "track"].forEach((name) => params.delete(name));
    if (rooms.concat(tracks).some((input) => !input.checked)) {
      params.set("pick", "1");
      rooms.concat(tracks).filter((input) => input.checked).forEach((input) => params.append(input.name, input.value));
    }
    const waitingForm = root.querySelector(".editor-waiting-filter");
    ["q", "type", "utrack"].forEach((name) => {
      const value = waitingForm.elements[name].value;
      if (value) {
        params.set(name, value);
      } else {
        params.delete(name);
      }
    });
    window.history.replaceState(null, "", "?" + params.toString());
    // The day links keep the choice too.
    root.querySelectorAll(".editor-days a").forEach((link) => {
      const day = new URLSearchParams(link.search).get("day");
      params.set("day", day);
      link.search = "?" + params.toString();
    });
  }

  function applyShown() {
    const form = root.querySelector(".editor-show-form");
    form.querySelectorAll("input[name=room]").forEach((input) => {
      const column = grid.querySelector('.editor-room[data-room="' + input.value + '"]');
      column.hidden = !input.checked;
    });
    const tracks = new Set(
      Array.from(form.querySelectorAll("input[name=track]:checked")).map((input) => input.value)
    );
    grid.querySelectorAll(".editor-block").forEach((block) => {
      block.hidden = !tracks.has(block.dataset.track);
    });
    filterWaiting();
    keepInAddress();
  }

  function filterWaiting() {
    const form = root.querySelector(".editor-waiting-filter");
    const words = form.elements.q.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const type = form.elements.type.value;
    const track = form.elements.utrack.value;
    waitingList.querySelectorAll(".editor-block").forEach((block) => {
      const text = block.textContent.toLowerCase();
      block.hidden = !(
        words.every((word) => text.includes(word)) &&
        (!type || block.dataset.type === type) &&
        (!track || block.dataset.track === track)
      );
    });
  }

  root.querySelector(".editor-show-form").addEventListener("change", applyShown);
  const waitingForm = root.querySelector(".editor-waiting-filter");
  waitingForm.addEventListener("input", () => {
    filterWaiting();
    keepInAddress();
  });
  waitingForm.addEventListener("submit", (event) => {
    event.preventDefault();
    filterWaiting();
    keepInAddress();
  });

})();
