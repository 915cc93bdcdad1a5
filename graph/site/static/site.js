// computekg site: the header search (offline, over names, aliases and ids) and table filters.
// Every text from the data reaches the page through textContent, never innerHTML.
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "";
  var PATHS = {company: "company/", facility: "facility/", deal: "deal/"};
  var q = document.getElementById("site-q"), list = document.getElementById("site-results");
  var form = document.getElementById("site-search");
  var index = null, loading = false, hits = [], active = -1, pending = [];

  function load(then) {  // the index is a site file, read once, when the search is first used
    if (index) { then(); return; }
    if (window.CKG_SEARCH) { prepare(); then(); return; }
    pending.push(then);
    if (loading) { return; }
    loading = true;
    var s = document.createElement("script");
    s.src = root + "assets/search-index.js";
    s.onload = function () { prepare(); pending.splice(0).forEach(function (f) { f(); }); };
    document.head.appendChild(s);
  }
  function prepare() {
    index = window.CKG_SEARCH.map(function (r) {
      return {type: r[0], id: r[1], name: r[2], name_l: r[2].toLowerCase(),
              all: (r[1] + " " + r[2] + " " + r[3]).toLowerCase()};
    });
  }
  function rank(e, t) {
    var score = e.type === "company" ? 0 : e.type === "facility" ? 1 : 2;
    if (e.name_l === t || e.id === t) { return score; }
    if (e.name_l.indexOf(t) === 0) { return 3 + score; }
    return 6 + score;
  }
  function run() {
    var t = q.value.trim().toLowerCase();
    list.replaceChildren();
    active = -1;
    if (!t) { list.hidden = true; return; }
    hits = index.filter(function (e) { return e.all.indexOf(t) >= 0; });
    hits.sort(function (a, b) { return rank(a, t) - rank(b, t) || a.name.length - b.name.length || (a.name < b.name ? -1 : 1); });
    hits = hits.slice(0, 20);
    if (!hits.length) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = "No company, facility or deal matches.";
      list.appendChild(none);
    }
    hits.forEach(function (e, i) {
      var li = document.createElement("li"), a = document.createElement("a"), ty = document.createElement("span");
      li.setAttribute("role", "option");
      li.id = "site-hit-" + i;
      a.href = root + PATHS[e.type] + encodeURIComponent(e.id) + "/index.html";
      a.textContent = e.name;
      ty.className = "type";
      ty.textContent = e.type + (e.name.toLowerCase() !== e.id ? " · " + e.id : "");
      a.appendChild(ty);
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = false;
  }
  function select(i) {
    var items = list.querySelectorAll("li[role=option]");
    if (!items.length) { return; }
    active = (i + items.length) % items.length;
    items.forEach(function (li, j) { li.setAttribute("aria-selected", j === active ? "true" : "false"); });
    q.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({block: "nearest"});
  }
  if (q) {
    q.addEventListener("focus", function () { load(function () {}); });
    q.addEventListener("input", function () { load(run); });
    q.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") { ev.preventDefault(); select(active + 1); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); select(active - 1); }
      else if (ev.key === "Escape") { list.hidden = true; }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var items = list.querySelectorAll("li[role=option] a");
      var target = items[active >= 0 ? active : 0];
      if (target) { window.location.href = target.href; }
    });
    document.addEventListener("click", function (ev) { if (!form.contains(ev.target)) { list.hidden = true; } });
  }

  // ---------------------------------------------------------------- table filters (text and columns)
  function filterTable(id) {
    var table = document.getElementById(id);
    if (!table) { return; }
    var text = document.querySelector('.row-filter[data-table="' + id + '"]');
    var cols = document.querySelectorAll('.col-filter[data-table="' + id + '"]');
    var t = text ? text.value.trim().toLowerCase() : "";
    var shown = 0, rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], ok = !t || r.textContent.toLowerCase().indexOf(t) >= 0;
      cols.forEach(function (c) { if (c.value && r.getAttribute("data-" + c.getAttribute("data-col")) !== c.value) { ok = false; } });
      r.hidden = !ok;
      if (ok) { shown++; }
    }
    var out = document.querySelector('.row-count[data-table="' + id + '"]');
    if (out) { out.textContent = shown + " of " + rows.length + " rows"; }
  }
  document.querySelectorAll(".row-filter,.col-filter").forEach(function (el) {
    var id = el.getAttribute("data-table");
    el.addEventListener(el.tagName === "SELECT" ? "change" : "input", function () { filterTable(id); });
  });
})();
