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
