// Patrol screen: the Capture button on a camera's tile makes that camera's current picture the evidence
// of the checklist item being edited (the one last focused or ticked; else the first ticked one). It only
// fills the item's "current picture of a camera" choice, ticks the item and clears its file: the server
// takes the picture the workers stored for the camera when the patrol is submitted. Nothing is
// downloaded or uploaded by the browser.
(function () {
  "use strict";
  var form = document.getElementById("patrol-form");
  if (!form) { return; }
  var hint = document.getElementById("capture-hint");
  var current = null;

  function fieldsetOf(node) {
    return node && node.closest ? node.closest("fieldset[data-item]") : null;
  }
  form.addEventListener("focusin", function (event) {
    var fieldset = fieldsetOf(event.target);
    if (fieldset) { current = fieldset; }
  });
  form.addEventListener("change", function (event) {
    var fieldset = fieldsetOf(event.target);
    if (!fieldset) { return; }
    current = fieldset;
    var code = fieldset.dataset.item;
    var file = document.getElementById("snapshot_" + code);
    var camera = document.getElementById("camera_" + code);
    // One source of evidence per item: a file chosen clears the camera, and the other way round.
    if (event.target === file && file.value && camera) { camera.value = ""; }
    if (event.target === camera && camera.value && file) { file.value = ""; }
  });

  function target() {
    if (current) { return current; }
    var ticked = form.querySelector("fieldset[data-item] input[name=items]:checked");
    return ticked ? fieldsetOf(ticked) : null;
  }

  document.querySelectorAll("button[data-capture]").forEach(function (button) {
    button.addEventListener("click", function () {
      var fieldset = target();
      if (!fieldset) {
        if (hint) { hint.hidden = false; hint.scrollIntoView({ block: "center" }); }
        return;
      }
      var code = fieldset.dataset.item;
      var camera = document.getElementById("camera_" + code);
      if (!camera) { return; }
      camera.value = button.dataset.capture;
      var file = document.getElementById("snapshot_" + code);
      if (file) { file.value = ""; }
      var item = document.getElementById("item_" + code);
      if (item) { item.checked = true; }
      if (hint) { hint.hidden = true; }
      current = fieldset;
      fieldset.classList.add("captured");
      fieldset.scrollIntoView({ block: "center" });
    });
  });
})();
