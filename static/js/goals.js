// The goal page's KPI chart: the measurement history with the goal's baseline and target and
// the KPI's green and red thresholds as flat lines. Data comes from json_script
// (#goal-chart-data); the page works without it.
"use strict";
(function () {
  function flat(label, value, length, color, dash) {
    return {
      label: label,
      data: Array(length).fill(value),
      borderColor: color,
      borderDash: dash,
      borderWidth: 1.5,
      pointRadius: 0,
      fill: false,
    };
  }

  function draw() {
    const canvas = document.getElementById("goal-chart");
    const source = document.getElementById("goal-chart-data");
    if (!canvas || !source || !window.Chart || canvas.dataset.drawn) return;
    canvas.dataset.drawn = "true";
    const data = JSON.parse(source.textContent);
    const count = data.values.length;
    const datasets = [{
      label: data.name + (data.unit ? " (" + data.unit + ")" : ""),
      data: data.values,
      borderColor: "#0d6efd",
      backgroundColor: "rgba(13, 110, 253, 0.08)",
      fill: true,
      tension: 0.25,
      pointRadius: count > 30 ? 0 : 2,
    }];
    if (data.target !== null) datasets.push(flat("Goal target", data.target, count, "#212529", [6, 4]));
    if (data.baseline !== null) datasets.push(flat("Goal baseline", data.baseline, count, "#6c757d", [2, 3]));
    if (data.green !== null) datasets.push(flat("Green threshold", data.green, count, "#198754", [4, 4]));
    if (data.red !== null) datasets.push(flat("Red threshold", data.red, count, "#dc3545", [4, 4]));
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        scales: { x: { ticks: { maxTicksLimit: 8 } } },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
