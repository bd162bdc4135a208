// The time-zone field: offer the browser's own zone first, and on a new team fill it in.
// Without script the field is a plain text box with the list of zones to search.
document.querySelectorAll("[data-timezone-field]").forEach((field) => {
  let zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return;
  }
  const list = document.getElementById(field.getAttribute("list"));
  if (!zone || !list) return;
  const known = Array.from(list.options).find((option) => option.value === zone);
  if (!known) return;
  const first = document.createElement("option");
  first.value = zone;
  first.label = `${zone} (this device)`;
  list.prepend(first);
  known.remove();
  if (field.dataset.timezoneField === "suggest") {
    field.value = zone;
  }
  const note = document.getElementById(`${field.id}-device`);
  if (note) {
    note.textContent = `This device is set to ${zone}.`;
    note.hidden = false;
  }
});
