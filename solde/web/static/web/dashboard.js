// The dashboard's charts, drawn by Chart.js from the JSON each page carries (json_script).
// A <canvas data-chart="ID"> is drawn from <script id="ID" type="application/json">:
//   {type, currency, format: "money" | "days", horizontal, stacked, labels,
//    datasets: [{label, values (strings), colours, type, fill, dashed}], links}
// Amounts arrive as strings made from Decimal and become numbers here, only to draw.
// A click on a bar (anywhere in its column) opens links[index]: the invoices behind it.
// legend: false leaves a dataset out of the legend (a band's lower edge).
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  const lang = document.documentElement.lang || "fr";

  function formatter(spec, digits) {
    if (spec.format === "days") {
      return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    }
    return new Intl.NumberFormat(lang, {
      style: "currency",
      currency: spec.currency || "EUR",
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  }

  function dataset(ds) {
    const colours = ds.colours || [];
    const colour = colours.length === 1 ? colours[0] : colours;
    const line = ds.type === "line";
    return {
      label: ds.label,
      type: ds.type || undefined,
      data: ds.values.map((v) => (v === null ? null : Number(v))),
      backgroundColor: line && ds.fill ? colours[0] + "33" : colour,
      borderColor: colour,
      borderWidth: line ? 2 : 0,
      borderDash: ds.dashed ? [6, 4] : undefined,
      fill: ds.fill || false,
      pointRadius: line ? 2 : undefined,
      tension: 0,
      order: line ? 0 : 1,
      inLegend: ds.legend !== false,
    };
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || Chart.getChart(canvas)) return;
    const spec = JSON.parse(source.textContent);
    const full = formatter(spec, 2);
    const short = formatter(spec, 0);
    const valueAxis = spec.horizontal ? "x" : "y";
    const labelAxis = spec.horizontal ? "y" : "x";
    const links = spec.links || [];
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: spec.datasets.map(dataset) },
      options: {
        indexAxis: labelAxis,
        animation: false,
        maintainAspectRatio: false,
        locale: lang,
        interaction: { mode: "index", intersect: false },
        scales: {
          [valueAxis]: {
            stacked: !!spec.stacked,
            beginAtZero: true,
            ticks: { callback: (value) => short.format(value) },
          },
          [labelAxis]: { stacked: !!spec.stacked },
        },
        plugins: {
          legend: {
            display: spec.datasets.length > 1,
            labels: { filter: (item, data) => data.datasets[item.datasetIndex].inLegend },
          },
          tooltip: {
            filter: (item) => item.parsed[valueAxis] !== null, // weeks with no actual yet
            callbacks: {
              label: (ctx) => `${ctx.dataset.label}: ${full.format(ctx.parsed[valueAxis])}`,
            },
          },
        },
        onClick: (event, elements) => {
          const link = elements.length ? links[elements[0].index] : null;
          if (link) window.location.assign(link);
        },
        onHover: (event, elements) => {
          const link = elements.length ? links[elements[0].index] : null;
          event.native.target.style.cursor = link ? "pointer" : "default";
        },
      },
    });
  }

  const drawIn = (root) => root.querySelectorAll("canvas[data-chart]").forEach(draw);
  drawIn(document);
  // The slower blocks arrive later (htmx fragments): draw their charts when they land.
  document.addEventListener("htmx:load", (event) => drawIn(event.detail.elt));
})();
