/* Charts of the indicators pages and the leaders' dashboard (ECharts, served locally).
   Data comes from <script type="application/json"> blocks written by the templates. */
(function () {
  "use strict";
  var charts = [];
  var PALETTE = ["#1b7f4c", "#0b5d8c", "#d4a017", "#c0392b", "#7a5195", "#2f9e9e", "#8c6d31", "#5c6b73"];
  var STATUS_COLORS = { "已完成": "#1b7f4c", "推进中": "#0b5d8c", "未启动": "#9aa5a0", "滞后": "#c0392b" };

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function make(el, option) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    option.color = option.color || PALETTE;
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }
  // Tooltip formatters return HTML: every string that came from a user (task and action titles,
  // indicator names and units, department names) goes through esc() first.
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(v) {
    return String(v === null || v === undefined ? "" : v).replace(/[&<>"']/g, function (ch) { return ESCAPES[ch]; });
  }
  function fmt(v) {
    if (v === null || v === undefined) return "—";
    var a = Math.abs(v);
    if (a >= 10000) return (v / 10000).toFixed(1) + "万";
    if (a >= 100) return v.toFixed(0);
    return +v.toFixed(3) + "";
  }
  function yearAxis() {
    return { type: "value", min: "dataMin", max: "dataMax", minInterval: 1, axisLabel: { formatter: function (v) { return v % 1 === 0 ? String(v) : ""; } } };
  }

  function sparks() {
    var data = readJSON("spark-data");
    if (!data) return;
    document.querySelectorAll(".spark[data-id]").forEach(function (el) {
      var series = data[el.getAttribute("data-id")];
      if (!series || !series.length) return;
      make(el, {
        grid: { left: 2, right: 2, top: 3, bottom: 3 },
        xAxis: { type: "value", show: false, min: "dataMin", max: "dataMax" },
        yAxis: { type: "value", show: false, scale: true },
        tooltip: { trigger: "axis", formatter: function (p) { return Math.floor(p[0].value[0]) + "：" + fmt(p[0].value[1]); } },
        series: [{ type: "line", data: series, symbol: series.length < 2 ? "circle" : "none", lineStyle: { width: 1.5 }, color: el.getAttribute("data-color") || PALETTE[0] }]
      });
    });
  }

  function detail() {
    var el = document.getElementById("detail-chart");
    var c = readJSON("detail-data");
    if (!el || !c) return;
    var series = [{ name: "观测值", type: "line", data: c.observed, symbolSize: 7 }];
    if (c.path.length) series.push({ name: "目标路径", type: "line", data: c.path, symbol: "none", lineStyle: { type: "dashed" } });
    if (c.projection.length) series.push({ name: "按趋势预计", type: "line", data: c.projection, symbol: "none", lineStyle: { type: "dotted", width: 2 } });
    if (c.target) series.push({ name: "目标", type: "scatter", data: [c.target], symbol: "diamond", symbolSize: 14 });
    make(el, {
      tooltip: { trigger: "item", formatter: function (p) { return esc(p.seriesName) + "<br>" + esc(p.value[0]) + "：" + esc(fmt(p.value[1])) + " " + esc(c.unit); } },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 40, bottom: 30 },
      xAxis: yearAxis(),
      yAxis: { type: "value", name: c.unit, scale: true },
      series: series
    });
  }

  function dashboard() {
    var d = readJSON("dash-data");
    if (!d) return;
    var el;
    if ((el = document.getElementById("chart-trend")) && d.trends) {
      make(el, {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 60, right: 60, top: 35, bottom: 25 },
        xAxis: { type: "category", data: d.trends.years.map(String) },
        yAxis: [{ type: "value", name: "万吨标准煤", axisLabel: { formatter: function (v) { return v / 10000; } } },
                { type: "value", name: "万吨CO₂", axisLabel: { formatter: function (v) { return v / 10000; } } }],
        series: [
          { name: "能源消费总量", type: "bar", data: d.trends.energy_tce },
          { name: "二氧化碳排放", type: "line", yAxisIndex: 1, data: d.trends.co2_t, color: PALETTE[3] }
        ]
      });
    }
    if ((el = document.getElementById("chart-intensity")) && d.intensity) {
      make(el, {
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
        legend: { top: 0 },
        grid: { left: 45, right: 20, top: 35, bottom: 25 },
        xAxis: yearAxis(),
        yAxis: { type: "value", name: "%" },
        series: [
          { name: "目标路径", type: "line", data: d.intensity.path, symbol: "none", lineStyle: { type: "dashed" }, color: PALETTE[2] },
          { name: "实际累计下降", type: "line", data: d.intensity.actual, color: PALETTE[0] }
        ]
      });
    }
    ["sector", "carrier"].forEach(function (key) {
      var e = document.getElementById("chart-" + key);
      var pairs = d.structure && d.structure["by_" + key];
      if (!e || !pairs || !pairs.length) return;
      make(e, {
        tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
        legend: { type: "scroll", orient: "vertical", right: 0, top: "middle" },
        series: [{ type: "pie", radius: ["35%", "70%"], center: ["38%", "52%"], label: { show: false },
                   data: pairs.map(function (p) { return { name: p[0], value: Math.round(p[1]) }; }) }]
      });
    });
    if (d.tasks) {
      var stacked = function (series) {
        return series.map(function (s) { return { name: s.name, type: "bar", stack: "t", data: s.data, color: STATUS_COLORS[s.name], barMaxWidth: 26 }; });
      };
      if ((el = document.getElementById("chart-tasks-action"))) {
        make(el, {
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                     formatter: function (ps) { var i = ps[0].dataIndex; return esc(d.tasks.action_titles[i]) + "<br>" + ps.map(function (p) { return p.marker + esc(p.seriesName) + "：" + esc(p.value); }).join("<br>"); } },
          legend: { top: 0 },
          grid: { left: 35, right: 10, top: 35, bottom: 25 },
          xAxis: { type: "category", data: d.tasks.actions },
          yAxis: { type: "value", minInterval: 1 },
          series: stacked(d.tasks.series_action)
        });
      }
      if ((el = document.getElementById("chart-tasks-dept"))) {
        make(el, {
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
          legend: { top: 0 },
          grid: { left: 130, right: 15, top: 35, bottom: 20 },
          xAxis: { type: "value", minInterval: 1 },
          yAxis: { type: "category", inverse: true, data: d.tasks.departments, axisLabel: { width: 120, overflow: "truncate" } },
          series: stacked(d.tasks.series_department)
        });
      }
    }
  }

  function init() {
    if (typeof echarts === "undefined") return;
    sparks();
    detail();
    dashboard();
    var pending;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
