// Vital-sign charts of one elder (ECharts, served from node_modules through /static/vendor/).
// Data: the JSON script #monitoring-charts = {labels, day, week, texts}; day/week map a
// metric to {unit, points: [[epoch ms, value], ...]}. Buttons switch 24 h / 7 days.
(function () {
  "use strict";
  function start() {
    var source = document.getElementById("monitoring-charts");
    var box = document.getElementById("monitoring-chart-list");
    if (!source || !box || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    function draw(range) {
      charts.forEach(function (c) { c.dispose(); });
      charts = [];
      box.textContent = "";
      var series = data[range] || {};
      var metrics = Object.keys(series);
      if (!metrics.length) {
        var p = document.createElement("p");
        p.textContent = box.getAttribute("data-empty");
        box.appendChild(p);
        return;
      }
      metrics.forEach(function (metric) {
        var figure = document.createElement("figure");
        figure.className = "vital-chart";
        var caption = document.createElement("figcaption");
        caption.textContent = (data.labels[metric] || metric) + " (" + series[metric].unit + ")";
        var div = document.createElement("div");
        div.style.height = "180px";
        div.setAttribute("data-metric", metric);
        figure.appendChild(caption);
        figure.appendChild(div);
        box.appendChild(figure);
        var chart = window.echarts.init(div);
        chart.setOption({
          animation: false,
          grid: { left: 48, right: 16, top: 16, bottom: 32 },
          tooltip: { trigger: "axis" },
          xAxis: { type: "time" },
          yAxis: { type: "value", scale: true },
          series: [{ type: "line", showSymbol: false, data: series[metric].points, name: caption.textContent }]
        });
        charts.push(chart);
      });
    }
    document.querySelectorAll("[data-chart-range]").forEach(function (button) {
      button.addEventListener("click", function () {
        document.querySelectorAll("[data-chart-range]").forEach(function (b) {
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
        draw(button.getAttribute("data-chart-range"));
      });
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    draw("day");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
