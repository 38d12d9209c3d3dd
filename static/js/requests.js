// What every HTMX request looks like to the person, on every page (wired in base.html):
// - in flight: its target is aria-busy and dimmed, the submit button shows a spinner (states.css);
// - failed (network, timeout, an error status): a message right beside what failed, in the form
//   or the region it was updating; nothing is swapped, so what was typed stays;
// - swapped: when the swap removed the focused element, the focus moves into the new content
//   (its error summary, a message marked data-swap-focus, the first invalid field, its heading);
// - a form's error summary (the GOV.UK pattern) takes the focus, and its links focus their field.
"use strict";
(() => {
  // Polls, refreshes on an event from elsewhere (another panel's, the form a live coach reads)
  // and requests made by scripts: nobody is waiting for them, so they show no progress and fail
  // quietly, in a status line rather than an alert. A "load" is waited for: it shows progress.
  const isPoll = (elt) => /\bevery\s/.test(elt.getAttribute("hx-trigger") || "");
  const isBackground = ({ elt, requestConfig }) => {
    if (elt === document.body || elt.hasAttribute("data-refresh-url")) return true;
    const cause = requestConfig?.triggeringEvent;
    return cause ? !(cause.target instanceof Node && elt.contains(cause.target)) : isPoll(elt);
  };

  const reason = (detail, type) => {
    if (type === "sendError") return "The server could not be reached: check your connection.";
    if (type === "timeout") return "The server took too long to answer.";
    const status = detail.xhr ? detail.xhr.status : 0;
    if (status === 403) return "You are not allowed to do that.";
    if (status === 404) return "It no longer exists: reload the page to see what is there now.";
    if (status === 503) return "The service is briefly unavailable.";
    if (status >= 500) return "Something went wrong on our side.";
    return "The request was refused.";
  };
  const canRetry = (detail, type) => type !== "responseError" || detail.xhr.status >= 500;

  // Whose failure it is: the form that was sent, else the region that was to change.
  const ownerOf = (detail) => {
    const { elt, target } = detail;
    if (isBackground(detail) && target?.isConnected) return target;
    const form = elt.closest("form");
    if (form) return form;
    return target?.isConnected && target !== document.body ? target : elt;
  };
  const shown = new WeakMap();
  const clear = (owner) => {
    shown.get(owner)?.remove();
    shown.delete(owner);
  };

  const place = (message, owner) => {
    // At the top of a block (of a card's body); after a control; above a form laid out in a row.
    if (owner.matches("a, button, input, select, textarea")) return owner.after(message);
    const style = getComputedStyle(owner);
    if (owner.matches("form") && style.display.includes("flex") && !style.flexDirection.startsWith("column")) {
      return owner.before(message);
    }
    const body = owner.firstElementChild?.matches(".card-body") ? owner.firstElementChild : owner;
    return body.prepend(message);
  };

  const showFailure = (event, type) => {
    const { elt, target, requestConfig } = event.detail;
    if (!elt?.isConnected) return;
    const background = isBackground(event.detail);
    // A region that keeps what it shows when a refresh fails (the bell) says nothing.
    if (background && elt.closest("[data-request-quiet]")) return;
    const owner = ownerOf(event.detail);
    clear(owner);
    const sending = Boolean(requestConfig?.verb && requestConfig.verb !== "get");
    let advice = "";
    if (background) advice = isPoll(elt) ? " It tries again by itself." : " Reload the page to see the latest.";
    else if (sending) advice = canRetry(event.detail, type) ? " What you entered is still here: try again." : "";
    else if (canRetry(event.detail, type)) advice = requestConfig?.triggeringEvent ? " Try again." : " Reload the page to try again.";
    const message = document.createElement("div");
    message.dataset.requestError = "";
    message.className = `request-error${background ? " is-background" : ""}`;
    // An alert, read out at once, for what someone did; a status for what nobody waited for.
    message.setAttribute("role", background ? "status" : "alert");
    const title = document.createElement("strong");
    title.textContent = background ? "Not up to date. " : sending ? "Not saved. " : "Could not load this. ";
    message.append(title, reason(event.detail, type) + advice);
    place(message, owner);
    shown.set(owner, message);
    if (!background) message.scrollIntoView({ block: "nearest" });
  };

  document.addEventListener("htmx:beforeRequest", (event) => {
    const { target } = event.detail;
    if (isBackground(event.detail)) return;
    clear(ownerOf(event.detail));
    target.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const { target, successful } = event.detail;
    target?.removeAttribute("aria-busy");
    if (successful && target && isBackground(event.detail)) clear(target);
  });
  document.addEventListener("htmx:responseError", (event) => showFailure(event, "responseError"));
  document.addEventListener("htmx:sendError", (event) => showFailure(event, "sendError"));
  document.addEventListener("htmx:timeout", (event) => showFailure(event, "timeout"));

  // Focus: htmx keeps it on an element with the same id in the new content; when there is none,
  // the keyboard would start again from the top of the page. Move it into what was swapped in.
  let focusedBefore = null;
  document.addEventListener("htmx:beforeSwap", () => { focusedBefore = document.activeElement; });

  const within = (content, selector) => (content.matches(selector) ? content : content.querySelector(selector));
  const firstFocus = (content) =>
    ["[data-error-summary]", "[data-swap-focus]", "[aria-invalid=true]", "h1, h2, h3, h4"]
      .map((selector) => within(content, selector)).find(Boolean) || content;

  document.addEventListener("htmx:afterSettle", (event) => {
    const before = focusedBefore;
    const active = document.activeElement;
    if (!before || before === document.body || before.isConnected || (active && active !== document.body)) return;
    focusedBefore = null;
    const { target } = event.detail;
    const content = target?.isConnected ? target : (target?.id && document.getElementById(target.id)) || event.target;
    if (!content.isConnected || content === document.body) return;
    const next = firstFocus(content);
    if (!next.matches("a[href], button, input, select, textarea, [tabindex]")) next.setAttribute("tabindex", "-1");
    next.focus();
  });

  // A page sent with errors opens on its error summary; a link in it focuses its field and
  // scrolls the field's label into view too.
  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("[data-error-summary] a[href^='#']");
    const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    const label = document.querySelector(`label[for="${CSS.escape(field.id)}"]`) || field.closest("fieldset")?.querySelector("legend");
    (label || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelector("[data-error-summary]")?.focus();
  });
})();
