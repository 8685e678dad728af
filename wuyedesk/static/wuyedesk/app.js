// WuyeDesk page behaviour. No inline scripts anywhere: the Content-Security-Policy forbids them.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// A form sent back with errors (ticket page and others): bring its first bad field into view.
document.addEventListener("DOMContentLoaded", () => {
  const invalid = document.querySelector(".is-invalid, details[open].action .alert-danger");
  if (invalid) {
    invalid.scrollIntoView({ block: "center" });
    if (typeof invalid.focus === "function") invalid.focus();
  }
});

// The ticket page's steps and refusals link to the form that takes the step: open it (a closed
// <details> panel) and put the cursor in its first box.
function openAction(hash) {
  if (!hash || hash.length < 2) return;
  const target = document.getElementById(decodeURIComponent(hash.slice(1)));
  if (!target) return;
  if (target.tagName === "DETAILS") target.open = true;
  const box = target.querySelector("textarea, select, input:not([type=hidden])");
  if (box) box.focus({ preventScroll: true });
  target.scrollIntoView({ block: "start" });
}
// A panel whose form is fetched when opened (the ticket page's other actions): once it has
// come, put the cursor in its first box.
document.addEventListener("htmx:load", (event) => {
  const form = event.detail.elt;
  const panel = form.parentElement;
  if (form.tagName !== "FORM" || !panel || !panel.matches("details.action[open]")) return;
  const box = panel.querySelector("textarea, select, input:not([type=hidden])");
  if (box) box.focus({ preventScroll: true });
});
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-open-action]");
  if (link) {
    event.preventDefault();
    history.replaceState(null, "", link.hash);
    openAction(link.hash);
  }
});
