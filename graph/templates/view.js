// computekg view: draws the JSON view with vis-network. Every text from the data goes into the
// page through textContent (never innerHTML); links get an href only for http(s) addresses.
(function () {
  "use strict";
  var view = JSON.parse(document.getElementById("computekg-view").textContent);
  var meta = view.meta;
  var body = document.body;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function safeUrl(u) {
    if (typeof u !== "string") { return null; }
    var p;
    try { p = new URL(u); } catch (err) { return null; }
    return (p.protocol === "https:" || p.protocol === "http:") ? p.href : null;
  }
  function swatch(color, shape) {
    var s = el("span", null, "swatch" + (shape ? " " + shape : ""));
    s.style.backgroundColor = color;
    return s;
  }

  var nodeInfo = new Map(), edgeInfo = new Map(), deals = new Map(), edgesOfDeal = new Map();
  view.nodes.forEach(function (n) { nodeInfo.set(n.id, n); });
  view.edges.forEach(function (e) {
    edgeInfo.set(e.id, e);
    if (e.deal) {
      if (!edgesOfDeal.has(e.deal)) { edgesOfDeal.set(e.deal, []); }
      edgesOfDeal.get(e.deal).push(e.id);
    }
  });
  Object.keys(view.deals).forEach(function (k) { deals.set(k, view.deals[k]); });
  var withDeal = new Set();
  view.edges.forEach(function (e) { if (e.deal) { withDeal.add(e.from); withDeal.add(e.to); } });
  var always = view.nodes.filter(function (n) { return !withDeal.has(n.id); }).map(function (n) { return n.id; });

  // ------------------------------------------------------------------ data for vis-network
  var nodeData = new vis.DataSet(view.nodes.map(function (n) {
    return {
      id: n.id, label: n.label, x: n.x, y: n.y, shape: n.shape, size: n.size,
      color: {background: n.color, border: "#343a40",
              highlight: {background: n.color, border: "#000000"}, hover: {background: n.color, border: "#000000"}}
    };
  }));
  var edgeData = new vis.DataSet(view.edges.map(function (e) {
    return {
      id: e.id, from: e.from, to: e.to, width: e.width,
      arrows: {to: {enabled: !!e.arrows, scaleFactor: 0.6}},
      dashes: e.dashes ? (e.role === "site" ? [2, 5] : [8, 6]) : false,
      color: {color: e.color, highlight: e.color, hover: e.color, opacity: e.deal ? 0.85 : 0.6},
      smooth: e.smooth
    };
  }));

  // ------------------------------------------------------------------ filters
  var kindOn = new Map(), statusOn = new Map(), showFacilities = true;
  var dealFilter = null;  // set by a page (window.ckgView.setDealFilter): deal id -> shown or not
  meta.legend.kinds.forEach(function (k) { kindOn.set(k.value, true); });
  meta.legend.statuses.forEach(function (s) { statusOn.set(s.value, true); });
  var visibleNodes = new Set(), visibleEdges = new Set();
  function isFacility(id) { var n = nodeInfo.get(id); return !!n && n.group === "facility"; }
  function recompute() {
    visibleNodes.clear();
    visibleEdges.clear();
    view.edges.forEach(function (e) {
      if (!e.deal || !kindOn.get(e.kind) || !statusOn.get(e.status)) { return; }
      if (dealFilter && !dealFilter(e.deal)) { return; }
      if (!showFacilities && (isFacility(e.from) || isFacility(e.to))) { return; }
      visibleEdges.add(e.id);
      visibleNodes.add(e.from);
      visibleNodes.add(e.to);
    });
    if (!dealFilter) {  // a deal filter (an as-of date) shows only what its deals touch
      always.forEach(function (id) { if (showFacilities || !isFacility(id)) { visibleNodes.add(id); } });
    }
    view.edges.forEach(function (e) {
      if (!e.deal && visibleNodes.has(e.from) && visibleNodes.has(e.to)) { visibleEdges.add(e.id); }
    });
  }
  recompute();
  window.ckgView = {
    setDealFilter: function (f) { dealFilter = f || null; refresh(); },
    dealShown: function (id) { return !dealFilter || dealFilter(id); }
  };
  var nodesView = new vis.DataView(nodeData, {filter: function (n) { return visibleNodes.has(n.id); }});
  var edgesView = new vis.DataView(edgeData, {filter: function (e) { return visibleEdges.has(e.id); }});

  function showCounts() {
    var shown = $("shown");
    shown.textContent = "Showing " + nodesView.length + " of " + view.nodes.length + " nodes and " +
      edgesView.length + " of " + view.edges.length + " edges.";
    body.dataset.shownNodes = String(nodesView.length);
    body.dataset.shownEdges = String(edgesView.length);
  }
  function refresh() {
    recompute();
    nodesView.refresh();
    edgesView.refresh();
    showCounts();
  }

  function checkbox(parent, text, count, color, shape, onChange) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.addEventListener("change", function () { onChange(box.checked); refresh(); });
    label.appendChild(box);
    if (color) { label.appendChild(swatch(color, shape)); }
    label.appendChild(el("span", text));
    if (count !== null) { label.appendChild(el("span", "(" + count + ")", "count")); }
    parent.appendChild(label);
    return box;
  }
  var colorOf = {};
  if (meta.color_by === "kind" || meta.color_by === "status") {
    meta.legend.edges.forEach(function (item) { colorOf[item.label] = item.color; });
  }
  meta.legend.kinds.forEach(function (k) {
    checkbox($("filter-kinds"), k.label, k.count, meta.color_by === "kind" ? colorOf[k.label] : null, "line",
             function (on) { kindOn.set(k.value, on); });
  });
  meta.legend.statuses.forEach(function (s) {
    checkbox($("filter-statuses"), s.label, s.count, meta.color_by === "status" ? colorOf[s.label] : null, "line",
             function (on) { statusOn.set(s.value, on); });
  });
  if (meta.counts.facilities) {
    checkbox($("filter-other"), "Facilities", meta.counts.facilities, null, null,
             function (on) { showFacilities = on; });
  } else {
    $("filter-other").hidden = true;
  }

  // ------------------------------------------------------------------ legend
  (function () {
    var legend = $("legend");
    legend.appendChild(el("h3", "Nodes"));
    var ul = el("ul");
    meta.legend.nodes.forEach(function (item) {
      var li = el("li");
      li.appendChild(swatch(item.color, item.shape === "square" ? "square" : null));
      li.appendChild(el("span", item.label));
      ul.appendChild(li);
    });
    legend.appendChild(ul);
    legend.appendChild(el("h3", meta.legend.edges_title));
    ul = el("ul");
    meta.legend.edges.forEach(function (item) {
      var li = el("li");
      li.appendChild(swatch(item.color, "line"));
      li.appendChild(el("span", item.label));
      ul.appendChild(li);
    });
    legend.appendChild(ul);
    meta.legend.notes.forEach(function (text) { legend.appendChild(el("p", text)); });
  })();

  // ------------------------------------------------------------------ the network
  var container = $("graph");
  var big = view.nodes.length > 1000;
  var options = {
    autoResize: true, width: "100%", height: "100%",
    layout: {improvedLayout: false, randomSeed: 1},
    physics: meta.physics ? {
      enabled: true, solver: "barnesHut",
      barnesHut: {gravitationalConstant: -5000, springLength: 150, springConstant: 0.02, avoidOverlap: 0.1},
      stabilization: {enabled: true, iterations: 150, fit: true}, minVelocity: 1.5
    } : {enabled: false},
    interaction: {hover: true, hideEdgesOnDrag: big, hideEdgesOnZoom: big, keyboard: false,
                  multiselect: false, tooltipDelay: 60},
    nodes: {borderWidth: 1, font: {size: 13, face: "system-ui, Arial, sans-serif", color: "#212529",
                                   strokeWidth: 3, strokeColor: "#ffffff"}},
    edges: {smooth: false, selectionWidth: 2, hoverWidth: 1}
  };
  var network = new vis.Network(container, {nodes: nodesView, edges: edgesView}, options);
  window.network = network;
  network.once("afterDrawing", function () {
    body.dataset.readyMs = String(Math.round(performance.now()));
    body.dataset.ready = "1";
    window.__ready = true;
  });
  if (!meta.physics) { network.fit({animation: false}); }
  showCounts();

  // ------------------------------------------------------------------ facts as text
  function factList(facts) {
    var dl = el("dl", null, "facts");
    facts.forEach(function (f) {
      dl.appendChild(el("dt", f[0]));
      dl.appendChild(el("dd", f[1]));
    });
    return dl;
  }
  var ROLE_NOTE = {
    "guarantor": "This dashed line links the deal's guarantor to the customer it backs.",
    "end user": "This dashed line links the customer to the end user of the capacity.",
    "site": "This dotted line links a facility the deal names to the deal's customer."
  };
  function sourceText(s) {
    return s.publisher + ": " + s.title + (s.date ? " (" + s.date + ")" : "") + (s.kind ? " [" + s.kind + "]" : "");
  }
  function nodeTip(id) {
    var n = nodeInfo.get(id), box = el("div");
    box.appendChild(el("h2", n.label));
    box.appendChild(factList(n.facts));
    var count = n.deals.filter(function (d) { return !dealFilter || dealFilter(d); }).length;
    if (count) { box.appendChild(el("p", count + " deal(s) in this view; click for details.", "sources")); }
    return box;
  }
  function edgeTip(id) {
    var e = edgeInfo.get(id), box = el("div");
    if (!e.deal) {
      box.appendChild(el("h2", nodeInfo.get(e.to).label));
      box.appendChild(factList([[e.role.charAt(0).toUpperCase() + e.role.slice(1), nodeInfo.get(e.from).label]]));
      return box;
    }
    var d = deals.get(e.deal);
    box.appendChild(el("h2", d.title));
    if (ROLE_NOTE[e.role]) { box.appendChild(el("p", ROLE_NOTE[e.role])); }
    box.appendChild(factList(d.facts));
    if (d.sources.length) {
      box.appendChild(el("p", "Sources: " + d.sources.map(sourceText).join("; "), "sources"));
    }
    return box;
  }
  function dealPanel(dealId, role) {
    var d = deals.get(dealId), box = el("div");
    box.appendChild(el("h2", d.title));
    if (role && ROLE_NOTE[role]) { box.appendChild(el("p", ROLE_NOTE[role])); }
    box.appendChild(factList(d.facts));
    box.appendChild(el("h3", "Sources (" + d.sources.length + ")"));
    var ul = el("ul");
    d.sources.forEach(function (s) {
      var li = el("li"), href = safeUrl(s.url);
      if (href) {
        var a = el("a", sourceText(s));
        a.href = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        li.appendChild(a);
      } else {
        li.appendChild(el("span", sourceText(s) + " " + (s.text_url || "")));
      }
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }
  function nodePanel(id) {
    var n = nodeInfo.get(id), box = el("div");
    var shown = n.deals.filter(function (dealId) { return !dealFilter || dealFilter(dealId); });
    box.appendChild(el("h2", n.label));
    box.appendChild(factList(n.facts));
    box.appendChild(el("h3", "Deals in this view (" + shown.length + ")"));
    var ul = el("ul");
    shown.forEach(function (dealId) {
      var d = deals.get(dealId);
      if (!d) { return; }
      var li = el("li"), b = el("button", d.title, "link");
      b.type = "button";
      b.addEventListener("click", function () {
        network.selectEdges((edgesOfDeal.get(dealId) || []).filter(function (x) { return visibleEdges.has(x); }));
        openPanel(dealPanel(dealId, "deal"));
      });
      li.appendChild(b);
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }

  // ------------------------------------------------------------------ tooltip and panel
  var tip = $("tip");
  function hideTip() { tip.hidden = true; tip.replaceChildren(); }
  function showTip(content, pointer) {
    tip.replaceChildren(content);
    tip.hidden = false;
    var r = container.getBoundingClientRect();
    var x = r.left + pointer.DOM.x + 14, y = r.top + pointer.DOM.y + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth) { x = Math.max(0, x - w - 28); }
    if (y + h > window.innerHeight) { y = Math.max(0, window.innerHeight - h - 4); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  network.on("hoverNode", function (p) { showTip(nodeTip(p.node), p.pointer); });
  network.on("hoverEdge", function (p) { showTip(edgeTip(p.edge), p.pointer); });
  ["blurNode", "blurEdge", "dragStart", "zoom"].forEach(function (ev) { network.on(ev, hideTip); });

  var panel = $("panel"), panelBody = $("panel-body");
  function openPanel(content) { panelBody.replaceChildren(content); panel.hidden = false; }
  function closePanel() { panel.hidden = true; panelBody.replaceChildren(); }
  $("panel-close").addEventListener("click", function () { closePanel(); network.unselectAll(); });
  network.on("click", function (p) {
    hideTip();
    if (p.nodes.length) {
      openPanel(nodePanel(p.nodes[0]));
    } else if (p.edges.length) {
      var e = edgeInfo.get(p.edges[0]);
      if (e.deal) { openPanel(dealPanel(e.deal, e.role)); } else { openPanel(edgeTip(e.id)); }
    } else {
      closePanel();
    }
  });

  // ------------------------------------------------------------------ search
  var search = $("search"), results = $("results");
  function focusNode(id) {
    if (!visibleNodes.has(id)) {
      results.replaceChildren(el("li", "Hidden by the filters above.", "none"));
      return;
    }
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(1.0, network.getScale()), animation: false});
    openPanel(nodePanel(id));
  }
  search.addEventListener("input", function () {
    var q = search.value.trim().toLowerCase();
    results.replaceChildren();
    if (!q) { return; }
    var hits = view.nodes.filter(function (n) {
      return n.search.indexOf(q) >= 0 || n.label.toLowerCase().indexOf(q) >= 0;
    });
    hits.sort(function (a, b) {
      var ka = (a.group === "company" ? 0 : 2) + (a.label.toLowerCase().indexOf(q) === 0 ? 0 : 1);
      var kb = (b.group === "company" ? 0 : 2) + (b.label.toLowerCase().indexOf(q) === 0 ? 0 : 1);
      return ka - kb || a.label.localeCompare(b.label);
    });
    if (!hits.length) { results.appendChild(el("li", "No match.", "none")); }
    hits.slice(0, 30).forEach(function (n) {
      var li = el("li"), b = el("button");
      b.type = "button";
      b.dataset.node = n.id;
      b.appendChild(el("span", n.label, "hit-label"));
      b.appendChild(el("span", " · " + (n.group === "company" ? "company" : "facility"), "count"));
      b.addEventListener("click", function () { focusNode(n.id); });
      li.appendChild(b);
      results.appendChild(li);
    });
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var first = results.querySelector("button");
      if (first) { first.click(); }
    }
  });
})();
