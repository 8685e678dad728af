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
