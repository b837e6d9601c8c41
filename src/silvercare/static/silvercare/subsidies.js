// Budget usage charts (ECharts) from the JSON the budgets page embeds; the tables on the
// page carry the same figures for everyone. Money arrives in fen and is shown in yuan.
document.addEventListener("DOMContentLoaded", function () {
  var data = document.getElementById("budget-usage");
  if (!data || typeof echarts === "undefined") { return; }
  var chart = JSON.parse(data.textContent);
  var labels = chart.labels;
  function yuan(fen) { return Math.round(fen) / 100; }
  var usage = document.getElementById("budget-chart");
  if (usage && chart.budgets.length) {
    usage.style.height = Math.max(160, 44 * chart.budgets.length + 60) + "px";
    var parts = ["spent", "committed", "reserved", "available"];
    var colours = { spent: "#1d4ed8", committed: "#60a5fa", reserved: "#f59e0b", available: "#d1d5db" };
    echarts.init(usage).setOption({
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: chart.budgets.map(function (b) { return b.name; }), inverse: true },
      series: parts.map(function (part) {
        return {
          name: labels[part], type: "bar", stack: "budget", color: colours[part],
          data: chart.budgets.map(function (b) { return yuan(b[part]); })
        };
      })
    });
  }
  var months = document.getElementById("month-chart");
  if (months) {
    echarts.init(months).setOption({
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: chart.months.map(function (m) { return m.month.slice(5); }) },
      yAxis: { type: "value" },
      series: [
        { name: labels.delivered, type: "bar", color: "#60a5fa",
          data: chart.months.map(function (m) { return yuan(m.delivered_fen); }) },
        { name: labels.settled, type: "bar", color: "#1d4ed8",
          data: chart.months.map(function (m) { return yuan(m.settled_fen); }) }
      ]
    });
  }
});
