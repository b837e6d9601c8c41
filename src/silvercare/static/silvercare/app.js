// Small progressive enhancement; every page works without it.

// Level history chart (ECharts) from the JSON the page embeds; the table stays for everyone.
document.addEventListener("DOMContentLoaded", function () {
  var data = document.getElementById("level-history");
  var target = document.getElementById("level-chart");
  if (!data || !target || typeof echarts === "undefined") { return; }
  var history = JSON.parse(data.textContent);
  var chart = echarts.init(target);
  chart.setOption({
    grid: { left: 40, right: 20, top: 20, bottom: 30 },
    xAxis: { type: "category", data: history.map(function (h) { return h.date; }) },
    yAxis: { type: "value", min: 0, max: 4, interval: 1, inverse: true },
    tooltip: { trigger: "axis" },
    series: [{ type: "line", step: "end", data: history.map(function (h) { return h.level; }) }]
  });
});
