// computekg timeline: deals announced per month by kind, cumulative contracted MW and money per
// provider or customer, and the deals in force on a chosen date. Charts are SVG built with DOM
// calls; every name goes in as text.
(function () {
  "use strict";
  var block = document.getElementById("computekg-timeline");
  if (!block) { return; }
  var T = JSON.parse(block.textContent);
  var root = document.body.getAttribute("data-root") || "";
  var NS = "http://www.w3.org/2000/svg";
  var KIND_COLORS = {lease: "#1971c2", cloud_capacity: "#5f3dc4", chip_supply: "#2f9e44", investment: "#e8590c",
                     colocation: "#0b7285", power_purchase: "#c2255c", joint_venture: "#f08c00",
                     acquisition: "#862e9c", other: "#868e96"};
  var PALETTE = ["#1971c2", "#e8590c", "#2f9e44", "#862e9c", "#c2255c", "#0b7285", "#f08c00", "#5f3dc4",
                 "#495057", "#66a80f", "#d6336c", "#1098ad", "#ae3ec9", "#f76707", "#37b24d", "#4263eb",
                 "#e64980", "#15aabf", "#fab005", "#868e96"];
  function svg(tag, attrs, text) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function name(id) { return T.names[id] || id || ""; }
  function fmt(v, measure) {
    if (measure === "money") {
      if (v >= 1e12) { return "$" + (v / 1e12).toFixed(2) + "T"; }
      if (v >= 1e9) { return "$" + (v / 1e9).toFixed(1) + "B"; }
      if (v >= 1e6) { return "$" + (v / 1e6).toFixed(0) + "M"; }
      return "$" + Math.round(v);
    }
    return Math.round(v).toLocaleString("en") + " MW";
  }
  function monthsBetween(a, b) {
    var out = [], y = +a.slice(0, 4), m = +a.slice(5, 7);
    while (true) {
      var k = y + "-" + (m < 10 ? "0" : "") + m;
      out.push(k);
      if (k >= b) { break; }
      m++; if (m > 12) { m = 1; y++; }
    }
    return out;
  }
  var dated = T.deals.filter(function (d) { return d.month; });
  var months = dated.map(function (d) { return d.month; }).sort();
  var first = months[0] || T.today.slice(0, 7), last = months[months.length - 1] || T.today.slice(0, 7);
  if (T.today.slice(0, 7) > last) { last = T.today.slice(0, 7); }
  var axis = monthsBetween(first, last);

  // ---------------------------------------------------------------- announcements per month
  (function () {
    var box = document.getElementById("months-chart");
    var W = 900, H = 240, L = 36, B = 28, top = 10;
    var counts = {}, kinds = {};
    dated.forEach(function (d) {
      counts[d.month] = counts[d.month] || {};
      counts[d.month][d.kind] = (counts[d.month][d.kind] || 0) + 1;
      kinds[d.kind] = true;
    });
    var max = 1;
    axis.forEach(function (m) {
      var n = 0; Object.keys(counts[m] || {}).forEach(function (k) { n += counts[m][k]; });
      if (n > max) { max = n; }
    });
    var s = svg("svg", {viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Deals announced per month by kind"});
    var bw = (W - L - 10) / axis.length;
    for (var i = 0; i <= 4; i++) {
      var v = Math.round(max * i / 4), y = H - B - (H - B - top) * v / max;
      s.appendChild(svg("line", {x1: L, x2: W - 10, y1: y, y2: y, "class": "grid", stroke: "#e9ecef"}));
      s.appendChild(svg("text", {x: L - 4, y: y + 4, "text-anchor": "end", "class": "axis", "font-size": "11", fill: "#6c757d"}, String(v)));
    }
    axis.forEach(function (m, i) {
      var x = L + i * bw, y = H - B;
      Object.keys(KIND_COLORS).forEach(function (k) {
        var n = (counts[m] || {})[k] || 0;
        if (!n) { return; }
        var h = (H - B - top) * n / max;
        var r = svg("rect", {x: x + 0.5, y: y - h, width: Math.max(bw - 1, 1), height: h, fill: KIND_COLORS[k], "class": "bar"});
        r.appendChild(svg("title", {}, m + ": " + n + " " + k.replace(/_/g, " ")));
        s.appendChild(r);
        y -= h;
      });
      if (m.slice(5) === "01") {
        s.appendChild(svg("text", {x: x, y: H - 10, "class": "axis", "font-size": "11", fill: "#6c757d"}, m.slice(0, 4)));
      }
    });
    box.appendChild(s);
    var legend = el("div", null, "legend");
    Object.keys(KIND_COLORS).filter(function (k) { return kinds[k]; }).forEach(function (k) {
      var item = el("span"), sw = el("span", null, "sw");
      sw.style.backgroundColor = KIND_COLORS[k];
      item.appendChild(sw);
      item.appendChild(document.createTextNode(k.replace(/_/g, " ")));
      legend.appendChild(item);
    });
    box.appendChild(legend);
  })();

  // ---------------------------------------------------------------- cumulative by company
  var measureSel = document.getElementById("measure"), bySel = document.getElementById("by");
  var topSel = document.getElementById("top");
  function cumulative() {
    var box = document.getElementById("cum-chart"), legendBox = document.getElementById("cum-legend");
    box.replaceChildren(); legendBox.replaceChildren();
    var measure = measureSel.value, by = bySel.value, n = +topSel.value;
    var per = {}, byId = {};
    function value(d) { return measure === "mw" ? (d.mw || 0) : ((d.money || {}).USD || 0); }
    dated.forEach(function (d) { byId[d.id] = d; });
    dated.forEach(function (d) {
      var who = d[by];
      var v = value(d);
      // money counted once: a deal that amends or overlaps another of the same company takes its place
      (d.replaces || []).forEach(function (id) {
        var o = byId[id];
        if (o && o[by] === who) { v -= value(o); }
      });
      if (!who || !v) { return; }
      (per[who] = per[who] || []).push([d.month, v]);
    });
    var totals = Object.keys(per).map(function (k) {
      return [k, per[k].reduce(function (a, b) { return a + b[1]; }, 0)];
    }).sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); }).slice(0, n);
    if (!totals.length) { box.appendChild(el("p", "No figures to draw.", "muted")); return; }
    var W = 900, H = 300, L = 70, B = 28, top = 10, max = totals[0][1];
    var s = svg("svg", {viewBox: "0 0 " + W + " " + H, role: "img",
                        "aria-label": "Cumulative " + (measure === "mw" ? "MW" : "USD") + " by " + by});
    for (var i = 0; i <= 4; i++) {
      var v = max * i / 4, y = H - B - (H - B - top) * i / 4;
      s.appendChild(svg("line", {x1: L, x2: W - 10, y1: y, y2: y, stroke: "#e9ecef"}));
      s.appendChild(svg("text", {x: L - 4, y: y + 4, "text-anchor": "end", "font-size": "11", fill: "#6c757d"}, fmt(v, measure)));
    }
    var step = (W - L - 10) / Math.max(axis.length - 1, 1);
    axis.forEach(function (m, i) {
      if (m.slice(5) === "01") {
        s.appendChild(svg("text", {x: L + i * step, y: H - 10, "font-size": "11", fill: "#6c757d"}, m.slice(0, 4)));
      }
    });
    totals.forEach(function (t, j) {
      var byMonth = {};
      per[t[0]].forEach(function (p) { byMonth[p[0]] = (byMonth[p[0]] || 0) + p[1]; });
      var acc = 0, pts = [];
      axis.forEach(function (m, i) {
        acc += byMonth[m] || 0;
        pts.push((L + i * step).toFixed(1) + "," + (H - B - (H - B - top) * acc / max).toFixed(1));
      });
      var color = PALETTE[j % PALETTE.length];
      var line = svg("polyline", {points: pts.join(" "), fill: "none", stroke: color, "stroke-width": "2"});
      line.appendChild(svg("title", {}, name(t[0]) + ": " + fmt(t[1], measure)));
      s.appendChild(line);
      var item = el("span"), sw = el("span", null, "sw"), a = el("a", name(t[0]));
      sw.style.backgroundColor = color;
      a.href = root + "company/" + encodeURIComponent(t[0]) + "/index.html";
      item.appendChild(sw); item.appendChild(a); item.appendChild(document.createTextNode(" " + fmt(t[1], measure)));
      legendBox.appendChild(item);
    });
    box.appendChild(s);
  }
  [measureSel, bySel, topSel].forEach(function (x) { x.addEventListener("change", cumulative); });
  cumulative();

  // ---------------------------------------------------------------- as of a date
  var range = document.getElementById("asof"), dateIn = document.getElementById("asof-date");
  var text = document.getElementById("asof-text"), link = document.getElementById("asof-graph");
  var tbody = document.querySelector("#asof-table tbody");
  var starts = T.deals.map(function (d) { return d.start; }).filter(Boolean).sort();
  var ends = T.deals.map(function (d) { return d.end; }).filter(Boolean).sort();
  var d0 = new Date((starts[0] || T.today) + "T00:00:00Z"), d1 = new Date((ends[ends.length - 1] || T.today) + "T00:00:00Z");
  var days = Math.max(Math.round((d1 - d0) / 864e5), 1);
  range.max = String(days);
  function iso(n) { return new Date(d0.getTime() + n * 864e5).toISOString().slice(0, 10); }
  function show(day) {
    text.textContent = day;
    dateIn.value = day;
    link.href = root + "graph/index.html#as-of=" + day;
    tbody.replaceChildren();
    var rows = T.deals.filter(function (d) { return d.start && d.end && d.start <= day && day <= d.end; });
    rows.forEach(function (d) {
      var tr = el("tr"), th = el("th"), a = el("a", d.id);
      th.scope = "row";
      a.href = root + "deal/" + encodeURIComponent(d.id) + "/index.html";
      th.appendChild(a); tr.appendChild(th);
      [name(d.provider), name(d.customer), d.kind.replace(/_/g, " "), d.mw ? Math.round(d.mw).toLocaleString("en") : "",
       d.start, d.end].forEach(function (v) { tr.appendChild(el("td", v)); });
      tbody.appendChild(tr);
    });
    document.querySelector("#asof-table caption").textContent = rows.length + " deal(s) in force on " + day;
    document.body.dataset.asOfRows = String(rows.length);
  }
  range.addEventListener("input", function () { show(iso(+range.value)); });
  dateIn.addEventListener("change", function () {
    if (!dateIn.value) { return; }
    var n = Math.round((new Date(dateIn.value + "T00:00:00Z") - d0) / 864e5);
    range.value = String(Math.min(Math.max(n, 0), days));
    show(dateIn.value);
  });
  var today = T.today;
  var start = Math.round((new Date(today + "T00:00:00Z") - d0) / 864e5);
  range.value = String(Math.min(Math.max(start, 0), days));
  show(today);
  document.body.dataset.ready = "1";
})();
