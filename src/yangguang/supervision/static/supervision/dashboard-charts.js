// Charts of the e-supervision dashboard (ECharts, vendored): the alerts raised per day and per
// month. The figures come from <script type="application/json" id="dashboard-chart-data"> (Django's
// json_script): the CSP allows no inline script. The monthly figures are also in a table below.
(function () {
  "use strict";

  var COLOURS = ["#c48a00", "#b3261e", "#1f5f8b"];

  function draw(element, title, labels, series, key, type) {
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      title: { text: title, left: "center", textStyle: { fontSize: 15 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 40, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", minInterval: 1 },
      color: COLOURS,
      series: series.map(function (s) {
        return { name: s.name, type: type, data: s[key], stack: type === "bar" ? "all" : null, barMaxWidth: 18 };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    var source = document.getElementById("dashboard-chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var daily = document.getElementById("chart-daily");
    var monthly = document.getElementById("chart-monthly");
    if (daily) { draw(daily, "近30天每天发出的预警", data.days.map(function (d) { return d.slice(5); }), data.series, "daily", "line"); }
    if (monthly) { draw(monthly, "近12个月每月发出的预警", data.months, data.series, "monthly", "bar"); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
