// The schedule editor's grid (templates/admin/program/conference/schedule.html). Without this
// file the page lists the day's talks by room and time, each with a "Move to…" link. With it:
// talks are placed on a grid of 5-minute rows and moved with a mouse, a finger or a pen
// (pointer events), or the keyboard; saved through the move endpoint (one talk) or the
// editor's place endpoint (several at once: a swap, a group, back to the unscheduled list).
// The grid itself: static/js/schedule-grid.js; showing, hiding and filtering:
// static/js/schedule-filters.js. Why no drag-and-drop library: docs/developers.
(function () {
  "use strict";

  const root = document.querySelector(".schedule-editor[data-place-url]");
  if (!root) {
    return;
  }
  const DAY = root.dataset.day;
  const DRAG_THRESHOLD = 4; // px a pointer moves before a press becomes a drag
  const grid = root.querySelector(".editor-grid");
  const waitingList = root.querySelector(".editor-waiting-list");
  const waitingSection = root.querySelector(".editor-waiting");
  const status = root.querySelector(".editor-status");
  const errors = root.querySelector(".editor-errors");
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const history = []; // each entry: the placements that undo one saved move
  const selected = new Set(); // talk ids
  let pending = null; // a keyboard move not yet saved: Map id -> {room, start, end}
  const on = window.ScheduleGrid(root, (id) => pending && pending.get(id));
  const { FIRST, STEP, ROW_PX, clock, minuteOf, shownColumns, slotsOf, roomName, blockOf } = on;
  const { isPlaced, where, length, title, drawAt, layOut, sideBySide, placedSpots } = on;
  const markClashes = on.markClashes;

  root.classList.add("editor-live");

  // Saving --------------------------------------------------------------------------------

  function say(text) {
    status.textContent = text;
  }

  function showErrors(messages) {
    errors.textContent = "";
    if (!messages.length) {
      return;
    }
    const note = document.createElement("div");
    note.className = "errornote";
    const intro = document.createElement("p");
    intro.textContent = "Nothing was moved:";
    const list = document.createElement("ul");
    messages.forEach((message) => {
      const item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    note.append(intro, list);
    errors.appendChild(note);
  }

  // A placement as the place endpoint takes it: a spot, or null (back to the list). Its end
  // only when the spot sets one (a stretch, or undoing one): else the server keeps the
  // talk's length, which a block cut at midnight, or drawn on the night the clocks change,
  // does not show.
  function placement(id, spot) {
    if (!spot) {
      return { talk: Number(id), room: null };
    }
    const placed = { talk: Number(id), day: DAY, start: clock(spot.start), room: spot.room };
    if (spot.setsEnd) {
      placed.end = clock(spot.end);
    }
    return placed;
  }

  function currentPlacement(block) {
    return placement(block.dataset.talk, isPlaced(block) ? where(block) : null);
  }

  async function send(url, body, headers) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: Object.assign({ Accept: "application/json", "X-CSRFToken": csrf }, headers),
      });
    } catch (error) {
      return { errors: ["The server did not answer: nothing was moved. Try again."] };
    }
    let answer = null;
    try {
      answer = await response.json();
    } catch (error) {
      answer = null;
    }
    if (response.ok && answer) {
      return answer;
    }
    if (answer && answer.errors) {
      return { errors: Object.values(answer.errors).flat() };
    }
    return { errors: ["The server refused the move (" + response.status + "): nothing was moved."] };
  }

  // Saves one after the other: an undo pressed while a move is on its way undoes that move.
  let saving = Promise.resolve(true);

  function save(moves, undo) {
    saving = saving.then(() => saveNow(moves, undo));
    return saving;
  }

  // Saves ``moves`` (Map id -> spot or null) and draws the answer; ``undo`` when it undoes.
  async function saveNow(moves, undo) {
    const before = Array.from(moves.keys()).map((id) => {
      const back = currentPlacement(blockOf(id));
      if (back.room !== null && moves.get(id) && moves.get(id).setsEnd) {
        back.end = clock(where(blockOf(id)).end); // undoing a stretch sets the end back
      }
      return back;
    });
    const placements = Array.from(moves.entries()).map(([id, spot]) => placement(id, spot));
    const moveUrl = root.dataset.moveUrl;
    let answer;
    if (placements.length === 1 && placements[0].room !== null && moveUrl) {
      const form = new FormData();
      const only = placements[0];
      ["day", "start", "room", "end"].forEach((name) => {
        if (only[name] !== undefined) {
          form.append(name, only[name]);
        }
      });
      answer = await send(moveUrl.replace("/0/", "/" + only.talk + "/"), form);
      if (!answer.errors) {
        answer = { talks: [answer.talk], clashes: answer.clashes };
      }
    } else {
      answer = await send(root.dataset.placeUrl, JSON.stringify({ placements: placements }), {
        "Content-Type": "application/json",
      });
    }
    pending = null;
    if (answer.errors) {
      showErrors(answer.errors);
      layOut();
      say("Nothing was moved.");
      return false;
    }
    showErrors([]);
    const focused = document.activeElement;
    answer.talks.forEach(drawSaved);
    if (focused && focused !== document.activeElement && document.contains(focused)) {
      focused.focus(); // a block moved to another column loses the focus: give it back
    }
    if (!undo) {
      history.push(before);
    } else {
      history.pop();
    }
    undoButton.disabled = history.length === 0;
    layOut();
    markClashes(placedSpots(), answer.clashes);
    const words = answer.talks.map(
      (talk) => "“" + talk.title + "” " + (talk.room ? "at " + talk.start + "–" + talk.end + " in " + roomName(talk.room) : "unscheduled")
    );
    const clashes = answer.clashes.map((clash) => clash.message);
    say((undo ? "Undone: " : "Saved: ") + words.join("; ") + "." + (clashes.length ? " " + clashes.join(" ") : ""));
    return true;
  }

  // Draws a talk as the server answered it (a block of program/admin/schedule_json.py).
  function drawSaved(talk) {
    const block = blockOf(talk.id);
    block.dataset.status = talk.status;
    if (talk.room === null) {
      delete block.dataset.room;
      delete block.dataset.start;
      delete block.dataset.end;
      block.dataset.length = String(talk.length || length(block));
      block.style.cssText = "";
      const handle = block.querySelector(".block-resize");
      if (handle) {
        handle.remove();
      }
      block.querySelector(".block-time").textContent = block.dataset.length + " min";
      waitingList.prepend(block);
      return;
    }
    block.dataset.room = String(talk.room);
    block.dataset.start = String(minuteOf(talk.start, false));
    // A talk going on past midnight is drawn to the day's end, as the page draws it.
    block.dataset.end = talk.end_iso.slice(0, 10) > talk.day ? "1440" : String(minuteOf(talk.end, true));
    block.dataset.length = String(Number(block.dataset.end) - Number(block.dataset.start));
    if (talk.day !== DAY) {
      block.remove(); // moved to another day (the move form can)
      return;
    }
    drawAt(block, where(block));
  }

  // Undo ----------------------------------------------------------------------------------

  const undoButton = document.createElement("button");
  undoButton.type = "button";
  undoButton.className = "button editor-undo";
  undoButton.textContent = "Undo the last move";
  undoButton.disabled = true;
  status.before(undoButton);

  function undoLast() {
    saving = saving.then(() => {
      if (!history.length) {
        return false;
      }
      const moves = new Map();
      history[history.length - 1].forEach((p) => {
        const back = p.room === null ? null : { room: p.room, start: minuteOf(p.start, false) };
        if (back) {
          const setsEnd = p.end !== undefined;
          const end = setsEnd ? minuteOf(p.end, true) : back.start + length(blockOf(String(p.talk)));
          Object.assign(back, { end: end, setsEnd: setsEnd });
        }
        moves.set(String(p.talk), back);
      });
      return saveNow(moves, true);
    });
  }

  undoButton.addEventListener("click", undoLast);
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "z" && !event.target.matches("input, select, textarea")) {
      event.preventDefault();
      undoLast();
    }
  });

  // Selecting several ---------------------------------------------------------------------

  function toggleSelected(block) {
    const id = block.dataset.talk;
    if (selected.has(id)) {
      selected.delete(id);
    } else {
      selected.add(id);
    }
    block.classList.toggle("is-selected", selected.has(id));
    block.setAttribute("aria-selected", selected.has(id) ? "true" : "false");
    say(selected.size + " talk" + (selected.size === 1 ? "" : "s") + " selected.");
  }

  function clearSelection() {
    selected.forEach((id) => {
      const block = blockOf(id);
      if (block) {
        block.classList.remove("is-selected");
        block.removeAttribute("aria-selected");
      }
    });
    selected.clear();
  }

  // The talks that move with ``block``: the selection when it is part of it.
  function movingWith(block) {
    const id = block.dataset.talk;
    if (selected.has(id) && isPlaced(block)) {
      return Array.from(selected).map(blockOf).filter((each) => each && isPlaced(each));
    }
    return [block];
  }

  // ``blocks`` shifted by ``minutes`` and ``rooms`` columns (of those shown), or null when
  // one would leave the grid.
  function shifted(blocks, minutes, rooms) {
    const shown = shownColumns().map((column) => Number(column.dataset.room));
    const moves = new Map();
    for (const block of blocks) {
      const spot = pending && pending.has(block.dataset.talk) ? pending.get(block.dataset.talk) : where(block);
      const index = shown.indexOf(spot.room) + rooms;
      const start = spot.start + minutes;
      const end = spot.end + minutes;
      if (index < 0 || index >= shown.length || start < 0 || end > 1440) {
        return null;
      }
      moves.set(block.dataset.talk, { room: shown[index], start: start, end: end });
    }
    return moves;
  }

  function showMoves(moves) {
    moves.forEach((spot, id) => drawAt(blockOf(id), spot));
    sideBySide();
    markClashes(placedSpots(moves));
  }

  // Keyboard ------------------------------------------------------------------------------

  const ARROWS = { ArrowUp: [-STEP, 0], ArrowDown: [STEP, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

  root.addEventListener("keydown", (event) => {
    const block = event.target.closest(".editor-block");
    if (!block || event.target !== block) {
      return;
    }
    if (event.key in ARROWS && isPlaced(block)) {
      event.preventDefault();
      const [minutes, rooms] = ARROWS[event.key];
      const moves = shifted(movingWith(block), minutes, rooms);
      if (!moves) {
        return;
      }
      pending = pending || new Map();
      moves.forEach((spot, id) => pending.set(id, spot));
      showMoves(pending);
      block.focus();
      const spot = pending.get(block.dataset.talk);
      say("“" + title(block) + "” to " + clock(spot.start) + "–" + clock(spot.end) + " in " + roomName(spot.room) + ". Enter saves, Escape cancels.");
    } else if (event.key === "Enter" && pending) {
      event.preventDefault();
      save(pending).then(() => block.focus());
    } else if (event.key === "Escape" && pending) {
      event.preventDefault();
      pending = null;
      layOut();
      block.focus();
      say("Move cancelled.");
    } else if (event.key === "Escape" && selected.size) {
      clearSelection();
      say("No talk selected.");
    } else if (event.key === " ") {
      event.preventDefault();
      toggleSelected(block);
    }
  });

  // Dragging with a mouse, a finger or a pen ----------------------------------------------

  let drag = null;

  function dropTarget(x, y) {
    const under = document.elementsFromPoint(x, y);
    const block = under.find(
      (element) => element.matches(".editor-grid .editor-block") && !drag.ids.has(element.dataset.talk)
    );
    const slots = under.find((element) => element.matches(".editor-slots"));
    const waiting = under.find((element) => element === waitingSection);
    return { block: block, slots: slots, waiting: waiting };
  }

  function snapped(minute) {
    return Math.round(minute / STEP) * STEP;
  }

  // What a drop at (x, y) would do: Map id -> spot or null, and whether it swaps.
  function dropMoves(x, y) {
    const target = dropTarget(x, y);
    const lead = drag.block;
    if (target.waiting && !drag.resize) {
      return isPlaced(lead) ? new Map(drag.blocks.map((block) => [block.dataset.talk, null])) : null;
    }
    if (drag.resize) {
      const slots = slotsOf(lead.dataset.room);
      const top = slots.getBoundingClientRect().top;
      const start = Number(lead.dataset.start);
      const end = Math.min(1440, Math.max(start + STEP, FIRST + snapped(((y - top) / ROW_PX) * STEP)));
      return new Map([[lead.dataset.talk, { room: Number(lead.dataset.room), start: start, end: end, setsEnd: true }]]);
    }
    if (target.block && drag.blocks.length === 1) {
      const other = target.block;
      const moves = new Map([[lead.dataset.talk, { room: Number(other.dataset.room), start: Number(other.dataset.start), end: Number(other.dataset.start) + length(lead) }]]);
      moves.set(other.dataset.talk, isPlaced(lead) ? { room: Number(lead.dataset.room), start: Number(lead.dataset.start), end: Number(lead.dataset.start) + length(other) } : null);
      moves.swap = true;
      return moves;
    }
    if (!target.slots) {
      return null;
    }
    const room = Number(target.slots.closest(".editor-room").dataset.room);
    const top = target.slots.getBoundingClientRect().top;
    let start = FIRST + snapped(((y - top - drag.grabY) / ROW_PX) * STEP);
    start = Math.max(0, Math.min(start, 1440 - length(lead)));
    if (!isPlaced(lead)) {
      return new Map([[lead.dataset.talk, { room: room, start: start, end: start + length(lead) }]]);
    }
    const shown = shownColumns().map((column) => Number(column.dataset.room));
    return shifted(drag.blocks, start - Number(lead.dataset.start), shown.indexOf(room) - shown.indexOf(Number(lead.dataset.room)));
  }

  function showPreview(moves) {
    drag.preview.forEach((ghost) => ghost.remove());
    drag.preview = [];
    root.querySelectorAll(".editor-block.is-swap-target").forEach((block) => block.classList.remove("is-swap-target"));
    if (!moves) {
      markClashes(placedSpots());
      return;
    }
    moves.forEach((spot, id) => {
      if (!spot) {
        return;
      }
      const ghost = document.createElement("div");
      ghost.className = "editor-preview";
      ghost.setAttribute("aria-hidden", "true");
      ghost.textContent = clock(spot.start) + "–" + clock(spot.end) + " " + title(blockOf(id));
      slotsOf(spot.room).appendChild(ghost);
      ghost.style.top = ((spot.start - FIRST) / STEP) * ROW_PX + "px";
      ghost.style.height = ((spot.end - spot.start) / STEP) * ROW_PX - 2 + "px";
      drag.preview.push(ghost);
    });
    if (moves.swap) {
      moves.forEach((spot, id) => id !== drag.block.dataset.talk && blockOf(id).classList.add("is-swap-target"));
    }
    markClashes(placedSpots(new Map(Array.from(moves).filter(([, spot]) => spot))));
  }

  // Near an edge of the scrolled grid, scroll it so a far room or time can be reached. The
  // edges are those of the grid's part in the window: on a laptop its foot is often below.
  function scrollNearEdges(x, y) {
    const box = grid.getBoundingClientRect();
    const left = Math.max(box.left, 0);
    const right = Math.min(box.right, window.innerWidth);
    const top = Math.max(box.top, 0);
    const bottom = Math.min(box.bottom, window.innerHeight);
    const edge = 40;
    const dx = x < left + edge ? -12 : x > right - edge ? 12 : 0;
    const dy = y < top + edge ? -12 : y > bottom - edge ? 12 : 0;
    if (dx || dy) {
      grid.scrollBy(dx, dy);
    }
  }

  root.addEventListener("pointerdown", (event) => {
    const block = event.target.closest(".editor-block");
    if (!block || event.button !== 0 || event.target.closest("a")) {
      return;
    }
    if (event.ctrlKey || event.metaKey || event.shiftKey) {
      event.preventDefault();
      toggleSelected(block);
      return;
    }
    const resize = Boolean(event.target.closest(".block-resize"));
    const blocks = resize ? [block] : movingWith(block);
    const box = block.getBoundingClientRect();
    drag = {
      block: block,
      blocks: blocks,
      ids: new Set(blocks.map((each) => each.dataset.talk)),
      resize: resize,
      startX: event.clientX,
      startY: event.clientY,
      grabY: isPlaced(block) ? event.clientY - box.top : 0,
      moving: false,
      preview: [],
      pointer: event.pointerId,
    };
    block.setPointerCapture(event.pointerId);
  });

  root.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.pointer) {
      return;
    }
    if (!drag.moving) {
      if (Math.hypot(event.clientX - drag.startX, event.clientY - drag.startY) < DRAG_THRESHOLD) {
        return;
      }
      drag.moving = true;
      drag.blocks.forEach((block) => block.classList.add("is-dragged"));
      root.classList.add("is-dragging");
    }
    event.preventDefault();
    scrollNearEdges(event.clientX, event.clientY);
    drag.moves = dropMoves(event.clientX, event.clientY);
    showPreview(drag.moves);
  });

  function endDrag(event, cancelled) {
    if (!drag || event.pointerId !== drag.pointer) {
      return;
    }
    const finished = drag;
    drag = null;
    finished.preview.forEach((ghost) => ghost.remove());
    finished.blocks.forEach((block) => block.classList.remove("is-dragged"));
    root.classList.remove("is-dragging");
    root.querySelectorAll(".is-swap-target").forEach((block) => block.classList.remove("is-swap-target"));
    if (!finished.moving) {
      return;
    }
    const moves = cancelled ? null : finished.moves;
    if (!moves) {
      markClashes(placedSpots());
      say("Move cancelled.");
      return;
    }
    save(moves);
  }

  root.addEventListener("pointerup", (event) => endDrag(event, false));
  root.addEventListener("pointercancel", (event) => endDrag(event, true));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drag) {
      drag.moves = null;
      endDrag({ pointerId: drag.pointer }, true);
    }
  });

  layOut();
})();
