// The live workshop board. HTMX does the polling and the swaps; this file adds three comforts:
// an older board never replaces a newer one, the side panel follows a phase change, and the
// open proposal's comments and steps refresh when the board changes.
"use strict";
(() => {
  document.addEventListener("htmx:beforeSwap", (event) => {
    const { xhr, target } = event.detail;
    if (target.id !== "board" || xhr.status !== 200) return;
    const incoming = Number(xhr.getResponseHeader("X-Workshop-Version"));
    const shown = Number(target.dataset.version);
    if (incoming && shown && incoming < shown) event.detail.shouldSwap = false;
  });

  // Remember which forms in the panel hold unsaved typing.
  document.addEventListener("input", (event) => {
    const form = event.target.closest && event.target.closest("#panel form");
    if (form) form.dataset.dirty = "true";
  });

  let phase = null;

  const offerPanelRefresh = (panel, url, label) => {
    if (panel.querySelector(".ws-phase-notice")) return;
    const notice = document.createElement("div");
    notice.className = "alert alert-info ws-phase-notice";
    notice.setAttribute("role", "status");
    notice.textContent = `The workshop moved to the ${label} phase. `;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-info";
    button.textContent = "Show what I can do now";
    button.addEventListener("click", () => htmx.ajax("GET", url, { target: "#panel", swap: "innerHTML" }));
    notice.append(button);
    panel.prepend(notice);
  };

  const boardChanged = (board) => {
    const panel = document.getElementById("panel");
    if (!panel) return;
    if (phase !== null && board.dataset.phase !== phase) {
      // A new phase: the panel goes back to what everyone can do now (unless someone is typing).
      const url = panel.dataset.defaultUrl;
      const label = board.querySelector("[aria-current=step]")?.textContent.replace(/^\d+/, "").trim() || board.dataset.phase;
      if (panel.querySelector("form[data-dirty]")) offerPanelRefresh(panel, url, label);
      else htmx.ajax("GET", url, { target: "#panel", swap: "innerHTML" });
    } else {
      panel.querySelectorAll("[data-refresh-url]:not([hx-trigger])").forEach((list) => {
        htmx.ajax("GET", list.dataset.refreshUrl, { target: `#${list.id}`, swap: "outerHTML" });
      });
    }
    phase = board.dataset.phase;
  };

  // A proposal opened from the board: move the keyboard focus to it.
  document.addEventListener("htmx:afterSwap", (event) => {
    const { target, requestConfig } = event.detail;
    if (target.id !== "panel" || !requestConfig.elt?.closest?.("#board")) return;
    target.querySelector("#focus-title")?.focus();
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.target.id === "board") boardChanged(event.target);
  });

  document.addEventListener("DOMContentLoaded", () => {
    const board = document.getElementById("board");
    if (board) phase = board.dataset.phase;
  });
})();
