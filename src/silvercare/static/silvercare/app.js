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

// The menu on a phone: without JavaScript a label toggles a checkbox (see app.css); here the
// label becomes a real button that says whether the menu is open, and Escape closes it.
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.getElementById("menu-toggle");
  var label = document.getElementById("menu-button");
  if (!toggle || !label) { return; }
  var button = document.createElement("button");
  button.type = "button";
  button.id = "menu-button";
  button.className = "menu-button";
  button.setAttribute("aria-controls", "site-menu");
  button.innerHTML = label.innerHTML;
  label.replaceWith(button);
  toggle.hidden = true;
  function set(open) {
    toggle.checked = open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  set(false);
  button.addEventListener("click", function () { set(!toggle.checked); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.checked) { set(false); button.focus(); }
  });
});

// A table that scrolls sideways in its box can be scrolled with the keyboard: it takes the
// focus only while it actually overflows.
(function () {
  function mark() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) { box.setAttribute("tabindex", "0"); }
      else { box.removeAttribute("tabindex"); }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();

// A form came back with problems: its error summary (templates/error_summary.html) takes the
// focus, so the list of what to correct is read first. ``autofocus`` does this in most
// browsers; this covers the others. A link in the summary moves to its field.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  if (document.activeElement !== summary) { summary.focus(); }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) { return; }
    event.preventDefault();
    var details = field.closest("details");
    if (details) { details.open = true; }
    field.focus();
    field.scrollIntoView({ block: "center" });
  });
});
