// "Copy link" beside a read-only field (a new invite link). Without script, or without
// clipboard access, the field still selects its whole text on focus, ready to copy.
document.querySelectorAll("[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  const note = document.querySelector(`[data-copied-note="${button.dataset.copy}"]`);
  field.addEventListener("focus", () => field.select());
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      if (note) note.textContent = "Copied. Send it to the person you invite.";
    } catch {
      field.select();
      if (note) note.textContent = "Press Ctrl+C (⌘C on a Mac) to copy the selected link.";
    }
  });
});
