/* Charts of the scenario pages (ECharts, vendored). Data come from json_script blocks. */
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(v) { // tooltip formatters return HTML: escape every label that is not ours
    return String(v === null || v === undefined ? "" : v).replace(/[&<>"']/g, function (ch) { return ESCAPES[ch]; });
  }
  function wan(v) { return v === null || v === undefined ? null : Math.round(v / 100) / 100; } // t -> 万吨, 2 dp
  function chart(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var c = echarts.init(el);
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }
  var unit = { type: "value", name: "万吨CO₂", scale: false };
  var palette = ["#1b7f4c", "#0b5d8c", "#d4a017", "#c0392b", "#7d5ba6", "#16a085", "#e67e22", "#34495e", "#8e44ad", "#2ecc71"];

  function pathChart() {
    var d = data("chart-data");
    var c = chart("chart-path");
    if (!d || !c) return;
    var series = d.sectors.map(function (s) {
      return { name: s.name, type: "line", stack: "co2", areaStyle: {}, symbol: "none", data: s.data.map(wan) };
    });
    series.push({ name: "合计", type: "line", symbol: "none", lineStyle: { width: 3, color: "#222" }, itemStyle: { color: "#222" }, data: d.total.map(wan) });
    c.setOption({
      color: palette, tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { top: 50, left: 60, right: 20, bottom: 30 },
      xAxis: { type: "category", data: d.years }, yAxis: unit, series: series
    });
  }

  function fanChart() {
    var d = data("chart-data");
    var c = chart("chart-fan");
    if (!d || !c || !d.fan || !Object.keys(d.fan).length) return;
    var years = Object.keys(d.fan);
    var p5 = years.map(function (y) { return wan(d.fan[y].p5); });
    var band = years.map(function (y) { return wan(d.fan[y].p95 - d.fan[y].p5); });
    var p50 = years.map(function (y) { return wan(d.fan[y].p50); });
    c.setOption({
      tooltip: { trigger: "axis", formatter: function (ps) {
        var i = ps[0].dataIndex, y = years[i];
        return esc(y) + "年<br>P5：" + wan(d.fan[y].p5) + " 万吨<br>P50：" + wan(d.fan[y].p50) + " 万吨<br>P95：" + wan(d.fan[y].p95) + " 万吨<br>情景路径：" + wan(d.total[i]) + " 万吨";
      } },
      legend: { top: 0, data: ["P5–P95 区间", "中位数 P50", "情景路径"] },
      grid: { top: 50, left: 60, right: 20, bottom: 30 },
      xAxis: { type: "category", data: years }, yAxis: unit,
      series: [
        { name: "P5", type: "line", stack: "fan", symbol: "none", lineStyle: { opacity: 0 }, data: p5 },
        { name: "P5–P95 区间", type: "line", stack: "fan", symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { color: "rgba(27,127,76,0.25)" }, itemStyle: { color: "rgba(27,127,76,0.5)" }, data: band },
        { name: "中位数 P50", type: "line", symbol: "none", itemStyle: { color: "#1b7f4c" }, data: p50 },
        { name: "情景路径", type: "line", symbol: "none", lineStyle: { type: "dashed" }, itemStyle: { color: "#222" }, data: d.total.map(wan) }
      ]
    });
  }

  function peakHistogram() {
    var d = data("chart-data");
    var c = chart("chart-peak-hist");
    if (!d || !c || !d.peak_year_counts) return;
    var years = Object.keys(d.peak_year_counts);
    var total = years.reduce(function (a, y) { return a + d.peak_year_counts[y]; }, 0);
    c.setOption({
      tooltip: { trigger: "axis" }, grid: { top: 30, left: 60, right: 20, bottom: 30 },
      xAxis: { type: "category", data: years, name: "达峰年份" }, yAxis: { type: "value", name: "概率 %" },
      series: [{ type: "bar", itemStyle: { color: "#0b5d8c" }, data: years.map(function (y) { return Math.round(1000 * d.peak_year_counts[y] / total) / 10; }) }]
    });
  }

  function wedgeChart() {
    var d = data("chart-data");
    var c = chart("chart-wedge");
    if (!d || !c || !d.wedges) return;
    var w = d.wedges;
    var series = [{ name: "本情景路径", type: "line", stack: "w", symbol: "none", areaStyle: { color: "rgba(0,0,0,0)" }, lineStyle: { color: "#222", width: 2 }, itemStyle: { color: "#222" }, data: w.path.map(wan) }];
    Object.keys(w.measures).forEach(function (name, i) {
      series.push({ name: name, type: "line", stack: "w", symbol: "none", areaStyle: {}, lineStyle: { width: 0 }, itemStyle: { color: palette[(i + 1) % palette.length] }, data: w.measures[name].map(wan) });
    });
    series.push({ name: "其他（未量化的情景差异）", type: "line", stack: "w", symbol: "none", areaStyle: { color: "rgba(150,150,150,0.35)" }, lineStyle: { width: 0 }, itemStyle: { color: "#999" }, data: w.remainder_t.map(wan) });
    series.push({ name: "基准：" + w.baseline, type: "line", symbol: "none", lineStyle: { type: "dashed", width: 2, color: "#c0392b" }, itemStyle: { color: "#c0392b" }, data: w.baseline_path.map(wan) });
    c.setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { top: 60, left: 60, right: 20, bottom: 30 },
      xAxis: { type: "category", data: w.years }, yAxis: unit, series: series
    });
  }

  function compareChart() {
    var d = data("compare-data");
    var c = chart("chart-compare");
    if (!d || !c) return;
    c.setOption({
      color: palette, tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { top: 50, left: 60, right: 20, bottom: 30 },
      xAxis: { type: "category", data: d.years }, yAxis: unit,
      series: d.series.map(function (s) { return { name: s.name, type: "line", symbol: "none", data: s.data.map(wan) }; })
    });
  }

  function waterfall() {
    var d = data("waterfall-data");
    var c = chart("chart-waterfall");
    if (!d || !c) return;
    var labels = [d.y0 + "年排放"].concat(d.labels).concat([d.y1 + "年排放"]);
    var base = [0], up = [wan(d.start)], down = [0], level = d.start;
    d.values.forEach(function (v) {
      var next = level + v;
      base.push(wan(Math.min(level, next)));
      up.push(v >= 0 ? wan(v) : 0);
      down.push(v < 0 ? wan(-v) : 0);
      level = next;
    });
    base.push(0); up.push(wan(d.end)); down.push(0);
    c.setOption({
      tooltip: { trigger: "axis", formatter: function (ps) {
        var i = ps[0].dataIndex;
        if (i === 0) return esc(labels[i]) + "：" + wan(d.start) + " 万吨";
        if (i === labels.length - 1) return esc(labels[i]) + "：" + wan(d.end) + " 万吨";
        return esc(labels[i]) + "：" + (d.values[i - 1] >= 0 ? "+" : "") + wan(d.values[i - 1]) + " 万吨";
      } },
      grid: { top: 30, left: 60, right: 20, bottom: 80 },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: 20 } }, yAxis: unit,
      series: [
        { type: "bar", stack: "wf", itemStyle: { color: "rgba(0,0,0,0)" }, data: base },
        { name: "增加", type: "bar", stack: "wf", itemStyle: { color: "#c0392b" }, data: up.map(function (v, i) { return (i === 0 || i === labels.length - 1) ? { value: v, itemStyle: { color: "#0b5d8c" } } : v; }) },
        { name: "减少", type: "bar", stack: "wf", itemStyle: { color: "#1b7f4c" }, data: down }
      ]
    });
  }

  function stirpatChart() {
    var d = data("stirpat-data");
    var c = chart("chart-stirpat");
    if (!d || !c) return;
    var years = d.hist_years.slice();
    (d.proj_years || []).forEach(function (y) { if (years.indexOf(y) < 0) years.push(y); });
    function align(ys, vs) { var m = {}; ys.forEach(function (y, i) { m[y] = wan(vs[i]); }); return years.map(function (y) { return m[y] === undefined ? null : m[y]; }); }
    var series = [
      { name: "历史排放", type: "line", data: align(d.hist_years, d.observed) },
      { name: "STIRPAT 拟合", type: "line", lineStyle: { type: "dotted" }, data: align(d.hist_years, d.fitted) }
    ];
    if (d.proj_years) {
      series.push({ name: "驱动因素模型（情景）", type: "line", symbol: "none", data: align(d.proj_years, d.driver) });
      series.push({ name: "STIRPAT 外推", type: "line", symbol: "none", lineStyle: { type: "dashed" }, data: align(d.proj_years, d.stirpat) });
    }
    c.setOption({ color: palette, tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { top: 50, left: 60, right: 20, bottom: 30 },
      xAxis: { type: "category", data: years }, yAxis: unit, series: series });
  }

  document.addEventListener("DOMContentLoaded", function () {
    pathChart(); fanChart(); peakHistogram(); wedgeChart(); compareChart(); waterfall(); stirpatChart();
  });
})();
