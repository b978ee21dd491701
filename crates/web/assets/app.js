// Qingfeng front end: drag and drop, upload progress, charts. No inline scripts
// (the Content-Security-Policy forbids them); data for charts comes in
// <script type="application/json"> blocks, which browsers do not execute.
(function () {
  "use strict";

  function setupUpload() {
    var zone = document.getElementById("dropzone");
    var input = document.getElementById("file");
    var text = document.getElementById("dropzone-text");
    if (!zone || !input) return;
    var show = function () { if (input.files.length) text.textContent = input.files[0].name; };
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (e) {
      zone.addEventListener(e, function (ev) { ev.preventDefault(); zone.classList.add("dragover"); });
    });
    ["dragleave", "drop"].forEach(function (e) {
      zone.addEventListener(e, function (ev) { ev.preventDefault(); zone.classList.remove("dragover"); });
    });
    zone.addEventListener("drop", function (ev) {
      if (ev.dataTransfer && ev.dataTransfer.files.length) { input.files = ev.dataTransfer.files; show(); }
    });
    var form = document.getElementById("upload-form");
    var box = document.getElementById("progress-box");
    var bar = document.getElementById("progress");
    var label = document.getElementById("progress-text");
    form.addEventListener("htmx:xhr:progress", function (ev) {
      if (!ev.detail.lengthComputable) return;
      box.hidden = false;
      var percent = Math.round((ev.detail.loaded / ev.detail.total) * 100);
      bar.value = percent;
      label.textContent = percent + "%";
    });
    form.addEventListener("htmx:afterRequest", function () { box.hidden = true; });
  }

  function setupCharts() {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("script.chart-data").forEach(function (block) {
      var el = document.getElementById(block.getAttribute("data-for"));
      if (!el) return;
      var data = JSON.parse(block.textContent);
      if (el.getAttribute("data-kind") === "fuel-calendar") {
        // One calendar per year: litres per day as a heat-map, rest-day and
        // out-of-town refuels marked.
        var years = data.years.length ? data.years : [new Date().getFullYear()];
        el.style.height = (50 + years.length * 170) + "px";
        var ofYear = function (list, y) { return list.filter(function (d) { return d[0].slice(0, 4) === String(y); }); };
        var most = Math.max.apply(null, data.days.map(function (d) { return d[1]; }).concat([1]));
        var series = [];
        years.forEach(function (y, i) {
          series.push({ type: "heatmap", name: data.labels.litres, coordinateSystem: "calendar", calendarIndex: i, data: ofYear(data.days, y) });
        });
        years.forEach(function (y, i) {
          series.push({
            type: "scatter", coordinateSystem: "calendar", calendarIndex: i, symbolSize: 9,
            itemStyle: { color: "#b42318" },
            tooltip: { formatter: function (p) { return p.value[0] + " " + data.labels[p.value[2]] + " " + p.value[1]; } },
            data: ofYear(data.marks, y)
          });
        });
        var fuel = echarts.init(el);
        fuel.setOption({
          tooltip: {},
          visualMap: { min: 0, max: most, orient: "horizontal", left: "center", top: 0, seriesIndex: years.map(function (y, i) { return i; }), inRange: { color: ["#dbe8fb", "#1f5fa8"] } },
          calendar: years.map(function (y, i) { return { top: 60 + i * 170, left: 50, right: 20, cellSize: ["auto", 16], range: String(y) }; }),
          series: series
        });
        window.addEventListener("resize", function () { fuel.resize(); });
        return;
      }
      var chart = echarts.init(el);
      var option;
      if (el.getAttribute("data-kind") === "graph") {
        // A co-bidding network: node size by wins, edge width by tenders together.
        option = {
          tooltip: {},
          legend: [{ data: data.categories }],
          series: [{
            type: "graph", layout: "force", roam: true, draggable: true,
            force: { repulsion: 220, edgeLength: [60, 160] },
            categories: data.categories.map(function (c) { return { name: c }; }),
            label: { show: true, position: "right", formatter: "{b}" },
            data: data.nodes.map(function (n) { return { id: n.id, name: n.name, value: n.value, category: n.category, symbolSize: 14 + 6 * Math.min(n.value, 8) }; }),
            links: data.links.map(function (l) { return { source: l.source, target: l.target, value: l.value, lineStyle: { width: Math.min(1 + l.value, 8) } }; })
          }]
        };
      } else if (el.getAttribute("data-kind") === "rows") {
        option = {
          grid: { left: 160, right: 30, top: 10, bottom: 30 },
          tooltip: {},
          xAxis: { type: "value" },
          yAxis: { type: "category", data: data.tables, inverse: true },
          series: [{ type: "bar", data: data.rows, itemStyle: { color: "#1f5fa8" } }]
        };
      } else {
        option = {
          grid: { left: 40, right: 20, top: 20, bottom: 90 },
          tooltip: { valueFormatter: function (v) { return v + "%"; } },
          xAxis: { type: "category", data: data.columns, axisLabel: { rotate: 40 } },
          yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
          series: [{ type: "bar", data: data.null_rates, itemStyle: { color: "#c0392b" } }]
        };
      }
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function setupPrint() {
    var button = document.getElementById("print-report");
    if (button) { button.addEventListener("click", function () { window.print(); }); }
  }
  // The profile's relationship graph: expand a node on click, filter edge
  // kinds, highlight the shortest path to another entity, export a PNG.
  function setupProfile() {
    var el = document.getElementById("profile-graph");
    var block = document.getElementById("profile-graph-data");
    if (!el || !block || typeof echarts === "undefined") return;
    var labels = {};
    el.getAttribute("data-labels").split(";").forEach(function (p) { var kv = p.split("="); labels[kv[0]] = kv[1]; });
    var nodes = {}, edges = {}, path = { nodes: {}, edges: {} };
    var root = el.getAttribute("data-root");
    var edgeKey = function (e) { return e.from + "|" + e.to + "|" + e.kind + "|" + e.label; };
    var merge = function (data) {
      data.nodes.forEach(function (n) { nodes[n.id] = n; });
      data.edges.forEach(function (e) { edges[edgeKey(e)] = e; });
    };
    merge(JSON.parse(block.textContent));
    var chart = echarts.init(el);
    var kinds = function () {
      return Array.prototype.map.call(document.querySelectorAll("input.edge-kind:checked"), function (i) { return i.value; });
    };
    var draw = function () {
      var shown = kinds();
      var list = Object.keys(edges).map(function (k) { return edges[k]; }).filter(function (e) { return shown.indexOf(e.kind) >= 0; });
      var categories = [];
      Object.keys(nodes).forEach(function (id) { if (categories.indexOf(nodes[id].kind) < 0) categories.push(nodes[id].kind); });
      chart.setOption({
        tooltip: { formatter: function (p) {
          if (p.dataType === "edge") { var e = p.data.edge; return (labels[e.kind] || e.kind) + " " + e.label + " ×" + e.count; }
          return p.data.name + "<br>" + p.data.id;
        } },
        legend: [{ data: categories }],
        series: [{
          type: "graph", layout: "force", roam: true, draggable: true, force: { repulsion: 220, edgeLength: 90 },
          categories: categories.map(function (c) { return { name: c }; }),
          label: { show: true, position: "right" },
          data: Object.keys(nodes).map(function (id) {
            var n = nodes[id], on = path.nodes[id];
            return { id: id, name: n.name || id, category: categories.indexOf(n.kind), symbolSize: id === root ? 26 : 16,
              itemStyle: on ? { borderColor: "#d4380d", borderWidth: 4 } : {} };
          }),
          links: list.map(function (e) {
            var on = path.edges[edgeKey(e)];
            return { source: e.from, target: e.to, edge: e, label: { show: true, formatter: labels[e.kind] || e.kind, fontSize: 10 },
              lineStyle: on ? { color: "#d4380d", width: 4 } : { width: Math.min(1 + e.count, 5) } };
          })
        }]
      }, true);
    };
    var evidence = document.getElementById("graph-evidence");
    chart.on("click", function (p) {
      if (p.dataType === "edge") {
        evidence.innerHTML = "";
        p.data.edge.evidence.forEach(function (line) { var li = document.createElement("li"); li.textContent = line; evidence.appendChild(li); });
        return;
      }
      fetch("/graph/neighbours.json?hops=1&from=" + encodeURIComponent(p.data.id), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { merge(data); draw(); } });
    });
    document.querySelectorAll("input.edge-kind").forEach(function (i) { i.addEventListener("change", draw); });
    var result = document.getElementById("graph-path-result");
    document.getElementById("graph-path-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var to = document.getElementById("graph-path-to").value.trim();
      if (!to) return;
      fetch("/graph/path.json?from=" + encodeURIComponent(root) + "&to=" + encodeURIComponent(to) + "&kind=" + kinds().join(","), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          path = { nodes: {}, edges: {} };
          if (!data) { result.textContent = result.getAttribute("data-none"); draw(); return; }
          merge(data);
          data.nodes.forEach(function (n) { path.nodes[n.id] = true; });
          data.edges.forEach(function (e) { path.edges[edgeKey(e)] = true; });
          result.textContent = data.nodes.map(function (n) { return n.name || n.id; }).join(" → ");
          draw();
        });
    });
    document.getElementById("graph-export").addEventListener("click", function () {
      var a = document.createElement("a");
      a.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
      a.download = root + ".png";
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
    draw();
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () { setupUpload(); setupCharts(); setupPrint(); setupProfile(); });
})();
