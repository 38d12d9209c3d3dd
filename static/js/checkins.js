// Check-ins: the live confidence band, adding ask rows, and showing form errors (400) in place.
"use strict";
(() => {
  const BANDS = [[7, "On track"], [4, "At risk"], [1, "Off track"]];

  const showBand = (input) => {
    const output = document.getElementById("confidence-band");
    if (!output) return;
    const value = Number(input.value);
    const band = BANDS.find(([floor]) => value >= floor);
    output.textContent = `${value}/10 · ${band ? band[1] : ""}`;
  };

  const addAsk = () => {
    const total = document.getElementById("id_asks-TOTAL_FORMS");
    const template = document.getElementById("ask-template");
    const forms = document.getElementById("ask-forms");
    if (!total || !template || !forms) return;
    const index = Number(total.value);
    const max = Number(document.getElementById("id_asks-MAX_NUM_FORMS").value);
    if (index >= max) return;
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    forms.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    forms.lastElementChild.querySelector("select, input")?.focus();
  };

  const init = (root) => {
    root.querySelectorAll?.("#add-ask").forEach((button) => { button.hidden = false; });
  };

  document.addEventListener("input", (event) => {
    if (event.target.id === "id_confidence") showBand(event.target);
  });
  document.addEventListener("click", (event) => {
    if (event.target.id === "add-ask") addAsk();
  });
  // A form that failed validation answers 400 with its errors: swap it in like a success.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const elt = event.detail.requestConfig?.elt;
    if (event.detail.xhr.status === 400 && elt?.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:load", (event) => init(event.detail.elt));
  init(document);
})();
