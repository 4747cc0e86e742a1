// The admin's "Add talk" and "Add session" forms offer the rooms (and tracks) of the
// edition chosen in them (program/admin/talks.py, sessions.py). Choosing another edition
// reloads the form with ?conference=<id>, so the lists hold that edition's rooms and tracks; nothing else has
// been typed yet, as the edition is the form's first field. Without JavaScript, saving
// does the same: a room of another edition is refused and the lists are the new edition's.
// The admin loads this in the page's head, before the form: it waits for the document.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var form = document.getElementById("talk_form") || document.getElementById("session_form");
  var edition = document.getElementById("id_conference");
  if (!form || !edition || !/\/add\/$/.test(window.location.pathname)) {
    return;
  }
  edition.addEventListener("change", function () {
    var query = new URLSearchParams(window.location.search);
    query.set("conference", edition.value);
    window.location.search = query.toString();
  });
});
