// Canned replies (issue #12 point 7): the toggle beside a box of the ticket page opens the list
// (fetched once by htmx, filled by the server for this ticket and box); a reply chosen there is
// inserted at the cursor of that box. Without JavaScript the toggle opens the management page.
function cannedPlace(root) {
  root.querySelectorAll(".canned-picker[data-canned-for]").forEach((picker) => {
    const box = document.getElementById(picker.dataset.cannedFor);
    if (box) box.after(picker);
  });
}
document.addEventListener("DOMContentLoaded", () => cannedPlace(document));
// A panel of the ticket page whose form came when it was opened.
document.addEventListener("htmx:load", (event) => cannedPlace(event.detail.elt));
function cannedClose(picker) {
  picker.querySelector(".canned-options").hidden = true;
  picker.querySelector("[data-canned-toggle]").setAttribute("aria-expanded", "false");
}
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-canned-toggle]");
  if (toggle) {
    event.preventDefault();
    const open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", String(!open));
    toggle.nextElementSibling.hidden = open;
    return;
  }
  const item = event.target.closest("[data-canned-text]");
  if (!item) return;
  const box = document.getElementById(item.dataset.cannedTarget);
  if (!box) return;
  const text = item.dataset.cannedText;
  const start = typeof box.selectionStart === "number" ? box.selectionStart : box.value.length;
  const end = typeof box.selectionEnd === "number" ? box.selectionEnd : box.value.length;
  box.setRangeText(text, start, end, "end");
  box.dispatchEvent(new Event("input", { bubbles: true }));
  const picker = item.closest(".canned-picker");
  if (picker) cannedClose(picker);
  box.focus();
});
