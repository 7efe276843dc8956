/* Small behaviours of the forms and record pages, in one static file so that the Content-Security-Policy
   needs no inline script. Each is switched on by a data attribute; without JavaScript every page still
   works (the fields stay visible, the server-rendered text stays, a button submits the form). */
(function () {
  "use strict";

  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  function hms(seconds) {
    return Math.floor(seconds / 3600) + ":" + pad(Math.floor(seconds % 3600 / 60)) + ":" + pad(seconds % 60);
  }

  /* <select data-autosubmit>: choosing an option submits its form. */
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  /* <button data-reload>: reloads the page (reconnects a live view). */
  document.querySelectorAll("button[data-reload]").forEach(function (button) {
    button.addEventListener("click", function () { window.location.reload(); });
  });

  /* A delivery form: the second acceptor only for bulk staples, the rejection fields only for a rejection. */
  document.querySelectorAll("form[data-delivery-form]").forEach(function (form) {
    function sync() {
      var bulk = form.querySelector("[name=bulk_staple]").checked;
      var rejected = (form.querySelector("[name=decision]:checked") || {}).value === "rejected";
      form.querySelectorAll("[data-bulk-only]").forEach(function (el) { el.hidden = !bulk; });
      form.querySelectorAll("[data-rejected-only]").forEach(function (el) { el.hidden = !rejected; });
    }
    form.addEventListener("change", sync);
    sync();
  });

  /* [data-countdown="ISO time"]: counts a sample down to the moment it may be discarded. */
  var samples = document.querySelectorAll("[data-countdown]");
  if (samples.length) {
    var tickSamples = function () {
      var now = Date.now();
      samples.forEach(function (el) {
        var left = Math.floor((Date.parse(el.getAttribute("data-countdown")) - now) / 1000);
        if (left <= 0) {
          el.textContent = el.getAttribute("data-done");
          el.parentNode.className = "badge valid";
          return;
        }
        el.textContent = el.getAttribute("data-keep") + " " + hms(left);
      });
    };
    tickSamples();
    setInterval(tickSamples, 1000);
  }

  /* An incident report: counts down to onset + 2 hours from the onset time typed in the form. */
  var onset = document.querySelector("[data-onset]"), out = document.querySelector("[data-countdown-out]");
  if (onset && out) {
    var tickOnset = function () {
      var at = Date.parse(onset.value);
      if (isNaN(at)) { out.textContent = ""; return; }
      var left = Math.floor((at + 2 * 3600 * 1000 - Date.now()) / 1000);
      if (left <= 0) { out.textContent = out.getAttribute("data-late"); out.className = "badge bad"; return; }
      out.className = "badge warn";
      out.textContent = hms(left) + " " + out.getAttribute("data-left");
    };
    onset.addEventListener("input", tickOnset);
    tickOnset();
    setInterval(tickOnset, 1000);
  }
})();
