// Home care: the day plan's routes on a plain coordinate chart (ECharts, no map tiles),
// and the caregiver's check-in/check-out with the browser's position.
document.addEventListener("DOMContentLoaded", function () {
  var data = document.getElementById("route-map");
  var box = document.getElementById("route-chart");
  if (data && box && typeof echarts !== "undefined") {
    var chart = JSON.parse(data.textContent);
    var series = [];
    chart.series.forEach(function (route) {
      var pts = route.points.map(function (p) { return [p.x, p.y, p.label]; });
      series.push({ name: route.name, type: "line", data: pts, symbolSize: 8,
        label: { show: false }, tooltip: { formatter: function (d) { return route.name + ": " + d.data[2]; } } });
    });
    echarts.init(box).setOption({
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll" },
      tooltip: { trigger: "item" },
      xAxis: { type: "value", scale: true, name: "lon" },
      yAxis: { type: "value", scale: true, name: "lat" },
      series: series
    });
  }
  // Check-in / check-out: fill the hidden lat/lon fields with the browser's position, then
  // submit; without a position the form is submitted anyway (the visit is then flagged).
  document.querySelectorAll("form[data-geolocate]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.located === "1" || !navigator.geolocation) { return; }
      var submitter = event.submitter || null;
      if (submitter && submitter.hasAttribute("formaction")) { return; } // "Save" needs no position
      event.preventDefault();
      var status = form.querySelector(".geo-status");
      if (status) { status.textContent = status.dataset.locating || ""; }
      var done = function () {
        form.dataset.located = "1";
        if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
      };
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=lat]").value = pos.coords.latitude;
        form.querySelector("[name=lon]").value = pos.coords.longitude;
        done();
      }, done, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  });
});
