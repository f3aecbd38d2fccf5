// Progressive enhancement only: every page works without this file.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copyTarget);
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.innerText).then(() => {
    const status = document.getElementById(button.dataset.copyStatus);
    if (status) status.textContent = button.dataset.copiedText || "Copied";
  });
});

// Copy buttons are hidden until the clipboard can be used; without them the text is plain and selectable.
function showCopyButtons(root) {
  if (!navigator.clipboard) return;
  root.querySelectorAll("[data-copy-target][hidden]").forEach((button) => { button.hidden = false; });
}

// After a form comes back with errors, move focus to the error summary so it is read out first.
function focusErrorSummary() {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
}

document.addEventListener("DOMContentLoaded", () => {
  showCopyButtons(document);
  focusErrorSummary();
});

// Fragments swapped in by htmx (a step ticked done) get the same treatment.
document.addEventListener("htmx:afterSettle", (event) => showCopyButtons(event.detail.elt || document));

// Filing forms: a fresh form (marked data-default) starts at the browser's own time zone, when it
// is one of the choices; a form shown again with errors keeps what the person chose.
document.querySelectorAll("select[data-browser-timezone][data-default]").forEach((select) => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && [...select.options].some((option) => option.value === zone)) select.value = zone;
});
