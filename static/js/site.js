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

// Language switcher: submit on change when scripts run; the button stays for everyone else.
document.addEventListener("change", (event) => {
  if (event.target.id === "language-select") event.target.form.requestSubmit();
});
