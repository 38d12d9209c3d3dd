// Live updates told to screen readers: what changed, never the whole region again.
// A region that refreshes by itself carries data-live (the workshop board, a meeting's record,
// the notification bell, a proposal's discussion). Inside it, an element known by its id (or by
// data-announce-key, when its id may change) says how to tell of it:
//   data-announce-added="New proposal from Owen: …"   when it first appears in the region;
//   data-announce-state="2 votes"                      when that text changes, prefixed with the
//                                                      data-announce-name of the element or of
//                                                      its nearest named ancestor.
// After every swap the page is read again and the differences go to the polite live region
// (#announcer, includes/live_region.html). A region that was not there before (just opened, or
// still its loading placeholder) announces nothing: it is new as a whole.
"use strict";
(() => {
  const MAX_TOLD = 3;
  let known = null;

  const read = () => {
    const regions = new Set();
    const items = new Map();
    document.querySelectorAll("[data-live]").forEach((region) => region.id && regions.add(region.id));
    document.querySelectorAll("[data-live][data-announce-state], [data-live] [data-announce-added], [data-live] [data-announce-state]")
      .forEach((element) => {
        const key = element.dataset.announceKey || element.id;
        if (!key) return;
        const named = element.closest("[data-announce-name]");
        items.set(key, {
          region: element.closest("[data-live]").id,
          added: element.dataset.announceAdded,
          state: element.dataset.announceState,
          name: named ? named.dataset.announceName : "",
        });
      });
    return { regions, items };
  };

  const changes = (before, now) => {
    const told = [];
    for (const [id, item] of now.items) {
      if (!before.regions.has(item.region)) continue;
      const old = before.items.get(id);
      if (!old) {
        if (item.added) told.push(item.added);
      } else if (item.state !== undefined && old.state !== undefined && item.state !== old.state) {
        told.push(item.name && item.name !== item.state ? `${item.name}: ${item.state}` : item.state);
      }
    }
    return [...new Set(told)];
  };

  let recent = new Map();
  const say = (messages) => {
    const region = document.getElementById("announcer");
    const now = Date.now();
    // The same news reaching two regions (a step on the board and in the open proposal) is told once.
    recent = new Map([...recent].filter(([, at]) => now - at < 5000));
    const fresh = messages.filter((text) => !recent.has(text));
    if (!region || !fresh.length) return;
    fresh.forEach((text) => recent.set(text, now));
    const told = fresh.slice(0, MAX_TOLD).map((text) => text.replace(/[.\s]+$/, ""));
    const more = fresh.length - told.length;
    if (more > 0) told.push(`And ${more} more change${more > 1 ? "s" : ""}`);
    // Emptied first, so that the same words said again are announced again.
    region.textContent = "";
    window.setTimeout(() => { region.textContent = `${told.join(". ")}.`; }, 100);
  };

  document.addEventListener("htmx:afterSettle", () => {
    const now = read();
    if (known) say(changes(known, now));
    known = now;
  });
  document.addEventListener("DOMContentLoaded", () => { known = read(); });
})();
