// Camera tiles (video wall, dining-hall display): each tile's picture is taken again every
// data-refresh seconds; a tile whose camera gives no picture keeps its last one and is marked.
(function () {
  "use strict";
  var grid = document.querySelector(".wall-grid");
  if (!grid) { return; }
  var seconds = Number(grid.dataset.refresh) || 15;
  function reload(img) {
    var next = new Image();
    next.onload = function () { img.src = next.src; img.closest(".tile").classList.remove("stale"); };
    next.onerror = function () { img.closest(".tile").classList.add("stale"); };
    var src = img.dataset.src;
    next.src = src + (src.indexOf("?") < 0 ? "?" : "&") + "t=" + Date.now();
  }
  window.setInterval(function () {
    grid.querySelectorAll(".tile img").forEach(reload);
  }, seconds * 1000);
})();
