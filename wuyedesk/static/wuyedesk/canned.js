// Canned replies (issue #12 point 7): a reply of the picker beside a box of the ticket page is
// inserted at the cursor of that box, as the server filled it for this ticket and box.
document.addEventListener("click", (event) => {
  const item = event.target.closest("[data-canned-text]");
  if (!item) return;
  const box = document.getElementById(item.dataset.cannedTarget);
  if (!box) return;
  const text = item.dataset.cannedText;
  const start = typeof box.selectionStart === "number" ? box.selectionStart : box.value.length;
  const end = typeof box.selectionEnd === "number" ? box.selectionEnd : box.value.length;
  box.setRangeText(text, start, end, "end");
  box.dispatchEvent(new Event("input", { bubbles: true }));
  const picker = item.closest("details");
  if (picker) picker.open = false;
  box.focus();
});
