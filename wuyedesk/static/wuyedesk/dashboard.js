// Dashboard charts (ECharts), fed by the JSON the page embeds; no inline script (CSP).
// Every label comes from the server in the page's language; every chart shows its values.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const series = {
    kind: data.by_kind.filter((k) => k.n > 0),
    status: data.by_status.filter((s) => s.n > 0),
    category: data.categories,
  };
  const trend = (chart) => {
    const kinds = Object.keys(data.kind_labels);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: kinds.map((k) => data.kind_labels[k]), bottom: 0 },
      grid: { left: 40, right: 16, top: 24, bottom: 48 },
      xAxis: { type: "category", data: data.trend.map((t) => t.start.slice(5)) },
      yAxis: { type: "value", minInterval: 1 },
      series: kinds.map((k) => ({
        name: data.kind_labels[k],
        type: "bar",
        stack: "total",
        label: { show: true, formatter: (p) => (p.value ? p.value : "") },
        data: data.trend.map((t) => t.by_kind[k]),
      })),
    });
  };
  document.querySelectorAll(".chart[data-chart]").forEach((el) => {
    const chart = window.echarts.init(el, null, { renderer: "svg" });
    if (el.dataset.chart === "trend") {
      trend(chart);
    } else {
      const rows = series[el.dataset.chart] || [];
      chart.setOption({
        tooltip: { trigger: "item" },
        series: [{
          type: "pie",
          radius: ["35%", "65%"],
          label: { show: true, formatter: "{b}: {c}" },
          data: rows.map((r) => ({ name: r.label, value: r.n })),
        }],
      });
    }
    window.addEventListener("resize", () => chart.resize());
  });
});
