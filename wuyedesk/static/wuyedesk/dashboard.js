// Dashboard charts (ECharts), fed by the JSON the page embeds; no inline script (CSP).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const series = {
    kind: data.by_kind,
    status: data.by_status.filter((s) => s.n > 0),
    category: data.categories,
  };
  document.querySelectorAll(".chart[data-chart]").forEach((el) => {
    const rows = series[el.dataset.chart] || [];
    const chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "70%"], data: rows.map((r) => ({ name: r.label, value: r.n })) }],
    });
    window.addEventListener("resize", () => chart.resize());
  });
});
