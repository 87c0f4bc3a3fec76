// kansa web: no inline script anywhere (CSP script-src 'self'); page behaviour lives here.
document.addEventListener("DOMContentLoaded", function () {
  // charts: any element with data-chart holds an ECharts option as JSON in data-option
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    if (window.echarts) { window.echarts.init(el).setOption(JSON.parse(el.dataset.option)); }
  });
});
