// Survey analysis charts (ECharts), fed by the JSON the page embeds; no inline script (CSP).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("survey-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const build = {
    trend: () => ({
      tooltip: { trigger: "axis" },
      legend: {},
      xAxis: { type: "category", data: data.trend.map((t) => t.quarter) },
      yAxis: { type: "value" },
      series: [
        { name: "指数", type: "line", data: data.trend.map((t) => t.index) },
        { name: "满意率%", type: "line", data: data.trend.map((t) => t.satisfied) },
        { name: "NPS", type: "line", data: data.trend.map((t) => t.nps) },
      ],
    }),
    dimensions: () => ({
      tooltip: { trigger: "axis" },
      legend: {},
      xAxis: { type: "category", data: data.dimensions.map((d) => d.label) },
      yAxis: { type: "value", max: 100 },
      series: [
        { name: "本期", type: "bar", data: data.dimensions.map((d) => d.index) },
        { name: "上期", type: "bar", data: data.dimensions.map((d) => (d.prev == null ? null : Math.round(d.prev * 10) / 10)) },
      ],
    }),
    drivers: () => ({
      tooltip: {},
      xAxis: { type: "value", min: -1, max: 1 },
      yAxis: { type: "category", data: data.drivers.map((d) => d.label).reverse() },
      series: [{ type: "bar", data: data.drivers.map((d) => d.r).reverse() }],
    }),
    themes: () => ({
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "70%"], data: data.themes.map((t) => ({ name: t.label, value: t.n })) }],
    }),
  };
  document.querySelectorAll(".chart[data-chart]").forEach((el) => {
    const make = build[el.dataset.chart];
    if (!make) return;
    const chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(make());
    window.addEventListener("resize", () => chart.resize());
  });
});
