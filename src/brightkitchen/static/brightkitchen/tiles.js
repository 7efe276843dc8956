// Camera tiles (video wall, dining-hall display, school file, patrol screen): each tile showing a
// snapshot takes it again every data-refresh seconds (live tiles that failed show one too); a tile
// whose camera gives no picture keeps its last one and is marked.
(function () {
  "use strict";
  function reload(img) {
    var next = new Image();
    next.onload = function () { img.src = next.src; img.closest(".tile").classList.remove("stale"); };
    next.onerror = function () { img.closest(".tile").classList.add("stale"); };
    var src = img.dataset.src;
    next.src = src + (src.indexOf("?") < 0 ? "?" : "&") + "t=" + Date.now();
  }
  document.querySelectorAll("[data-refresh]").forEach(function (grid) {
    if (grid.dataset.tilesStarted) { return; }  // the script may be included by several sections
    grid.dataset.tilesStarted = "1";
    var seconds = Number(grid.dataset.refresh) || 15;
    window.setInterval(function () {
      grid.querySelectorAll(".tile img[data-src]").forEach(reload);
    }, seconds * 1000);
  });
})();
