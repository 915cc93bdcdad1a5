// computekg graph page, before the view script: read the view's state from the URL fragment
// (#company=ID&kinds=K,K&statuses=S,S&facilities=0&as-of=YYYY-MM-DD) and, for an as-of date,
// keep only the deals in force on it (start <= date <= end) in the view's data.
(function () {
  "use strict";
  function parse(hash) {
    var out = {};
    (hash || "").replace(/^#/, "").split("&").forEach(function (kv) {
      if (!kv) { return; }
      var i = kv.indexOf("="), k = decodeURIComponent(i < 0 ? kv : kv.slice(0, i));
      out[k] = i < 0 ? "" : decodeURIComponent(kv.slice(i + 1));
    });
    return out;
  }
  var state = parse(window.location.hash);
  window.ckgGraphState = state;
  var asOf = state["as-of"];
  if (!asOf || !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) { delete state["as-of"]; return; }
  var viewEl = document.getElementById("computekg-view"), termsEl = document.getElementById("computekg-terms");
  if (!viewEl || !termsEl) { return; }
  var view = JSON.parse(viewEl.textContent), terms = JSON.parse(termsEl.textContent);
  function inForce(deal) {
    var t = terms[deal];
    return !!t && !!t[0] && !!t[1] && t[0] <= asOf && asOf <= t[1];
  }
  var edges = view.edges.filter(function (e) { return !e.deal || inForce(e.deal); });
  var used = {};
  edges.forEach(function (e) { if (e.deal) { used[e.from] = true; used[e.to] = true; } });
  var nodes = view.nodes.filter(function (n) { return used[n.id]; });
  var keep = {};
  nodes.forEach(function (n) { keep[n.id] = true; });
  edges = edges.filter(function (e) { return keep[e.from] && keep[e.to]; });
  var deals = {};
  Object.keys(view.deals).forEach(function (k) { if (inForce(k)) { deals[k] = view.deals[k]; } });
  nodes.forEach(function (n) { n.deals = n.deals.filter(function (d) { return d in deals; }); });
  view.nodes = nodes;
  view.edges = edges;
  view.deals = deals;
  view.meta.filters.as_of = asOf;
  view.meta.counts.nodes = nodes.length;
  view.meta.counts.edges = edges.length;
  view.meta.counts.deals = Object.keys(deals).length;
  var text = JSON.stringify(view).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
  viewEl.textContent = text;
})();
