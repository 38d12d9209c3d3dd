// Priorities: drag a shared goal by its handle to reorder the list (SortableJS). The new order
// is saved at once through htmx, which swaps in the list as the server saved it. The up and
// down buttons work without this file.
"use strict";
(function () {
  const SELECTOR = "#priority-items[data-sortable]";

  function enable(root) {
    const list = root.matches && root.matches(SELECTOR) ? root : root.querySelector(SELECTOR);
    if (!list || !window.Sortable || list.dataset.sortableReady) return;
    list.dataset.sortableReady = "true";
    window.Sortable.create(list, {
      handle: ".drag-handle",
      animation: 150,
      // Mouse and touch events rather than native drag and drop: the same on every browser.
      forceFallback: true,
      onEnd: function (event) {
        if (event.oldIndex === event.newIndex) return;
        const order = Array.from(list.querySelectorAll("[data-goal]"), (item) => item.dataset.goal);
        window.htmx.ajax("POST", list.dataset.url, {
          source: list,
          target: "#priority-list",
          swap: "innerHTML",
          values: { period: list.dataset.period, order: order },
        });
      },
    });
  }

  // htmx calls this for the page once loaded and for every piece of content it swaps in.
  window.htmx.onLoad(enable);
})();
