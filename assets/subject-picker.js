// The subject boxes of the report form: type a name or e-mail address, choose the person from
// the list (GOV.UK's accessible-autocomplete, backed by /people/search). Without JavaScript the
// boxes take an e-mail address. The box keeps the id and name the label and the form expect.
const picker = window.accessibleAutocomplete;

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function describe(person) {
  const where = [person.department, person.left ? "has left" : null].filter(Boolean).join(", ");
  return `${person.name} (${person.email})${where ? ` – ${where}` : ""}`;
}

let latest = 0;
async function lookUp(query, populate) {
  const ask = ++latest;
  try {
    const response = await fetch(`/people/search?q=${encodeURIComponent(query)}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const found = response.ok ? (await response.json()).people : [];
    if (ask === latest) populate(found);
  } catch {
    if (ask === latest) populate([]);
  }
}

if (picker) {
  for (const input of document.querySelectorAll("input[data-subject-picker]")) {
    const container = document.createElement("div");
    input.parentElement.insertBefore(container, input);
    const { id, name, value } = input;
    const describedBy = input.getAttribute("aria-describedby");
    input.remove();
    picker({
      element: container,
      id,
      name,
      defaultValue: value,
      minLength: 2,
      showNoOptionsFound: true,
      confirmOnBlur: false,
      autoselect: false,
      source: lookUp,
      templates: {
        inputValue: (person) => (person ? person.email : ""),
        suggestion: (person) => (typeof person === "string" ? escapeHtml(person) : escapeHtml(describe(person))),
      },
      tNoResults: () => "No one found: check the spelling, or type their council e-mail address",
    });
    if (describedBy) document.getElementById(id)?.setAttribute("aria-describedby", describedBy);
  }
}
