"use strict";
// The batch page while its import runs: poll the batch's progress (JSON) and move the bar; when the
// batch stops (finished, failed or interrupted) load the page again, which then shows the report.
(function () {
  const bar = document.getElementById("batch-progress");
  if (!bar || !bar.dataset.progressUrl) {
    return;
  }
  const text = document.getElementById("batch-progress-text");
  const status = document.getElementById("batch-status");
  const every = 1000;

  function show(data) {
    bar.max = Math.max(data.total, 1);
    bar.value = data.processed;
    bar.textContent = data.percent + "%";
    text.textContent = data.text;
    status.textContent = data.status_label;
  }

  function poll() {
    fetch(bar.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          show(data);
          if (!data.active) {
            window.location.reload();
            return;
          }
        }
        window.setTimeout(poll, every);
      })
      .catch(function () {
        window.setTimeout(poll, every); // a network hiccup: ask again
      });
  }
  window.setTimeout(poll, every / 2);
})();
