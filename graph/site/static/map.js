// computekg map: facilities on a world map drawn from bundled country outlines (no tile server
// unless the site was built with --tiles). Markers sized by power, coloured by status, clustered
// where they crowd; filters by country, operator and status; a click opens the facility's page.
(function () {
  "use strict";
  var block = document.getElementById("computekg-map");
  if (!block || !window.L) { return; }
  var cfg = JSON.parse(block.textContent);
  var root = document.body.getAttribute("data-root") || "";
  var COLORS = {operational: "#2f9e44", under_construction: "#f59f00", planned: "#74c0fc",
                decommissioned: "#adb5bd", unknown: "#ffffff"};
  var map = L.map("map", {worldCopyJump: true, minZoom: 1, maxZoom: 12, attributionControl: false,
                          preferCanvas: false});
  L.control.attribution({prefix: false}).addTo(map);
  if (cfg.tiles) {
    L.tileLayer(cfg.tiles, {maxZoom: 18}).addTo(map);
  } else {
    map.attributionControl.addAttribution("Country outlines: Natural Earth");
  }
  if (window.topojson && window.CKG_WORLD) {
    var land = topojson.feature(window.CKG_WORLD, window.CKG_WORLD.objects.countries);
    // rings crossing the antimeridian (Russia, Fiji) are unwrapped so no band is drawn across the map
    var unwrap = function (ring) {
      for (var i = 1; i < ring.length; i++) {
        var d = ring[i][0] - ring[i - 1][0];
        if (d > 180) { ring[i] = [ring[i][0] - 360, ring[i][1]]; }
        else if (d < -180) { ring[i] = [ring[i][0] + 360, ring[i][1]]; }
      }
    };
    land.features = land.features.filter(function (f) { return f.id !== "010"; });  // Antarctica
    land.features.forEach(function (f) {
      var g = f.geometry;
      if (!g) { return; }
      (g.type === "Polygon" ? [g.coordinates] : g.coordinates).forEach(function (poly) { poly.forEach(unwrap); });
    });
    L.geoJSON(land, {interactive: false, style: {color: "#868e96", weight: 0.6, fillColor: "#f8f9fa", fillOpacity: 1}})
      .addTo(map);
  }
  var maxMw = 1;
  cfg.points.forEach(function (p) { if (p.mw && p.mw > maxMw) { maxMw = p.mw; } });
  function radius(p) { return p.mw ? 4 + 14 * Math.sqrt(p.mw / maxMw) : 4; }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function href(p) { return root + "facility/" + encodeURIComponent(p.id) + "/index.html"; }
  function popup(p) {
    var box = el("div", null, "map-popup"), h = el("h3"), a = el("a", p.name);
    a.href = href(p);
    h.appendChild(a);
    box.appendChild(h);
    box.appendChild(el("p", (p.status || "").replace(/_/g, " ") + (p.mw ? " · " + Math.round(p.mw).toLocaleString("en") + " MW" : "")));
    if (p.operators.length) { box.appendChild(el("p", "Operator: " + p.operators.join(", "))); }
    if (p.owners.length) { box.appendChild(el("p", "Owner: " + p.owners.join(", "))); }
    if (p.country) { box.appendChild(el("p", p.country)); }
    return box;
  }
  var markers = cfg.points.map(function (p) {
    var m = L.circleMarker([p.lat, p.lon], {radius: radius(p), color: "#343a40", weight: 1,
                                            fillColor: COLORS[p.status] || "#ffffff", fillOpacity: 0.85});
    m.bindTooltip(el("span", p.name));  // a text node: Leaflet treats strings as HTML
    m.on("click", function () {
      if (cfg.single) { return; }
      window.location.href = href(p);
    });
    m.point = p;
    return m;
  });
  var layer;
  if (cfg.single || !L.markerClusterGroup) {
    layer = L.layerGroup().addTo(map);
  } else {
    layer = L.markerClusterGroup({maxClusterRadius: 40, showCoverageOnHover: false, chunkedLoading: true});
    map.addLayer(layer);
  }
  var countSel = document.getElementById("f-country"), opSel = document.getElementById("f-operator");
  var statusBoxes = document.querySelectorAll(".f-status"), out = document.getElementById("map-count");
  function wanted(p) {
    if (countSel && countSel.value && p.country !== countSel.value) { return false; }
    if (opSel && opSel.value && p.operators.indexOf(opSel.value) < 0 && p.owners.indexOf(opSel.value) < 0) { return false; }
    var on = true;
    statusBoxes.forEach(function (b) { if (b.value === p.status && !b.checked) { on = false; } });
    return on;
  }
  function apply() {
    var shown = markers.filter(function (m) { return wanted(m.point); });
    layer.clearLayers();
    if (layer.addLayers) { layer.addLayers(shown); } else { shown.forEach(function (m) { layer.addLayer(m); }); }
    if (out) { out.textContent = shown.length + " of " + markers.length + " shown"; }
    document.body.dataset.mapShown = String(shown.length);
    return shown;
  }
  [countSel, opSel].forEach(function (s) { if (s) { s.addEventListener("change", apply); } });
  statusBoxes.forEach(function (b) { b.addEventListener("change", apply); });
  var shown = apply();
  if (cfg.single && shown.length) {
    map.setView([shown[0].point.lat, shown[0].point.lon], 4);
    shown[0].bindPopup(popup(shown[0].point)).openPopup();
  } else {
    map.setView([25, 0], 2);
  }
  window.ckgMap = {map: map, markers: markers, layer: layer};
  map.whenReady(function () {
    requestAnimationFrame(function () {
      document.body.dataset.mapReadyMs = String(Math.round(performance.now()));
      document.body.dataset.mapReady = "1";
    });
  });
})();
