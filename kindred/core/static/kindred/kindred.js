// Kindred works without this file; it only adds small comforts.
(function () {
  "use strict";
  // The menu is a <details>: on a wide screen keep it open so the links show as a bar.
  var menu = document.getElementById("site-menu");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 48rem)");
    var sync = function () { if (wide.matches) { menu.setAttribute("open", ""); } };
    sync();
    if (wide.addEventListener) { wide.addEventListener("change", sync); }
  }
  // A double-clicked submit sends once (the server also refuses duplicates).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    window.setTimeout(function () { form.dataset.submitted = ""; }, 5000);
  });
  // Forms that do something hard to undo ask first.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
})();
