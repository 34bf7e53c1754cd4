// Progressive enhancement only: every page works without this file.
import { initAll } from "./vendor/govuk/govuk-frontend.min.js";

initAll();

// Long select lists become an accessible autocomplete (alphagov/accessible-autocomplete).
// Each option may carry its name in the form's other language (data-other-names), so a
// prison is found by either name: "Cardiff" finds "CEF Caerdydd" on the Welsh page. Accents
// and capitals do not matter ("ty" finds "tŷ"). The suggestions are the options' own text,
// which is what the select keeps when one is chosen.
const autocomplete = window.accessibleAutocomplete;
const folded = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
if (autocomplete) {
  document.querySelectorAll('select[data-module="app-autocomplete"]').forEach((select) => {
    const options = [...select.options]
      .filter((option) => option.value)
      .map((option) => ({ text: option.textContent, names: folded(`${option.textContent} | ${option.dataset.otherNames || ""}`) }));
    const source = (query, populateResults) => {
      const wanted = folded(query);
      populateResults(options.filter((option) => option.names.includes(wanted)).map((option) => option.text));
    };
    // Its words in the page's language, from the server's catalogues (data-* on the select).
    const words = select.dataset;
    const fill = (text, values) => text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
    autocomplete.enhanceSelectElement({
      selectElement: select, defaultValue: "", showAllValues: true, dropdownArrow: () => "", source,
      tNoResults: () => words.noResults,
      tStatusNoResults: () => words.noResults,
      tStatusQueryTooShort: (n) => fill(words.queryTooShort, { n }),
      tStatusSelectedOption: (option, count, index) => fill(words.selectedOption, { option, count, number: index + 1 }),
      tStatusResults: (count, selected) => `${count === 1 ? words.oneResult : fill(words.results, { count })} ${selected}`,
      tAssistiveHint: () => words.assistiveHint,
    });
  });
}

// Session timeout warning: opens before the server ends an idle session. Continue (or
// Escape) extends it; if nothing happens the citizen is taken to "Your session has ended".
function startTimeoutWarning(dialog) {
  if (typeof dialog.showModal !== "function") return;
  const idle = Number(dialog.dataset.idleSeconds) * 1000;
  const warning = Math.min(Number(dialog.dataset.warningSeconds) * 1000, idle / 2);
  const words = document.getElementById("app-timeout-words").dataset;
  const countdown = dialog.querySelector(".app-timeout-countdown");
  const announce = dialog.querySelector("#app-timeout-announce");
  let endsAt = 0;
  let warnTimer = 0;
  let tick = 0;
  let lastAnnounced = "";

  const phrase = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return minutes === 1 ? words.minute : words.minutes.replace("{n}", minutes);
    }
    return seconds === 1 ? words.second : words.seconds.replace("{n}", seconds);
  };
  const update = () => {
    const left = endsAt - Date.now();
    if (left <= 0) {
      window.clearInterval(tick);
      end();
      return;
    }
    countdown.textContent = phrase(left);
    // Screen readers hear the time when the dialog opens, then at each whole minute and
    // at 40, 20 and 10 seconds: often enough to act on, not so often as to drown the page.
    const seconds = Math.ceil(left / 1000);
    const milestone = seconds % 60 === 0 || [40, 20, 10].includes(seconds);
    if (lastAnnounced === "" || (milestone && phrase(left) !== lastAnnounced)) {
      lastAnnounced = phrase(left);
      announce.textContent = words.announce.replace("{time}", lastAnnounced);
    }
  };
  const open = () => {
    lastAnnounced = "";
    update();
    dialog.showModal();
    dialog.querySelector("#app-timeout-title").focus();
    tick = window.setInterval(update, 1000);
  };
  const restart = () => {
    window.clearTimeout(warnTimer);
    window.clearInterval(tick);
    endsAt = Date.now() + idle;
    warnTimer = window.setTimeout(open, idle - warning);
  };
  // End the session on the server too (a POST with the CSRF token), then say so.
  const end = async () => {
    try {
      await fetch(dialog.dataset.endUrl, {
        method: "POST",
        headers: { "X-CSRFToken": dialog.dataset.csrfToken },
        credentials: "same-origin",
      });
    } finally {
      window.location.href = dialog.dataset.endedUrl;
    }
  };
  const extend = async () => {
    try {
      const response = await fetch(dialog.dataset.extendUrl, {
        method: "POST",
        headers: { "X-CSRFToken": dialog.dataset.csrfToken },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
    } catch (error) {
      window.location.href = dialog.dataset.endedUrl;
      return;
    }
    if (dialog.open) dialog.close();
    restart();
  };

  dialog.querySelector('[data-action="continue"]').addEventListener("click", extend);
  dialog.addEventListener("cancel", (event) => {  // Escape: stay, as Continue does
    event.preventDefault();
    extend();
  });
  restart();
}

document.querySelectorAll('[data-module="app-timeout"]').forEach(startTimeoutWarning);

// "Print this page" (confirmation page): a button only where JavaScript can open the print
// dialog; without JavaScript the page says how to print it instead.
document.querySelectorAll('[data-module="app-print"]').forEach((button) => {
  const holder = button.closest(".app-print-with-js");
  const instead = holder && holder.parentElement.querySelector(".app-print-without-js");
  if (holder) holder.hidden = false;
  if (instead) instead.hidden = true;
  button.addEventListener("click", () => window.print());
});

// The language toggle on a page with questions: what is on the page, typed but not sent
// yet, goes with the change of language (the server keeps it, unchecked, and shows it on
// the same page in the other language; errors on show are shown again, in that language).
// Without JavaScript the link changes language and the page says that unsent answers are
// not kept.
const carrier = document.querySelector("form[data-carries-language]");
if (carrier) {
  const hidden = (name, value) => {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    carrier.appendChild(input);
  };
  document.querySelectorAll("a[data-switch-language]").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      hidden("switch_language", link.dataset.switchLanguage);
      if (document.querySelector(".govuk-error-summary")) hidden("errors_shown", "1");
      carrier.submit();
    });
  });
}

// forms-service preview: reload the page when the definition file changes, so a form
// author sees what they saved. Without JavaScript, the browser's reload does the same.
document.querySelectorAll('[data-module="app-preview"]').forEach((banner) => {
  const url = banner.dataset.revisionUrl;
  const shown = banner.dataset.revision;
  const check = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok && String((await response.json()).revision) !== shown) {
        window.location.reload();
        return;
      }
    } catch {
      // The preview stopped: keep the page as it is.
    }
    window.setTimeout(check, 1000);
  };
  window.setTimeout(check, 1000);
});
