// Kindred works without this file; it only adds small comforts.
(function () {
  "use strict";
  var wide = window.matchMedia ? window.matchMedia("(min-width: 64rem)") : null;
  var menu = document.getElementById("site-menu");
  var groups = menu ? Array.prototype.slice.call(menu.querySelectorAll(".menu-group")) : [];
  // The menu is a <details>: on a wide screen keep it open so its groups show as a bar.
  if (menu && wide) {
    var sync = function () {
      if (wide.matches) {
        menu.setAttribute("open", "");
        groups.forEach(function (g) { g.removeAttribute("open"); });
      }
    };
    sync();
    if (wide.addEventListener) { wide.addEventListener("change", sync); }
    // On a phone, opening the menu shows every group at once (one tap, everything there).
    menu.addEventListener("toggle", function () {
      if (menu.open && !wide.matches) { groups.forEach(function (g) { g.setAttribute("open", ""); }); }
    });
    // On a wide screen one drop-down at a time; a click elsewhere or Escape closes it.
    groups.forEach(function (g) {
      g.addEventListener("toggle", function () {
        if (g.open && wide.matches) {
          groups.forEach(function (other) { if (other !== g) { other.removeAttribute("open"); } });
        }
      });
    });
    document.addEventListener("click", function (event) {
      if (!wide.matches) { return; }
      groups.forEach(function (g) { if (g.open && !g.contains(event.target)) { g.removeAttribute("open"); } });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      groups.forEach(function (g) {
        if (g.open && wide.matches) { g.removeAttribute("open"); g.querySelector("summary").focus(); }
      });
    });
  }
  // Tables on a phone read as cards (kindred.css): each cell without a data-label takes its
  // column's header, and a row whose first cell has no link takes its first linked cell as
  // the card's title.
  Array.prototype.forEach.call(document.querySelectorAll("main table"), function (table) {
    var headers = table.tHead && table.tHead.rows.length ? table.tHead.rows[table.tHead.rows.length - 1].cells : [];
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var header = headers[column];
          if (!cell.hasAttribute("data-label") && header) {
            cell.setAttribute("data-label", header.textContent.trim());
          }
          column += cell.colSpan || 1;
        });
        if (!row.querySelector(":scope > .row-title") && row.cells.length &&
            !row.cells[0].querySelector("a")) {
          var linked = Array.prototype.find.call(row.cells, function (c) { return c.querySelector("a"); });
          if (linked) { linked.classList.add("row-title"); }
        }
      });
    });
  });
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
