// Progressive enhancement only: every page works without this file.
import { initAll } from "./vendor/govuk/govuk-frontend.min.js";

initAll();

// Long select lists become an accessible autocomplete (alphagov/accessible-autocomplete).
const autocomplete = window.accessibleAutocomplete;
if (autocomplete) {
  document.querySelectorAll('select[data-module="app-autocomplete"]').forEach((select) => {
    autocomplete.enhanceSelectElement({ selectElement: select, defaultValue: "", showAllValues: true, dropdownArrow: () => "" });
  });
}
