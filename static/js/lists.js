// Lists on narrow screens: the filter panel folds away (unless filters are active) so
// the rows come first; on wide screens it is always open beside the list. Without this
// script the panel simply stays open.
(function () {
  "use strict";
  const wide = window.matchMedia("(min-width: 992px)");
  const panels = document.querySelectorAll("details.filter-details");
  function fit() {
    panels.forEach(function (panel) {
      if (wide.matches) {
        panel.open = true;
      } else if (panel.dataset.activeFilters === "0" && !panel.dataset.touched) {
        panel.open = false;
      }
    });
  }
  panels.forEach(function (panel) {
    panel.querySelector("summary").addEventListener("click", function () {
      panel.dataset.touched = "1";
    });
  });
  fit();
  wide.addEventListener("change", fit);
})();
