// KPI pages: the trend chart (Chart.js) with its green, amber and red threshold bands.
// Each <canvas data-kpi-chart="ID"> reads its data from the json_script element #ID, and is
// drawn again after HTMX swaps new measurements in. The table next to it carries the same
// values for screen readers.
"use strict";
(() => {
  const LINE = "#0d6efd";
  const BANDS = {
    green: "rgba(25, 135, 84, 0.12)",
    amber: "rgba(255, 193, 7, 0.16)",
    red: "rgba(220, 53, 69, 0.12)",
  };
  const EDGES = { green: "rgba(25, 135, 84, 0.8)", red: "rgba(220, 53, 69, 0.8)" };

  // Paints the bands behind the line: beyond the green threshold green, beyond the red one
  // red, amber in between; "beyond" is up for a KPI that should increase, down otherwise.
  const thresholdBands = {
    id: "thresholdBands",
    beforeDatasetsDraw(chart, _args, options) {
      const { green, red, direction } = options;
      if (green === null || red === null || green === undefined || red === undefined) return;
      const { ctx, chartArea: area } = chart;
      const y = chart.scales.y;
      const at = (value) => Math.min(area.bottom, Math.max(area.top, y.getPixelForValue(value)));
      const greenY = at(green);
      const redY = at(red);
      const bands = direction === "increase"
        ? [["green", area.top, greenY], ["amber", greenY, redY], ["red", redY, area.bottom]]
        : [["red", area.top, redY], ["amber", redY, greenY], ["green", greenY, area.bottom]];
      ctx.save();
      for (const [band, top, bottom] of bands) {
        if (bottom > top) {
          ctx.fillStyle = BANDS[band];
          ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
        }
      }
      ctx.setLineDash([4, 4]);
      for (const [band, lineY] of [["green", greenY], ["red", redY]]) {
        ctx.strokeStyle = EDGES[band];
        ctx.beginPath();
        ctx.moveTo(area.left, lineY);
        ctx.lineTo(area.right, lineY);
        ctx.stroke();
      }
      ctx.restore();
    },
  };

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.kpiChart);
    if (!source || window.Chart.getChart(canvas)) return;
    const data = JSON.parse(source.textContent);
    // Room beyond the thresholds and the values, so every band that applies shows.
    const bounds = [...data.values, data.green, data.red].filter((v) => v !== null);
    const low = Math.min(...bounds);
    const high = Math.max(...bounds);
    const margin = (high - low) * 0.1 || Math.abs(high) * 0.1 || 1;
    const unit = data.unit ? ` ${data.unit}` : "";
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.dates,
        datasets: [{
          label: data.name,
          data: data.values,
          borderColor: LINE,
          backgroundColor: LINE,
          borderWidth: 2,
          tension: 0.2,
          pointRadius: data.values.length > 60 ? 0 : 3,
        }],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => `${item.formattedValue}${unit}` } },
          thresholdBands: { green: data.green, red: data.red, direction: data.direction },
        },
        scales: {
          x: { ticks: { maxTicksLimit: 8, maxRotation: 0 } },
          y: { suggestedMin: low - margin, suggestedMax: high + margin },
        },
      },
      plugins: [thresholdBands],
    });
  }

  function drawAll() {
    if (!window.Chart) return;
    // Forget the charts whose canvas a swap removed, then draw every canvas without one.
    for (const chart of Object.values(window.Chart.instances)) {
      if (!chart.canvas.isConnected) chart.destroy();
    }
    document.querySelectorAll("canvas[data-kpi-chart]").forEach(draw);
  }

  // The measurement forms answer a failed save with 400 and the form with its errors:
  // swap that in rather than treating it as a failure.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.xhr.status === 400 && elt && elt.closest("[data-kpi-form]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSettle", drawAll);
  drawAll();
})();
