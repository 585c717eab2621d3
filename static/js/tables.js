/* Keyboard access to tables that scroll sideways (WCAG 2.1.1). A .table-responsive box wider than
   the screen becomes a focusable group named after its table, so Tab reaches it and the arrow
   keys scroll it (a group, not a region: no extra landmark beside the page's sections); a box that fits stays out of the tab order. Without JavaScript the tables still
   scroll with a finger or a mouse; on phones the tables that matter are cards (.table-cards). */
(function () {
  "use strict";

  function nameOf(box) {
    var table = box.querySelector("table");
    var caption = table && table.caption && table.caption.textContent.trim();
    if (caption) return caption;
    var fieldset = box.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    if (legend && legend.textContent.trim()) return legend.textContent.trim();
    var labelled = box.closest("[aria-labelledby]");
    var heading = labelled && document.getElementById(labelled.getAttribute("aria-labelledby"));
    return heading ? heading.textContent.trim() : document.title;
  }

  function update() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var marked = box.hasAttribute("data-scroll-region");
      if (scrolls && !marked) {
        box.setAttribute("data-scroll-region", "");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", nameOf(box));
      } else if (!scrolls && marked) {
        ["data-scroll-region", "tabindex", "role", "aria-label"].forEach(function (name) {
          box.removeAttribute(name);
        });
      }
    });
  }

  var pending = null;
  function later() {
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 150);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", later);
})();
