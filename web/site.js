/* The demo site's own script: its "ask a question" buttons ([data-open-assistant]) open the widget
   (its launcher), or focus the widget's input when it is already open; its example questions
   ([data-ask-assistant]) open the widget and ask that question. A file rather than an inline script,
   so that the pages' Content-Security-Policy runs no inline script at all. */
(function () {
  "use strict";
  // The widget on the page (window.asstWidgets, filled by widget.js), once it has loaded.
  function widget(then) {
    var all = window.asstWidgets || {}, found = Object.keys(all).map(function (k) { return all[k]; })
      .filter(function (w) { return w && w.ask; })[0];
    if (found) then(found);
    else if (document.readyState !== "complete") window.addEventListener("load", function () { widget(then); }, { once: true });
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-open-assistant], [data-ask-assistant]");
    if (!target) return;
    var question = target.getAttribute("data-ask-assistant");
    if (question) return widget(function (w) { w.ask(question); });
    var launcher = document.querySelector(".asst-launcher"), input = document.querySelector(".asst-input");
    if (launcher && launcher.getAttribute("aria-expanded") !== "true") launcher.click();
    else if (input) input.focus();
  });
})();
