// Charts of the service statistics (ECharts, vendored). The figures come from the page's
// <script type="application/json" id="service-chart-data"> (Django's json_script): the CSP
// allows no inline script. The same figures are in the "按部门" table below the charts.
(function () {
  "use strict";

  function bars(element, title, names, series, percent) {
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      title: { text: title, left: "center", textStyle: { fontSize: 15 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                 valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + (percent ? "%" : "件"); } },
      legend: { bottom: 0 },
      grid: { left: 8, right: 24, top: 40, bottom: 40, containLabel: true },
      xAxis: { type: "value", max: percent ? 100 : null,
               axisLabel: { formatter: percent ? "{value}%" : "{value}" } },
      yAxis: { type: "category", data: names,
               axisLabel: { width: 130, overflow: "truncate" } },
      color: ["#b3261e", "#1f5f8b"],
      series: series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, barMaxWidth: 14 };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function draw() {
    var source = document.getElementById("service-chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var volume = document.getElementById("chart-volume");
    var rates = document.getElementById("chart-rates");
    if (volume) {
      bars(volume, "各部门受理与办结件数", data.names, [
        { name: data.labels.accepted, data: data.accepted },
        { name: data.labels.completed, data: data.completed }
      ], false);
    }
    if (rates) {
      bars(rates, "各部门当场办结率与承诺时限内办结率", data.names, [
        { name: data.labels.on_the_spot_rate, data: data.on_the_spot_rate },
        { name: data.labels.within_commitment_rate, data: data.within_commitment_rate }
      ], true);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
