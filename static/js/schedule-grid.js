// The schedule editor's grid, shared by static/js/schedule-editor.js: where talks are (their
// data- attributes), drawing them on 5-minute rows, and the clashes among them. Positions are
// set through the CSSOM (element.style), which the Content-Security-Policy allows.
// ScheduleGrid(root, pendingSpot): ``pendingSpot(id)`` is where a keyboard move not yet saved
// has put a talk, or undefined.
window.ScheduleGrid = function (root, pendingSpot) {
  "use strict";

  const FIRST = Number(root.dataset.firstMinute);
  const LAST = Number(root.dataset.lastMinute);
  const STEP = Number(root.dataset.rowMinutes);
  const ROW_PX = 12; // one 5-minute row: --editor-row in static/css/schedule-editor.css
  const grid = root.querySelector(".editor-grid");

  // Time and places -----------------------------------------------------------------------

  function clock(minute) {
    const hours = Math.floor(minute / 60);
    const minutes = minute % 60;
    return String(hours).padStart(2, "0") + ":" + String(minutes).padStart(2, "0");
  }

  function minuteOf(text, isEnd) {
    const parts = text.split(":");
    const minute = Number(parts[0]) * 60 + Number(parts[1]);
    return isEnd && minute === 0 ? 1440 : minute;
  }

  function columns() {
    return Array.from(grid.querySelectorAll(".editor-room"));
  }

  function shownColumns() {
    return columns().filter((column) => !column.hidden);
  }

  function slotsOf(room) {
    return grid.querySelector('.editor-room[data-room="' + room + '"] .editor-slots');
  }

  function roomName(room) {
    const column = grid.querySelector('.editor-room[data-room="' + room + '"] h3');
    return column ? column.textContent.trim() : "";
  }

  function blockOf(id) {
    return document.getElementById("talk-" + id);
  }

  function gridBlocks() {
    return Array.from(grid.querySelectorAll(".editor-block"));
  }

  function isPlaced(block) {
    return block.dataset.room !== undefined && block.dataset.room !== "";
  }

  function where(block) {
    return {
      room: Number(block.dataset.room),
      start: Number(block.dataset.start),
      end: Number(block.dataset.end),
    };
  }

  function length(block) {
    return isPlaced(block)
      ? Number(block.dataset.end) - Number(block.dataset.start)
      : Number(block.dataset.length);
  }

  function title(block) {
    return block.dataset.title;
  }

  // Drawing -------------------------------------------------------------------------------

  function drawAt(block, spot) {
    const slots = slotsOf(spot.room);
    if (block.parentNode !== slots) {
      slots.appendChild(block);
    }
    block.style.top = ((spot.start - FIRST) / STEP) * ROW_PX + "px";
    block.style.height = Math.max(1, (spot.end - spot.start) / STEP) * ROW_PX - 2 + "px";
    block.querySelector(".block-time").textContent = clock(spot.start) + "–" + clock(spot.end);
  }

  function layOut() {
    const rows = (LAST - FIRST) / STEP;
    columns().forEach((column) => {
      column.querySelector(".editor-slots").style.height = rows * ROW_PX + "px";
    });
    root.querySelectorAll(".editor-hours li").forEach((hour) => {
      hour.style.top = ((Number(hour.dataset.minute) - FIRST) / STEP) * ROW_PX + "px";
    });
    root.querySelector(".editor-hours").style.height = rows * ROW_PX + "px";
    // A session's strip, beside its talks from its start to its end (sideBySide leaves room).
    grid.querySelectorAll(".editor-session").forEach((session) => {
      const start = Number(session.dataset.start);
      session.style.top = ((start - FIRST) / STEP) * ROW_PX + "px";
      session.style.height = ((Number(session.dataset.end) - start) / STEP) * ROW_PX - 2 + "px";
    });
    gridBlocks().forEach((block) => {
      if (!block.querySelector(".block-resize")) {
        addResizeHandle(block);
      }
      drawAt(block, pendingSpot(block.dataset.talk) || where(block));
    });
    sideBySide();
    markClashes(placedSpots());
  }

  // Talks that overlap in one room are drawn side by side, never hidden under each other.
  function sideBySide() {
    columns().forEach((column) => {
      const blocks = Array.from(column.querySelectorAll(".editor-block")).sort(
        (a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)
      );
      let group = [];
      let groupEnd = -1;
      const flush = () => {
        const lanes = [];
        group.forEach((block) => {
          const top = parseFloat(block.style.top);
          let lane = lanes.findIndex((end) => end <= top);
          if (lane < 0) {
            lane = lanes.length;
            lanes.push(0);
          }
          lanes[lane] = top + parseFloat(block.style.height);
          block.dataset.lane = lane;
        });
        group.forEach((block) => {
          // --session-strip: the width of a room's session strips (schedule-editor.css).
          const share = "(100% - var(--session-strip, 0px))";
          block.style.left =
            "calc(var(--session-strip, 0px) + " + share + " * " + block.dataset.lane / lanes.length + ")";
          block.style.width = "calc(" + share + " / " + lanes.length + ")";
        });
      };
      blocks.forEach((block) => {
        const top = parseFloat(block.style.top);
        if (top >= groupEnd && group.length) {
          flush();
          group = [];
        }
        group.push(block);
        groupEnd = Math.max(groupEnd, top + parseFloat(block.style.height));
      });
      if (group.length) {
        flush();
      }
    });
  }

  function addResizeHandle(block) {
    const handle = document.createElement("span");
    handle.className = "block-resize";
    handle.setAttribute("aria-hidden", "true");
    block.appendChild(handle);
  }

  // Clashes, found here from the day's data while moving; the server's answer after saving ---

  // Where every talk of the day is (or would be, with ``moving``: Map id -> spot).
  function placedSpots(moving) {
    const spots = new Map();
    gridBlocks().forEach((block) => spots.set(block.dataset.talk, where(block)));
    if (moving) {
      moving.forEach((spot, id) => spots.set(id, spot));
    }
    return spots;
  }

  // The clashes among ``spots``: {talk, other, kind: "room" or "speaker"}, each pair once.
  function clashesAmong(spots) {
    const found = [];
    const entries = Array.from(spots.entries()).filter(
      ([id, spot]) => spot && blockOf(id).dataset.status !== "cancelled"
    );
    entries.forEach(([id, spot], index) => {
      const speakers = blockOf(id).dataset.speakers.split(" ").filter(Boolean);
      entries.slice(index + 1).forEach(([otherId, other]) => {
        if (!(spot.start < other.end && other.start < spot.end)) {
          return;
        }
        if (spot.room === other.room) {
          found.push({ talk: id, other: otherId, kind: "room", speaker: null });
        }
        const others = blockOf(otherId).dataset.speakers.split(" ");
        if (speakers.some((speaker) => others.includes(speaker))) {
          found.push({ talk: id, other: otherId, kind: "speaker", speaker: null });
        }
      });
    });
    return found;
  }

  function clearClashes() {
    root.querySelectorAll(".editor-block.has-clash").forEach((block) => {
      block.classList.remove("has-clash");
      block.removeAttribute("title");
      block.clashNotes = new Map();
      block.querySelector(".block-clashes").textContent = "";
    });
  }

  // Marks the block of ``id`` as clashing with talk ``otherId`` (named by ``otherTitle``
  // when its block is on another day).
  function markClash(id, otherId, kind, speaker, otherTitle) {
    const block = blockOf(id);
    if (!block) {
      return;
    }
    const other = blockOf(otherId);
    const name = other ? title(other) : otherTitle || "another talk";
    let note = (kind === "room" ? "Room clash with “" : "Speaker clash with “") + name + "”";
    note += speaker ? ": " + speaker + " speaks in both." : ".";
    block.clashNotes = block.clashNotes || new Map();
    block.clashNotes.set(kind + " " + otherId, note);
    const notes = Array.from(block.clashNotes.values()).join(" ");
    block.querySelector(".block-clashes").textContent = notes;
    block.title = notes; // the whole of it, where a short block cuts the text
    block.classList.add("has-clash");
  }

  function markClashes(spots, serverClashes) {
    clearClashes();
    clashesAmong(spots).forEach((clash) => {
      markClash(clash.talk, clash.other, clash.kind, null);
      markClash(clash.other, clash.talk, clash.kind, null);
    });
    // The server's word after saving: it knows the speaker, and talks of other days.
    (serverClashes || []).forEach((clash) => {
      const moved = blockOf(clash.talk);
      markClash(String(clash.talk), String(clash.other), clash.kind, clash.speaker, clash.other_title);
      markClash(String(clash.other), String(clash.talk), clash.kind, clash.speaker, moved && title(moved));
    });
  }

  return {
    FIRST: FIRST,
    LAST: LAST,
    STEP: STEP,
    ROW_PX: ROW_PX,
    clock: clock,
    minuteOf: minuteOf,
    columns: columns,
    shownColumns: shownColumns,
    slotsOf: slotsOf,
    roomName: roomName,
    blockOf: blockOf,
    isPlaced: isPlaced,
    where: where,
    length: length,
    title: title,
    drawAt: drawAt,
    layOut: layOut,
    sideBySide: sideBySide,
    placedSpots: placedSpots,
    markClashes: markClashes,
  };
};
