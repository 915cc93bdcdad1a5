// computekg graph page, after the view script: apply the fragment's state to the view's own
// controls, and keep the fragment up to date as the user changes them, so a copied link restores
// the view (focused company, deal kinds, statuses, facilities, as-of date). The as-of month
// slider replays the deals in force month by month (play/pause); its date goes in the fragment.
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
  var slider = document.getElementById("g-month"), play = document.getElementById("g-play");
  var monthText = document.getElementById("g-month-text");
  var termsEl = document.getElementById("computekg-terms");
  var terms = termsEl ? JSON.parse(termsEl.textContent) : {};
  var viewDeals = JSON.parse(viewEl.textContent).deals || {};
  var focused = null, timer = null, STEP_MS = 600;
  var MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                     "October", "November", "December"];

  // ------------------------------------------------------------------ months and deals in force
  function inForce(deal, date) {
    var t = terms[deal];
    return !!t && !!t[0] && !!t[1] && t[0] <= date && date <= t[1];
  }
  function monthIndex(date) { return parseInt(date.slice(0, 4), 10) * 12 + parseInt(date.slice(5, 7), 10) - 1; }
  var firstMonth = null, lastMonth = null;
  Object.keys(terms).forEach(function (k) {
    var t = terms[k];
    if (!t[0] || !t[1]) { return; }
    var a = monthIndex(t[0]), b = monthIndex(t[1]);
    if (firstMonth === null || a < firstMonth) { firstMonth = a; }
    if (lastMonth === null || b > lastMonth) { lastMonth = b; }
  });
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function monthDate(i) { var m = firstMonth + i; return Math.floor(m / 12) + "-" + pad(m % 12 + 1) + "-01"; }
  function monthWords(date) { return MONTH_NAMES[parseInt(date.slice(5, 7), 10) - 1] + " " + date.slice(0, 4); }
  if (slider && firstMonth !== null) {
    slider.max = String(lastMonth - firstMonth);
    slider.disabled = false;
    if (play) { play.disabled = false; }
  }
  function showSlider() {
    if (!slider || firstMonth === null) { return; }
    var date = state["as-of"];
    if (date) {
      slider.value = String(Math.max(0, Math.min(lastMonth - firstMonth, monthIndex(date) - firstMonth)));
    }
    var text = date ? monthWords(date) : "all dates (" + monthWords(monthDate(0)) + " to " +
      monthWords(monthDate(lastMonth - firstMonth)) + ")";
    slider.setAttribute("aria-valuetext", text);
    if (monthText) { monthText.textContent = text; }
  }
  function applyAsOf() {
    var date = state["as-of"];
    window.ckgView.setDealFilter(date ? function (d) { return inForce(d, date); } : null);
    if (document.body.dataset.shownNodes !== "0") {  // frame what is drawn (gently while playing)
      window.network.fit({animation: timer !== null ? {duration: 300, easingFunction: "easeInOutQuad"} : false});
    }
    if (asOf) { asOf.value = date || ""; }
    showSlider();
  }
  function setAsOf(date) {
    if (date) { state["as-of"] = date; } else { delete state["as-of"]; }
    applyAsOf();
    write();
  }

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
    if (out) {
      var date = state["as-of"], n = 0;
      if (date) { Object.keys(viewDeals).forEach(function (k) { if (inForce(k, date)) { n += 1; } }); }
      out.textContent = date ? n + " deal" + (n === 1 ? "" : "s") + " in force on " + date + "." : "";
    }
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
  if (state["as-of"]) { applyAsOf(); } else { showSlider(); }
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
  // ------------------------------------------------------------------ as-of date, slider, play/pause
  function stop() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
    if (play) { play.textContent = "Play"; play.setAttribute("aria-label", "Play: step month by month"); }
    document.body.dataset.playing = "0";
  }
  function step() {
    var i = parseInt(slider.value, 10);
    if (i >= lastMonth - firstMonth) { stop(); return; }
    setAsOf(monthDate(i + 1));
  }
  if (asOf) {
    asOf.addEventListener("change", function () {
      stop();
      setAsOf(/^\d{4}-\d{2}-\d{2}$/.test(asOf.value) ? asOf.value : null);
    });
  }
  if (clear) { clear.addEventListener("click", function () { stop(); setAsOf(null); }); }
  if (slider) {
    slider.addEventListener("input", function () { setAsOf(monthDate(parseInt(slider.value, 10))); });
  }
  if (play && slider) {
    play.addEventListener("click", function () {
      if (timer !== null) { stop(); return; }
      if (!state["as-of"] || parseInt(slider.value, 10) >= lastMonth - firstMonth) { setAsOf(monthDate(0)); }
      timer = window.setInterval(step, STEP_MS);
      play.textContent = "Pause";
      play.setAttribute("aria-label", "Pause the replay");
      document.body.dataset.playing = "1";
    });
  }
  window.addEventListener("hashchange", function () { window.location.reload(); });
  write();
  document.body.dataset.stateReady = "1";
})();
