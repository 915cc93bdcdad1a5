// computekg graph page, before the view script: read the view's state from the URL fragment
// (#company=ID&kinds=K,K&statuses=S,S&facilities=0&as-of=YYYY-MM-DD) into window.ckgGraphState;
// graphlinks.js applies it once the view is drawn (an as-of date keeps only the deals in force
// on it: start <= date <= end) and keeps the fragment up to date.
(function () {
  "use strict";
  function parse(hash) {
    var out = {};
    (hash || "").replace(/^#/, "").split("&").forEach(function (kv) {
      if (!kv) { return; }
      var i = kv.indexOf("="), k;
      try {
        k = decodeURIComponent(i < 0 ? kv : kv.slice(0, i));
        out[k] = i < 0 ? "" : decodeURIComponent(kv.slice(i + 1));
      } catch (err) { /* a malformed part is ignored */ }
    });
    return out;
  }
  var state = parse(window.location.hash);
  if (state["as-of"] !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(state["as-of"])) { delete state["as-of"]; }
  window.ckgGraphState = state;
})();
