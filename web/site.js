/* The demo site's own script: its "ask a question" buttons ([data-open-assistant]) open the widget
   (its launcher), or focus the widget's input when it is already open. A file rather than an inline
   script, so that the pages' Content-Security-Policy runs no inline script at all. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("[data-open-assistant]")) return;
    var launcher = document.querySelector(".asst-launcher"), input = document.querySelector(".asst-input");
    if (launcher && launcher.getAttribute("aria-expanded") !== "true") launcher.click();
    else if (input) input.focus();
  });
})();
