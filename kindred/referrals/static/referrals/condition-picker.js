// The searchable condition picker: a search box over the plain list of checkboxes (which works
// without JavaScript). Each option carries its lay words and synonyms in data-words
// (kindred/referrals/condition_words.py); matching ignores case and accents.
(function () {
  "use strict";
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function setUp(list) {
    var options = Array.prototype.slice.call(list.querySelectorAll("input[data-words]")).map(
      function (input) {
        var wrapper = input.closest("label") ? input.closest("label").parentNode : input.parentNode;
        wrapper.dataset.words = input.dataset.words;
        return wrapper;
      }
    );
    if (!options.length) return;
    list.id = list.id || "condition-picker";
    var box = document.createElement("input");
    box.type = "search";
    box.id = list.id + "-search";
    box.className = "condition-search";
    box.setAttribute("aria-controls", list.id);
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = list.dataset.searchLabel || "Search";
    var status = document.createElement("p");
    status.className = "help";
    status.setAttribute("role", "status");
    list.insertBefore(status, list.firstChild);
    list.insertBefore(box, status);
    list.insertBefore(label, box);
    var details = list.closest("details");
    if (details) details.open = true;
    box.addEventListener("input", function () {
      var terms = fold(box.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (option) {
        var input = option.querySelector("input");
        var haystack = fold(option.dataset.words + " " + option.textContent);
        var match = terms.every(function (t) { return haystack.indexOf(t) !== -1; });
        // A ticked condition always stays in view.
        var visible = match || (input && input.checked);
        option.hidden = !visible;
        if (visible) shown += 1;
      });
      status.textContent = terms.length ? (list.dataset.foundLabel || "{n}").replace("{n}", shown) : "";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-condition-picker]").forEach(setUp);
  });
})();
