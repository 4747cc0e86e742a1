// The edition's admin page: "Copy snippet" puts the embed snippet on the clipboard
// (templates/admin/program/conference/change_form.html). Without this script, or without a
// clipboard, the button stays hidden and the text can be selected and copied by hand.
(function () {
  "use strict";

  var button = document.querySelector("button[data-copy-snippet]");
  var field = button && document.getElementById(button.dataset.copySnippet);
  if (!field || !navigator.clipboard) {
    return;
  }
  var status = document.querySelector("[data-copy-status]");
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(
      function () {
        status.textContent = "Copied.";
      },
      function () {
        field.select();
        status.textContent = "Copying was refused: the snippet is selected, copy it by hand.";
      }
    );
  });
})();
