/* The query page: a CodeMirror editor, the named queries as examples, results as a table.
   Every value reaches the page as text (textContent), never as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ckg-data").textContent);
  var byName = {};
  data.queries.forEach(function (q) { byName[q.name] = q; });
  var form = document.getElementById("query-form");
  var example = document.getElementById("example");
  var summary = document.getElementById("example-summary");
  var paramsBox = document.getElementById("params");
  var union = document.getElementById("union");
  var status = document.getElementById("status");
  var wrap = document.getElementById("table-wrap");
  var textarea = document.getElementById("query");
  var editor = window.CodeMirror.fromTextArea(textarea, {
    mode: "application/sparql-query", lineNumbers: true, indentUnit: 2, viewportMargin: 50,
    extraKeys: { "Ctrl-Enter": function () { run(); }, "Cmd-Enter": function () { run(); } }
  });
  var loaded = null; // the named query whose text is in the editor, unchanged

  var prefixes = Object.keys(data.prefixes).map(function (p) { return [p, data.prefixes[p]]; })
    .sort(function (a, b) { return b[1].length - a[1].length; });

  function shorten(iri) {
    for (var i = 0; i < prefixes.length; i++) {
      var ns = prefixes[i][1];
      if (iri.indexOf(ns) === 0 && /^[A-Za-z0-9_-]*$/.test(iri.slice(ns.length))) {
        return prefixes[i][0] + ":" + iri.slice(ns.length);
      }
    }
    return iri;
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  function showParams(q) {
    while (paramsBox.lastChild && paramsBox.lastChild.tagName !== "LEGEND") { paramsBox.removeChild(paramsBox.lastChild); }
    paramsBox.hidden = !q || q.params.length === 0;
    if (!q) { return; }
    q.params.forEach(function (p) {
      var id = "param-" + p.name;
      var row = el("div", null, "row");
      var label = el("label", p.name + (p.optional ? " (optional)" : ""));
      label.htmlFor = id;
      var input = document.createElement("input");
      input.id = id;
      input.name = p.name;
      input.type = p.date ? "date" : "text";
      input.required = !p.optional;
      input.setAttribute("aria-describedby", id + "-help");
      var help = el("span", p.description, "help");
      help.id = id + "-help";
      row.appendChild(label); row.appendChild(input); row.appendChild(help);
      paramsBox.appendChild(row);
    });
  }

  example.addEventListener("change", function () {
    var q = byName[example.value];
    summary.textContent = q ? q.summary : "";
    showParams(q);
    if (q) {
      editor.setValue(q.text);
      loaded = q.name;
    } else {
      loaded = null;
    }
  });
  editor.on("change", function () {
    if (loaded && editor.getValue() !== byName[loaded].text) { loaded = null; }
  });

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var short = shorten(term.value);
      if (/^https?:\/\//.test(term.value)) {
        var a = el("a", short);
        a.href = term.value;
        a.rel = "noopener noreferrer";
        a.title = term.value;
        td.appendChild(a);
      } else {
        td.textContent = short;
      }
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else if (term.type === "triple") {
      td.textContent = "<< " + [term.value.subject, term.value.predicate, term.value.object]
        .map(function (t) { return t.value; }).join(" ") + " >>";
    } else {
      td.textContent = term.value;
      if (term.datatype) { td.title = shorten(term.datatype); }
      if (term["xml:lang"]) { td.lang = term["xml:lang"]; }
      if (term.datatype && /#(integer|decimal|double|float|int|long)$/.test(term.datatype)) { td.className = "num"; }
    }
    return td;
  }

  function table(json) {
    var vars = json.head.vars;
    var t = el("table", null, "results");
    var thead = document.createElement("thead");
    var tr = document.createElement("tr");
    vars.forEach(function (v) { var th = el("th", v); th.scope = "col"; tr.appendChild(th); });
    thead.appendChild(tr);
    t.appendChild(thead);
    var tbody = document.createElement("tbody");
    json.results.bindings.forEach(function (b) {
      var row = document.createElement("tr");
      vars.forEach(function (v) { row.appendChild(cell(b[v])); });
      tbody.appendChild(row);
    });
    t.appendChild(tbody);
    return t;
  }

  function request() {
    var accept = "application/sparql-results+json, text/turtle;q=0.9";
    if (loaded) {
      var qs = new URLSearchParams({ name: loaded });
      var inputs = paramsBox.querySelectorAll("input");
      for (var i = 0; i < inputs.length; i++) {
        if (inputs[i].value !== "") { qs.append(inputs[i].name, inputs[i].value); }
      }
      return fetch("sparql?" + qs.toString(), { headers: { Accept: accept } });
    }
    var body = new URLSearchParams({ query: editor.getValue() });
    return fetch(union.checked ? "sparql?union-default-graph" : "sparql", {
      method: "POST", body: body, headers: { Accept: accept }
    });
  }

  var running = false;
  function run() {
    if (running) { return; }
    if (loaded && !form.reportValidity()) { return; }
    running = true;
    document.body.dataset.state = "running";
    status.textContent = "Running...";
    status.className = "";
    var started = performance.now();
    request().then(function (resp) {
      var type = resp.headers.get("content-type") || "";
      return resp.text().then(function (text) { return { resp: resp, type: type, text: text }; });
    }).then(function (r) {
      var ms = Math.round(performance.now() - started);
      wrap.textContent = "";
      if (!r.resp.ok) {
        status.textContent = "Error " + r.resp.status + ": " + r.text.trim();
        status.className = "error";
        document.body.dataset.state = "error";
        return;
      }
      if (r.type.indexOf("json") >= 0) {
        var json = JSON.parse(r.text);
        if (typeof json.boolean === "boolean") {
          status.textContent = "Answer: " + json.boolean + " (" + ms + " ms)";
        } else {
          var n = json.results.bindings.length;
          status.textContent = n + " row" + (n === 1 ? "" : "s") + " (" + ms + " ms)";
          wrap.appendChild(table(json));
        }
      } else {
        var lines = r.text.split("\n").filter(function (l) { return l.trim() && !/^@?prefix /i.test(l); }).length;
        status.textContent = "Graph, Turtle (" + ms + " ms)";
        wrap.appendChild(el("pre", r.text, "graph"));
        wrap.dataset.lines = String(lines);
      }
      document.body.dataset.state = "done";
    }).catch(function (err) {
      status.textContent = "The request failed: " + err;
      status.className = "error";
      document.body.dataset.state = "error";
    }).then(function () { running = false; });
  }

  form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
  document.body.dataset.ready = "1";
})();
