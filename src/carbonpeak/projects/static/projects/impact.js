// Impact page charts: county energy and intensities without / with the selected projects.
(function () {
  var node = document.getElementById("impact-data");
  if (!node || !window.echarts) return;
  var d = JSON.parse(node.textContent);
  var years = d.years.map(String);
  var r2 = function (xs, k) { return xs.map(function (x) { return +(x / k).toFixed(4); }); };
  echarts.init(document.getElementById("chart-energy")).setOption({
    title: {text: "能源消费量（万tce，当量值）", left: "center", textStyle: {fontSize: 14}},
    tooltip: {trigger: "axis"}, legend: {top: 24, data: ["不含项目", "含所选项目"]},
    grid: {top: 60},
    xAxis: {type: "category", data: years}, yAxis: {type: "value", name: "万tce", scale: true},
    series: [
      {name: "不含项目", type: "line", data: r2(d.energy_without, 1e4)},
      {name: "含所选项目", type: "line", data: r2(d.energy_with, 1e4)}
    ]
  });
  echarts.init(document.getElementById("chart-intensity")).setOption({
    title: {text: "能耗强度（tce/万元）与碳排放强度（tCO2/万元）", left: "center", textStyle: {fontSize: 14}},
    tooltip: {trigger: "axis"}, legend: {top: 24},
    grid: {top: 60},
    xAxis: {type: "category", data: years},
    yAxis: [{type: "value", name: "tce/万元", scale: true}, {type: "value", name: "tCO2/万元", scale: true}],
    series: [
      {name: "能耗强度·不含项目", type: "line", data: r2(d.ei_without, 1)},
      {name: "能耗强度·含项目", type: "line", data: r2(d.ei_with, 1)},
      {name: "碳排放强度·不含项目", type: "line", yAxisIndex: 1, lineStyle: {type: "dashed"}, data: r2(d.ci_without, 1)},
      {name: "碳排放强度·含项目", type: "line", yAxisIndex: 1, lineStyle: {type: "dashed"}, data: r2(d.ci_with, 1)}
    ]
  });
})();
