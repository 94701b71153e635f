/* Funeng charts: draw every <div class="chart" data-chart="ID"> from the JSON in <script id="ID">.
 * The data comes from Django's json_script (type application/json, never executed), so the page
 * needs no inline script and keeps the strict Content-Security-Policy. */
(function () {
  "use strict";
  var PALETTE = ["#c2410c", "#0f766e", "#2563eb", "#7c3aed", "#b45309", "#15803d", "#be123c", "#475569"];

  function option(spec) {
    var base = { color: PALETTE, tooltip: { trigger: spec.type === "pie" ? "item" : "axis" }, animation: false };
    if (spec.type === "radar") {
      // {labels, max (one per axis), series: [{name, values}]}: e.g. dimension scores of T1 over T0
      base.tooltip = { trigger: "item" };
      base.legend = { bottom: 0, data: spec.series.map(function (s) { return s.name; }) };
      base.radar = {
        center: ["50%", "48%"], radius: "62%",
        indicator: spec.labels.map(function (label, i) { return { name: label, max: spec.max[i] }; }),
        axisName: { color: "#1f2933" }
      };
      base.series = [{
        type: "radar", symbolSize: 5,
        data: spec.series.map(function (s, i) {
          return { name: s.name, value: s.values, areaStyle: { opacity: i === 0 ? 0.25 : 0.08 }, lineStyle: { type: i === 0 ? "solid" : "dashed" } };
        })
      }];
      return base;
    }
    if (spec.type === "pie") {
      base.legend = { bottom: 0, type: "scroll" };
      base.series = [{
        type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"],
        label: { formatter: "{b}\n{c}" },
        data: spec.labels.map(function (label, i) { return { name: label, value: spec.values[i] }; })
      }];
      return base;
    }
    if (spec.type === "line") {
      // {labels (years), series: [{name, values}], goals: [{name, value}], unit}: a trend with one
      // dashed target line per goal, labelled, and the value axis stretched to show every goal.
      var goals = spec.goals || [];
      var all = [];
      spec.series.forEach(function (s) { all = all.concat(s.values); });
      goals.forEach(function (g) { all.push(g.value); });
      base.legend = { bottom: 0, data: spec.series.map(function (s) { return s.name; }) };
      base.grid = { left: 64, right: 120, top: 24, bottom: 48 };
      base.xAxis = { type: "category", data: spec.labels };
      var top = all.length ? Math.max.apply(null, all) : 0;
      // Stretch the axis so every target line shows; round the end to a whole number.
      base.yAxis = { type: "value", name: spec.unit || "", max: goals.length ? function (v) { return Math.ceil(Math.max(v.max, top) * 1.05); } : null };
      base.series = spec.series.map(function (s, i) {
        var series = { type: "line", name: s.name, data: s.values, symbolSize: 6, label: { show: true } };
        if (i === 0 && goals.length) {
          series.markLine = {
            symbol: "none", lineStyle: { type: "dashed", color: "#be123c" },
            label: { formatter: "{b}: {c}", position: "end" },
            data: goals.map(function (g) { return { name: g.name, yAxis: g.value }; })
          };
        }
        return series;
      });
      return base;
    }
    if (spec.type === "gantt") {
      // {rows (machine labels), items: [{row, start, end (ms), name, group, changed, tip}], due, due_label}:
      // one bar per planned lot; moved bars are outlined in red.
      var groups = [];
      spec.items.forEach(function (item) { if (groups.indexOf(item.group) < 0) { groups.push(item.group); } });
      base.tooltip = { trigger: "item", formatter: function (p) { return p.data.tip; } };
      base.useUTC = true;  // the times are the factories' wall-clock times, sent as UTC
      base.grid = { left: 220, right: 24, top: 16, bottom: 56 };
      base.xAxis = { type: "time" };
      base.yAxis = { type: "category", data: spec.rows, inverse: true, axisLabel: { width: 200, overflow: "truncate" } };
      base.dataZoom = [{ type: "slider", xAxisIndex: 0, bottom: 8 }, { type: "inside", xAxisIndex: 0 }];
      base.series = [{
        type: "custom",
        encode: { x: [1, 2], y: 0 },
        renderItem: function (params, api) {
          var start = api.coord([api.value(1), api.value(0)]);
          var end = api.coord([api.value(2), api.value(0)]);
          var height = Math.min(api.size([0, 1])[1] * 0.6, 28);
          var rect = window.echarts.graphic.clipRectByRect(
            { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 1), height: height },
            { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height });
          if (!rect) { return null; }
          var item = spec.items[params.dataIndex];
          return {
            type: "rect", shape: rect,
            style: { fill: PALETTE[groups.indexOf(item.group) % PALETTE.length], stroke: item.changed ? "#be123c" : null, lineWidth: item.changed ? 3 : 0 },
            textContent: { style: { text: rect.width > 36 ? item.name : "", fill: "#fff", fontSize: 10 } },
            textConfig: { position: "inside" }
          };
        },
        data: spec.items.map(function (item) { return { value: [item.row, item.start, item.end], tip: item.tip }; })
      }];
      if (spec.due) {
        base.series.push({ type: "line", data: [], markLine: { symbol: "none", lineStyle: { type: "dashed", color: "#be123c" },
          label: { formatter: spec.due_label }, data: [{ xAxis: spec.due }] } });
      }
      return base;
    }
    if (spec.type === "trace") {
      // {points: [[seconds, incumbent, bound]], incumbent, bound, seconds}: how a solver's search went.
      base.legend = { bottom: 0, data: [spec.incumbent, spec.bound] };
      base.grid = { left: 64, right: 24, top: 16, bottom: 48 };
      base.xAxis = { type: "value", name: spec.seconds };
      base.yAxis = { type: "value", scale: true };
      base.series = [
        { type: "line", step: "end", name: spec.incumbent, data: spec.points.map(function (p) { return [p[0], p[1]]; }), symbolSize: 4 },
        { type: "line", step: "end", name: spec.bound, data: spec.points.map(function (p) { return [p[0], p[2]]; }), symbolSize: 4, lineStyle: { type: "dashed" } }
      ];
      return base;
    }
    var horizontal = spec.type === "hbar";
    var category = { type: "category", data: spec.labels, axisLabel: { interval: 0, width: 120, overflow: "truncate" } };
    var value = { type: "value", minInterval: 1 };
    // Horizontal bars carry their labels on the left: long (English) ones wrap instead of being cut.
    base.grid = { left: horizontal ? 160 : 48, right: 24, top: 16, bottom: horizontal ? 24 : 56, containLabel: false };
    base.xAxis = horizontal ? value : category;
    base.yAxis = horizontal ? Object.assign({}, category, { inverse: true }) : value;
    if (!horizontal) { category.axisLabel.rotate = spec.labels.length > 6 ? 30 : 0; }
    else { category.axisLabel.width = 150; category.axisLabel.overflow = "break"; }
    base.series = [{ type: "bar", data: spec.values, barMaxWidth: 36, label: { show: true, position: horizontal ? "right" : "top" } }];
    return base;
  }

  function drawAll() {
    if (typeof window.echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      if (spec.type === "gantt") {
        // One line per machine: the chart grows with the plan (a CSSOM style, allowed by the CSP).
        el.style.height = Math.max(260, spec.rows.length * 34 + 96) + "px";
      }
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(spec), true);
      el.setAttribute("data-chart-ready", "1");
    });
  }

  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart-ready]").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });
  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", drawAll);
})();
