// The current-time line on the timetable, while the day shown is running. Enhancement only:
// the timetable is a plain table without this file. Position is set through the CSSOM
// (element.style), which the Content-Security-Policy allows; markup has no inline style.
(function () {
  "use strict";

  var table = document.querySelector("table.timetable[data-ends-at]");
  if (!table || !table.tBodies.length) {
    return;
  }
  var rows = table.tBodies[0].rows;
  // Each row's start (with its offset), then the last row's end: rows stand for different
  // lengths of time (a stretch with no talk anywhere is one short row).
  var starts = Array.prototype.map.call(rows, function (row) {
    return Date.parse(row.dataset.startsAt);
  });
  starts.push(Date.parse(table.dataset.endsAt));
  var line = document.createElement("div");
  line.className = "now-line";
  line.setAttribute("aria-hidden", "true");
  line.hidden = true;
  table.parentNode.appendChild(line);

  function place() {
    var now = Date.now();
    var index = -1;
    while (index + 1 < rows.length && starts[index + 1] <= now) {
      index += 1;
    }
    if (index < 0 || now >= starts[rows.length]) {
      line.hidden = true;
      return;
    }
    // Rows grow with their content, so the line is placed inside the row it falls in.
    var row = rows[index];
    var share = (now - starts[index]) / (starts[index + 1] - starts[index]);
    line.style.top = table.offsetTop + row.offsetTop + share * row.offsetHeight + "px";
    line.hidden = false;
  }

  place();
  window.setInterval(place, 30000);
  window.addEventListener("resize", place);
})();
