// The intake page (issue #12 point 6): fields that belong to one kind only (data-kind-only,
// e.g. the answer given at once, for inquiries) are shown for that kind alone; while hidden
// they are disabled, so nothing of them is sent. The server's validation stays authoritative.
(function () {
  function applyKind() {
    const checked = document.querySelector("#intake-form input[name=kind]:checked");
    const kind = checked ? checked.value : "";
    document.querySelectorAll("#intake-form [data-kind-only]").forEach((block) => {
      const shown = block.dataset.kindOnly.split(" ").includes(kind);
      block.hidden = !shown;
      block.querySelectorAll("input, textarea, select").forEach((box) => {
        box.disabled = !shown;
      });
    });
  }
  document.addEventListener("change", (event) => {
    if (event.target.matches("#intake-form input[name=kind]")) applyKind();
  });
  document.addEventListener("DOMContentLoaded", applyKind);
  document.addEventListener("htmx:afterSwap", applyKind);
})();
