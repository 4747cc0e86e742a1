// The current-time line on the timetable, while the day shown is running. Enhancement only:
// the timetable is a plain table without this file. Position is set through the CSSOM
// (element.style), which the Content-Security-Policy allows; markup has no inline style.
(function () {
  "use strict";

  var table = document.querySelector("table.timetable[data-first-row]");
  if (!table || !table.tBodies.length) {
    return;
  }
  var firstRow = Date.parse(table.dataset.firstRow); // the first row's start, with its offset
  var step = Number(table.dataset.step) * 60000; // milliseconds a row stands for
  var rows = table.tBodies[0].rows;
  var line = document.createElement("div");
  line.className = "now-line";
  line.setAttribute("aria-hidden", "true");
  line.hidden = true;
  table.parentNode.appendChild(line);

  function place() {
    var position = (Date.now() - firstRow) / step; // in rows, from the first
    var index = Math.floor(position);
    if (!(index >= 0 && index < rows.length)) {
      line.hidden = true;
      return;
    }
    // Rows grow with their content, so the line is placed inside the row it falls in.
    var row = rows[index];
    var top = table.offsetTop + row.offsetTop + (position - index) * row.offsetHeight;
    line.style.top = top + "px";
    line.hidden = false;
  }

  place();
  window.setInterval(place, 30000);
  window.addEventListener("resize", place);
})();
