/* Matchmaking: clicking a suggested scenario (htmx-loaded, so delegated) ticks its checkbox. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.suggest[data-scenario]") : null;
    if (!button) { return; }
    var box = document.querySelector('input[name="scenarios"][value="' + button.getAttribute("data-scenario") + '"]');
    if (box) {
      box.checked = true;
      box.focus();
    }
  });
})();
