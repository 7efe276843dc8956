// The large screen (大屏): keeps itself current without reloading. Every 60 s it fetches the same page
// (same origin, with the session cookie) and swaps the containers marked data-refresh (headline figures,
// map, ranking, live strip) for the fresh ones. The map's indicator is a plain GET form without script;
// with it, a change is kept in the address (history.replaceState) so every refresh asks for the same
// indicator, the by-region chart follows it, and the map is fetched at once.
(function () {
  "use strict";
  var REFRESH_MS = 60000;
  var choice = document.getElementById("map-indicator");
  var busy = false;

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var swapped = 0;
    document.querySelectorAll("[data-refresh]").forEach(function (old) {
      var next = fresh.querySelector('[data-refresh="' + old.getAttribute("data-refresh") + '"]');
      if (next) {
        old.replaceWith(document.importNode(next, true));
        swapped += 1;
      }
    });
    return swapped;
  }

  function refresh() {
    if (busy) { return Promise.resolve(); }
    busy = true;
    return window.fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        // Signed out meanwhile (the login page) or an error page: keep what is shown.
        if (!response.ok || response.redirected) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        if (swap(html)) { document.body.dataset.refreshed = new Date().toISOString(); }
      })
      .catch(function () { document.body.dataset.refreshFailed = new Date().toISOString(); })
      .then(function () { busy = false; });
  }

  function followChart() {
    // The chart's select lists the same rate indicators in the same order (dashboard.js fills it).
    var chart = document.getElementById("chart-rate-select");
    if (!chart || !choice || chart.options.length <= choice.selectedIndex) { return; }
    if (chart.value !== String(choice.selectedIndex)) {
      chart.value = String(choice.selectedIndex);
      chart.dispatchEvent(new Event("change"));
    }
  }

  if (choice) {
    var button = choice.form && choice.form.querySelector("button[type=submit]");
    if (button) { button.hidden = true; }
    choice.addEventListener("change", function () {
      var url = new URL(window.location.href);
      url.searchParams.set("indicator", choice.value);
      window.history.replaceState(null, "", url.toString());
      followChart();
      refresh();
    });
    followChart();
  }
  window.setInterval(refresh, REFRESH_MS);
})();
