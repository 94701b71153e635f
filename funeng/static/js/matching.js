/* Matchmaking pages.
 * - Need form: clicking a suggested scenario (htmx-loaded, so delegated) ticks its checkbox.
 * - Need page: the ranked solutions shown (impressions) and the one opened (a click) are reported to
 *   the page's events URL in a POST beacon, for learning to rank; a GET never writes, so the page
 *   view itself records nothing. Only the enterprise's own page carries data-events.
 */
(function () {
  "use strict";

  function report(list, kind, ids) {
    var url = list.getAttribute("data-events");
    if (!url || !ids.length) { return; }
    var body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", list.getAttribute("data-csrf") || "");
    body.append("kind", kind);
    ids.forEach(function (id) { body.append("solution", id); });
    // sendBeacon survives the navigation a click starts; fetch with keepalive where it is missing.
    if (navigator.sendBeacon && navigator.sendBeacon(url, body)) { return; }
    if (window.fetch) {
      window.fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true });
    }
  }

  function shown(list) {
    var ids = [];
    list.querySelectorAll("li.match[data-solution]").forEach(function (item) {
      ids.push(item.getAttribute("data-solution"));
    });
    return ids;
  }

  function opened(event) {
    var link = event.target.closest ? event.target.closest("ol.matches[data-events] .match-title a") : null;
    if (!link || (event.type === "auxclick" && event.button !== 1)) { return; }
    var item = link.closest("li.match[data-solution]");
    report(link.closest("ol.matches"), "click", [item.getAttribute("data-solution")]);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.suggest[data-scenario]") : null;
    if (!button) { return; }
    var box = document.querySelector('input[name="scenarios"][value="' + button.getAttribute("data-scenario") + '"]');
    if (box) {
      box.checked = true;
      box.focus();
    }
  });

  document.addEventListener("click", opened);
  document.addEventListener("auxclick", opened);  // a middle click opens the solution in a new tab

  function ready() {
    document.querySelectorAll("ol.matches[data-events]").forEach(function (list) {
      report(list, "impression", shown(list));
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
