import { initAll } from "./govuk-frontend.min.js";

initAll();

// Copy buttons (a SHA-256 digest shown shortened): the button is in the page, hidden, and shown here,
// so without JavaScript nobody meets a button that does nothing. No inline handlers: the
// Content-Security-Policy allows only this file's script.
async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain http on a council network: the older way, through a selected field off screen
  const field = document.createElement("textarea");
  field.value = text;
  field.setAttribute("readonly", "");
  field.className = "govuk-visually-hidden";
  document.body.append(field);
  field.select();
  const copied = document.execCommand("copy");
  field.remove();
  if (!copied) throw new Error("copy refused");
}

for (const button of document.querySelectorAll("button[data-copy-text]")) {
  const label = button.querySelector(".app-copy-button__label");
  const status = button.parentElement.querySelector(".app-copy-button__status");
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await copyText(button.dataset.copyText);
      label.textContent = "Copied";
      if (status) status.textContent = "Copied to the clipboard";
    } catch {
      label.textContent = "Copy failed";
      if (status) status.textContent = "Could not copy: select the full value and copy it";
      button.closest(".app-hash")?.querySelector("details")?.setAttribute("open", "");
    }
  });
}
