// Alignment's small amount of JavaScript. Pages work without it; it adds comfort.
"use strict";
document.addEventListener("htmx:responseError", (event) => {
  const messages = document.getElementById("messages");
  if (!messages) return;
  const status = event.detail.xhr.status;
  const text = status === 403 ? "You are not allowed to do that." :
    status === 404 ? "That no longer exists." : "Something went wrong. Please try again.";
  const alert = document.createElement("div");
  alert.className = "alert alert-danger";
  alert.setAttribute("role", "alert");
  alert.textContent = text;
  messages.replaceChildren(alert);
});
// A glossary term's tooltip shows on hover and focus; Escape hides it until the pointer or the
// focus leaves the term (WCAG 1.4.13: dismissable without moving either).
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".glossary-term:hover, .glossary-term:focus-within")
    .forEach((term) => term.classList.add("is-dismissed"));
});
for (const leaving of ["focusout", "mouseout"]) {
  document.addEventListener(leaving, (event) => {
    const term = event.target.closest?.(".glossary-term");
    if (term && !term.contains(event.relatedTarget)) term.classList.remove("is-dismissed");
  });
}
