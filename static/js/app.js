// Alignment's small amount of JavaScript. Pages work without it; it adds comfort. What a
// request shows while it runs and when it fails is in requests.js.
"use strict";
// A glossary term's tooltip, and a health-matrix cell's explanation, shows on hover and focus;
// Escape hides it until the pointer or the focus leaves it (WCAG 1.4.13: dismissable without
// moving either).
const TIPPED = ".glossary-term, .health-cell";
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll(TIPPED.split(", ").map((s) => `${s}:hover, ${s}:focus-within`).join())
    .forEach((term) => term.classList.add("is-dismissed"));
});
for (const leaving of ["focusout", "mouseout"]) {
  document.addEventListener(leaving, (event) => {
    const term = event.target.closest?.(TIPPED);
    if (term && !term.contains(event.relatedTarget)) term.classList.remove("is-dismissed");
  });
}
// The matrix scrolls sideways in its own box, which would clip a cell's explanation: while it
// shows, it is placed against the viewport, below the cell, or above it when there is no room.
function placeHealthTip(cell) {
  const tip = cell.querySelector(".health-tip");
  if (!tip || !tip.offsetWidth) return;
  tip.classList.add("is-placed");
  const box = cell.getBoundingClientRect();
  const margin = 8;
  const room = window.innerHeight - box.bottom - margin;
  tip.style.left = `${Math.max(margin, Math.min(box.left, window.innerWidth - tip.offsetWidth - margin))}px`;
  tip.style.top = `${room >= tip.offsetHeight ? box.bottom : Math.max(margin, box.top - tip.offsetHeight)}px`;
}
for (const entering of ["focusin", "mouseover"]) {
  document.addEventListener(entering, (event) => {
    const cell = event.target.closest?.(".health-cell");
    if (cell) placeHealthTip(cell);
  });
}
document.addEventListener("scroll", () => {
  document.querySelectorAll(".health-cell:hover, .health-cell:focus-within").forEach(placeHealthTip);
}, {capture: true, passive: true});
// The skip link (GOV.UK's pattern): the content it leads to takes the focus as well, so that
// every browser and screen reader goes on from there; the content gives it back on blur.
document.addEventListener("click", (event) => {
  const skip = event.target.closest?.("a[href='#main']");
  const main = skip && document.getElementById("main");
  if (!main) return;
  main.setAttribute("tabindex", "-1");
  main.focus();
  main.addEventListener("blur", () => main.removeAttribute("tabindex"), { once: true });
});
