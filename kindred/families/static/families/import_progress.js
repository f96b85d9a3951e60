// The import's progress bar without reloading the page: ask for the job's state every second,
// move the bar, and reload once the import is over. Without JavaScript the page refreshes itself.
(function () {
  "use strict";
  var bar = document.getElementById("import-progress");
  if (!bar || !window.fetch) return;
  var refresh = document.querySelector('meta[http-equiv="refresh"]');
  if (refresh) refresh.parentNode.removeChild(refresh);
  function tick() {
    fetch(bar.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.value = state.percent;
        bar.textContent = state.percent + " %";
        if (state.running) setTimeout(tick, 1000);
        else window.location.reload();
      })
      .catch(function () { setTimeout(function () { window.location.reload(); }, 3000); });
  }
  setTimeout(tick, 1000);
})();
