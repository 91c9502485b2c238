// rolodex — the little the pages need from JavaScript; every page works without it.
"use strict";

// A form marked data-once disables its button when sent, so a double click queues one job.
for (const form of document.querySelectorAll("form[data-once]")) {
  form.addEventListener("submit", () => {
    for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
  });
}
// Coming back with the Back button: the buttons work again.
window.addEventListener("pageshow", () => {
  for (const button of document.querySelectorAll("form[data-once] button")) button.disabled = false;
});

// A running import: poll the JSON API (the session cookie signs the request) and move the
// bar; when the job ends, reload, and the server renders the result.
const box = document.querySelector("[data-poll]");
if (box) {
  const bar = box.querySelector("progress");
  const status = box.querySelector("[data-status]");
  const rows = box.querySelector("[data-rows]");
  const count = new Intl.NumberFormat();
  const poll = async () => {
    try {
      const answer = await fetch(box.dataset.poll, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (answer.status === 401) {
        location.assign("/login?next=" + encodeURIComponent(location.pathname));
        return;
      }
      if (answer.ok) {
        const job = await answer.json();
        if (job.status !== "queued" && job.status !== "running") {
          location.reload();
          return;
        }
        const text = job.status === "queued" ? box.dataset.queued : box.dataset.running;
        if (status.textContent !== text) status.textContent = text;
        bar.max = Math.max(job.rows_total, 1);
        // Running with no count yet (a dry run reports at the end): the bar is indeterminate.
        if (job.status === "running" && job.rows_done === 0) bar.removeAttribute("value");
        else bar.value = job.rows_done;
        bar.textContent = Math.floor((100 * job.rows_done) / bar.max) + "%";
        rows.textContent = `${count.format(job.rows_done)} of ${count.format(job.rows_total)} rows`;
      }
    } catch (error) {
      // The network blinked: try again on the next tick.
    }
    setTimeout(poll, 700);
  };
  setTimeout(poll, 300);
}
