// computekg graph page, after the view script: apply the fragment's state to the view's own
// controls, and keep the fragment up to date as the user changes them, so a copied link restores
// the view (focused company, deal kinds, statuses, facilities, as-of date).
(function () {
  "use strict";
  var viewEl = document.getElementById("computekg-view");
  if (!viewEl || !window.network) { return; }
  var meta = JSON.parse(viewEl.textContent).meta;
  var state = window.ckgGraphState || {};
  var root = document.body.getAttribute("data-root") || "";
  var kindBoxes = document.querySelectorAll("#filter-kinds input[type=checkbox]");
  var statusBoxes = document.querySelectorAll("#filter-statuses input[type=checkbox]");
  var facBox = document.querySelector("#filter-other input[type=checkbox]");
  var asOf = document.getElementById("g-asof"), clear = document.getElementById("g-asof-clear");
  var pageLink = document.getElementById("g-company-page"), out = document.getElementById("g-state");
  var focused = null;

  function setBoxes(boxes, items, wanted) {
    if (wanted === undefined) { return; }
    var on = {};
    wanted.split(",").forEach(function (v) { if (v) { on[v] = true; } });
    boxes.forEach(function (b, i) {
      var want = !!on[items[i].value];
      if (b.checked !== want) { b.checked = want; b.dispatchEvent(new Event("change")); }
    });
  }
  function chosen(boxes, items) {
    var all = true, vals = [];
    boxes.forEach(function (b, i) { if (b.checked) { vals.push(items[i].value); } else { all = false; } });
    return all ? null : vals.join(",");
  }
  function write() {
    var parts = [];
    if (focused) { parts.push("company=" + encodeURIComponent(focused)); }
    var k = chosen(kindBoxes, meta.legend.kinds), s = chosen(statusBoxes, meta.legend.statuses);
    if (k !== null) { parts.push("kinds=" + encodeURIComponent(k)); }
    if (s !== null) { parts.push("statuses=" + encodeURIComponent(s)); }
    if (facBox && !facBox.checked) { parts.push("facilities=0"); }
    if (state["as-of"]) { parts.push("as-of=" + state["as-of"]); }
    var hash = parts.length ? "#" + parts.join("&") : "";
    history.replaceState(null, "", window.location.pathname + window.location.search + hash);
    if (pageLink) {
      pageLink.hidden = !focused;
      if (focused) {
        pageLink.href = root + "company/" + encodeURIComponent(focused) + "/index.html";
        pageLink.textContent = "Open the page of " + focused;
      }
    }
    if (out) { out.textContent = state["as-of"] ? "Deals in force on " + state["as-of"] + "." : ""; }
    document.body.dataset.fragment = hash;
  }
  function focus(id) {
    var search = document.getElementById("search");
    search.value = id;
    search.dispatchEvent(new Event("input"));
    var b = document.querySelector('#results button[data-node="c:' + CSS.escape(id) + '"]');
    if (b) { b.click(); focused = id; }
    search.value = "";
    document.getElementById("results").replaceChildren();
  }
  setBoxes(kindBoxes, meta.legend.kinds, state.kinds);
  setBoxes(statusBoxes, meta.legend.statuses, state.statuses);
  if (facBox && state.facilities === "0" && facBox.checked) { facBox.checked = false; facBox.dispatchEvent(new Event("change")); }
  if (state.company) { focus(state.company); }
  if (asOf && state["as-of"]) { asOf.value = state["as-of"]; }
  document.addEventListener("change", function (ev) {
    if (ev.target.closest && ev.target.closest("#filter-kinds,#filter-statuses,#filter-other")) { write(); }
  });
  window.network.on("selectNode", function (p) {
    var id = p.nodes[0] || "";
    focused = id.indexOf("c:") === 0 ? id.slice(2) : null;
    write();
  });
  window.network.on("deselectNode", function () { focused = null; write(); });
  document.getElementById("results").addEventListener("click", function (ev) {  // a search hit focuses it
    var b = ev.target.closest("button[data-node]");
    if (!b) { return; }
    var id = b.getAttribute("data-node");
    focused = id.indexOf("c:") === 0 ? id.slice(2) : null;
    write();
  });
  document.getElementById("panel-close").addEventListener("click", function () { focused = null; write(); });
  if (asOf) {
    asOf.addEventListener("change", function () {
      if (asOf.value) { state["as-of"] = asOf.value; } else { delete state["as-of"]; }
      write();
      window.location.reload();
    });
  }
  if (clear) { clear.addEventListener("click", function () { delete state["as-of"]; write(); window.location.reload(); }); }
  window.addEventListener("hashchange", function () { window.location.reload(); });
  write();
  document.body.dataset.stateReady = "1";
})();
