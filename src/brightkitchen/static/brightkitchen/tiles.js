// Camera tiles (video wall, dining-hall display, school file, patrol screen): each tile showing a
// snapshot asks for it again every data-refresh seconds (live tiles that failed show one too). The
// server answers with the picture the workers stored and its age (X-Snapshot-Status, shown under the
// picture), or 202 with a "being taken" picture: that tile asks again after Retry-After seconds. A tile
// whose request fails keeps its last picture and is marked.
(function () {
  "use strict";
  function statusOf(img) {
    var tile = img.closest(".tile");
    return tile ? tile.querySelector(".tile-status") : null;
  }
  function reload(img) {
    if (img.dataset.loading) { return; }
    img.dataset.loading = "1";
    var tile = img.closest(".tile");
    var src = img.dataset.src;
    fetch(src + (src.indexOf("?") < 0 ? "?" : "&") + "t=" + Date.now(), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status !== 200 && response.status !== 202 && response.status !== 503) {
          throw new Error(String(response.status));
        }
        var text = response.headers.get("X-Snapshot-Status");
        var status = statusOf(img);
        if (status && text) { status.textContent = decodeURIComponent(text); }
        if (response.status === 202) {
          var retry = Number(response.headers.get("Retry-After")) || 5;
          window.setTimeout(function () { reload(img); }, retry * 1000);
        }
        if (tile) { tile.classList.toggle("stale", response.status !== 200); }
        return response.blob();
      })
      .then(function (blob) {
        if (img.dataset.blob) { URL.revokeObjectURL(img.dataset.blob); }
        img.dataset.blob = URL.createObjectURL(blob);
        img.src = img.dataset.blob;
      })
      .catch(function () { if (tile) { tile.classList.add("stale"); } })
      .finally(function () { delete img.dataset.loading; });
  }
  document.querySelectorAll("[data-refresh]").forEach(function (grid) {
    if (grid.dataset.tilesStarted) { return; }  // the script may be included by several sections
    grid.dataset.tilesStarted = "1";
    var seconds = Number(grid.dataset.refresh) || 30;
    // A tile whose camera had no picture yet when the page was made asks again soon.
    grid.querySelectorAll(".tile img[data-pending]").forEach(function (img) {
      window.setTimeout(function () { reload(img); }, 5000);
    });
    window.setInterval(function () {
      grid.querySelectorAll(".tile img[data-src]").forEach(reload);
    }, seconds * 1000);
  });
})();
