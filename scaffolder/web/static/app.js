// scaffold dashboard: progressive enhancement only; every page and button works without it.
(function () {
  "use strict";
  function text(el, value) { if (el) { el.textContent = value; } }

  function poll(id, onUpdate, onDone) {
    fetch("/api/jobs/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        onUpdate(job);
        if (job.status === "running") { setTimeout(function () { poll(id, onUpdate, onDone); }, 500); }
        else { onDone(job); }
      })
      .catch(function () { setTimeout(function () { poll(id, onUpdate, onDone); }, 1000); });
  }

  function describe(job) {
    var total = job.total === null ? "?" : job.total;
    var last = job.outcomes.length ? job.outcomes[job.outcomes.length - 1] : null;
    return job.status + ": " + job.done + " of " + total + " repos" + (last ? " (" + last.repo + ": " + last.state + ")" : "");
  }

  // Buttons that start a campaign: post in the background, show progress live, then show the new state.
  document.querySelectorAll("form.js-action").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = document.getElementById("progress");
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      text(status, "starting…");
      fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          if (!res.ok) { text(status, res.data.error || "refused"); return; }
          poll(res.data.job, function (job) { text(status, describe(job)); }, function (job) {
            text(status, describe(job) + ". Reloading…");
            window.location.reload();
          });
        })
        .catch(function (err) { text(status, "failed: " + err); form.submit(); });
    });
  });

  // The job page: update the counts and outcomes live instead of reloading.
  var jobEl = document.getElementById("job");
  if (jobEl && jobEl.dataset.running === "yes") {
    poll(jobEl.dataset.job, function (job) {
      text(document.getElementById("job-status"), job.status);
      text(document.getElementById("job-done"), job.done);
      text(document.getElementById("job-total"), job.total === null ? "?" : job.total);
      var bar = document.getElementById("job-progress");
      if (bar) { bar.max = job.total || 1; bar.value = job.done; }
    }, function () { window.location.reload(); });
  }
})();
