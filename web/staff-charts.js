/* SVG charts of the staff console, drawn in the browser from numbers: no library, and every label set
   as text. A chart is drawn at its box's width in pixels, so that its text keeps its size on a phone;
   the caller draws it again when that width changes. Colours come from classes (staff-stats.css): the
   page's policy allows no inline style. The numbers are also in a table beside each chart. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var LABEL_WIDTH = 52;  // pixels an axis label needs, its gap included ("22 Nov")

  /** An SVG element: attrs are attributes, except text (its text content); kids are elements. */
  function el(tag, attrs, kids) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] == null) return;
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, String(attrs[name]));
    });
    (kids || []).forEach(function (kid) { if (kid) node.appendChild(kid); });
    return node;
  }

  /** The axis's top and its step: 1, 2 or 5 times a power of ten, four steps at most (whole numbers). */
  function scale(max) {
    var step = 1;
    while (Math.max(max, 1) / step > 4) {
      var digits = String(step).charAt(0);
      step *= digits === "2" ? 2.5 : 2;
    }
    return { step: step, top: Math.max(step, Math.ceil(max / step) * step) };
  }

  /** Columns over periods, each a stack of series: spec = {label (the chart's name for screen
      readers), periods: [axis labels], tips: [each column's whole text], series: [{cls, values}]}. */
  function columns(host, spec) {
    var width = Math.max(260, Math.floor(host.clientWidth)), height = width < 520 ? 190 : 230;
    var m = { top: 10, right: 6, bottom: 24, left: 40 };
    var plotW = width - m.left - m.right, plotH = height - m.top - m.bottom, n = spec.periods.length;
    var totals = spec.periods.map(function (_, i) {
      return spec.series.reduce(function (sum, s) { return sum + (s.values[i] || 0); }, 0);
    });
    var axis = scale(Math.max.apply(null, totals.concat([0])));
    var y = function (value) { return m.top + plotH - (value / axis.top) * plotH; };
    var band = plotW / Math.max(n, 1), barW = Math.max(1, Math.min(36, band * 0.72));
    var svg = el("svg", { class: "chart", width: width, height: height, viewBox: "0 0 " + width + " " + height,
                          role: "img", "aria-label": spec.label, focusable: "false" });
    for (var tick = 0; tick <= axis.top; tick += axis.step) {
      svg.appendChild(el("line", { class: "chart-grid" + (tick ? "" : " chart-base"), x1: m.left, x2: width - m.right,
                                   y1: y(tick), y2: y(tick) }));
      svg.appendChild(el("text", { class: "chart-tick", x: m.left - 6, y: y(tick) + 4, "text-anchor": "end",
                                   text: tick.toLocaleString("en") }));
    }
    var every = Math.max(1, Math.ceil(LABEL_WIDTH / band));
    spec.periods.forEach(function (name, i) {
      var x = m.left + band * i + (band - barW) / 2, base = 0;
      var column = el("g", { class: "chart-column" }, [el("title", { text: spec.tips[i] })]);
      column.appendChild(el("rect", { class: "chart-hit", x: m.left + band * i, y: m.top, width: band, height: plotH }));
      spec.series.forEach(function (s) {
        var value = s.values[i] || 0;
        if (!value) return;
        column.appendChild(el("rect", { class: "chart-bar " + s.cls, x: x, width: barW,
                                        y: y(base + value), height: Math.max(0.5, y(base) - y(base + value)) }));
        base += value;
      });
      svg.appendChild(column);
      if (i % every === 0) {
        svg.appendChild(el("text", { class: "chart-tick", x: m.left + band * i + band / 2, y: height - 6,
                                     "text-anchor": "middle", text: name }));
      }
    });
    host.appendChild(svg);
    return svg;
  }

  /** A bar for a table's cell, ``fraction`` of its width filled: the figure beside it says the same. */
  function bar(fraction) {
    var filled = Math.max(0, Math.min(1, fraction || 0)) * 100;
    return el("svg", { class: "hbar", width: "100%", height: 8, "aria-hidden": "true", focusable: "false" }, [
      el("rect", { class: "hbar-track", width: "100%", height: 8, rx: 4 }),
      filled ? el("rect", { class: "hbar-fill", width: filled.toFixed(1) + "%", height: 8, rx: 4 }) : null
    ]);
  }

  window.StaffCharts = { columns: columns, bar: bar, scale: scale };
})();
