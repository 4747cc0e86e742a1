// Dragging a session's strip in the schedule editor (static/js/schedule-editor.js moves
// talks): the strip follows the pointer in 5-minute steps over any shown room; on release the
// session's move form (program/admin/session_moves.py, its "Move session…" link) is posted
// with that day, start and room, which moves the session and its talks in one transaction and
// brings the editor back at the session's new place with the clashes listed. Escape cancels.
// Positions are set through the CSSOM (element.style), which the Content-Security-Policy allows.
document.addEventListener("DOMContentLoaded", () => {
  "use strict";

  const root = document.querySelector(".schedule-editor");
  if (!root) {
    return;
  }
  const FIRST = Number(root.dataset.firstMinute);
  const STEP = Number(root.dataset.rowMinutes);
  const ROW_PX = 12; // one 5-minute row, as static/js/schedule-grid.js draws them
  const DRAG_THRESHOLD = 4; // px a pointer moves before a press becomes a drag
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  let drag = null;

  function clock(minute) {
    return String(Math.floor(minute / 60)).padStart(2, "0") + ":" + String(minute % 60).padStart(2, "0");
  }

  // The room and start a drop at (x, y) gives, or null outside the rooms.
  function target(x, y) {
    const slots = document.elementsFromPoint(x, y).find((element) => element.matches(".editor-slots"));
    if (!slots) {
      return null;
    }
    const top = y - drag.grabY - slots.getBoundingClientRect().top;
    const start = FIRST + Math.max(0, Math.round(top / ROW_PX)) * STEP;
    return { slots: slots, room: slots.closest(".editor-room").dataset.room, start: start };
  }

  function stop() {
    drag.strip.classList.remove("is-dragged");
    drag.strip.style.transform = "";
    drag = null;
  }

  root.addEventListener("pointerdown", (event) => {
    const strip = event.target.closest(".editor-session");
    if (!strip || event.button !== 0 || event.target.closest("a") || !root.classList.contains("editor-live")) {
      return;
    }
    const box = strip.getBoundingClientRect();
    drag = { strip: strip, x: event.clientX, y: event.clientY, grabY: event.clientY - box.top, moving: false };
    strip.setPointerCapture(event.pointerId);
  });

  root.addEventListener("pointermove", (event) => {
    if (!drag) {
      return;
    }
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moving && Math.hypot(dx, dy) < DRAG_THRESHOLD) {
      return;
    }
    drag.moving = true;
    drag.strip.classList.add("is-dragged");
    const spot = target(event.clientX, event.clientY);
    const rows = spot ? Math.round((spot.start - Number(drag.strip.dataset.start)) / STEP) : 0;
    // After the strip's own rotate(180deg) of schedule-editor.css, in the room's axes.
    drag.strip.style.transform =
      "translate(" + dx + "px, " + (spot ? rows * ROW_PX : dy) + "px) rotate(180deg)";
    drag.strip.title = spot ? "Release to move the session to " + clock(spot.start) : "";
  });

  root.addEventListener("pointerup", (event) => {
    if (!drag) {
      return;
    }
    const spot = drag.moving && target(event.clientX, event.clientY);
    const url = drag.strip.querySelector("a.session-move").href;
    stop();
    if (!spot) {
      return;
    }
    const form = document.createElement("form");
    form.method = "post";
    form.action = url;
    const fields = { csrfmiddlewaretoken: csrf, day: root.dataset.day, start: clock(spot.start), room: spot.room };
    Object.keys(fields).forEach((name) => {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  });

  document.addEventListener("keydown", (event) => {
    if (drag && event.key === "Escape") {
      stop();
    }
  });
});
