// The progress of a background job (an export, an inspection pack, an import), polled from its status
// URL until it ends. The script's tag names the status URL and the prefix of the page's parts:
//   <script src=".../job-progress.js" data-status-url="..." data-prefix="export"></script>
// PREFIX-bar, -rows, -total (optional) and -status-label show the progress. A finished export offers
// its file (PREFIX-download shown, PREFIX-hint hidden); a job that ends otherwise reloads the page,
// which then says how it ended.
(function () {
  const {statusUrl, prefix} = document.currentScript.dataset;
  const part = (name) => document.getElementById(prefix + "-" + name);
  const bar = part("bar");

  function show(s) {
    bar.style.width = s.percent + "%";
    bar.textContent = s.percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", s.percent);
    part("rows").textContent = s.rows_done;
    const total = part("total");
    if (total) total.textContent = s.rows_total;
    part("status-label").textContent = s.status_label;
  }

  function poll() {
    fetch(statusUrl, {credentials: "same-origin"}).then((r) => r.json()).then((s) => {
      show(s);
      const link = part("download");
      if (s.status === "done" && link) {
        bar.className = "progress-bar bg-success";
        link.textContent = "下载 " + s.file_name;
        link.classList.remove("d-none");
        part("hint").classList.add("d-none");
      } else if (s.running ?? (s.status === "queued" || s.status === "running")) {
        setTimeout(poll, 1500);
      } else {
        window.location.reload();
      }
    }).catch(() => setTimeout(poll, 5000));
  }
  setTimeout(poll, 1000);
})();
