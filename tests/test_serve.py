"""`computekg serve`: a real server (uvicorn) started by the tests on 127.0.0.1, asked by real
clients (computekg's RemoteStore, rdflib's SPARQLStore, urllib, http.client, headless Chromium).

Every request goes to 127.0.0.1 only. The load test is bounded in time and clients.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

import pytest

from graph.remote import RemoteStore
from graph.store import IRI, OxigraphStore, Rows
from test_store import DATA, EX, StoreSuite

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")


# ---------------------------------------------------------------------------- a real server

class Server:
    """`computekg [GLOBAL...] serve --port 0 [OPTIONS...]` as a subprocess; ``url`` is its root."""

    def __init__(self, *args: str, global_args: tuple[str, ...] = ()):
        cmd = [sys.executable, "-m", "graph", *global_args, "serve", "--port", "0", *args]
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=dict(os.environ))
        self.lines: list[str] = []
        deadline = time.monotonic() + 180
        self.url = ""
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.lines.append(line)
            m = re.search(r"serving (http://\S+/) ", line)
            if m:
                self.url = m.group(1)
                break
        if not self.url:
            self.stop()
            raise RuntimeError("the server did not start:\n" + "".join(self.lines))
        # keep reading stderr so the server never blocks on a full pipe
        threading.Thread(target=lambda: [self.lines.append(x) for x in self.proc.stderr], daemon=True).start()
        self.sparql = self.url + "sparql"
        self.port = int(urllib.parse.urlsplit(self.url).port)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def fetch(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body) for a request; HTTP errors are answers too."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def raw_get(port: int, path: str):
    """GET a path exactly as written (no client-side normalisation of `..` or escapes)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


def post_query(url: str, text: str, accept: str = "application/sparql-results+json", **params: str):
    qs = ("?" + urllib.parse.urlencode(params)) if params else ""
    return fetch(url + qs, data=text.encode(), headers={"Content-Type": "application/sparql-query", "Accept": accept})


@pytest.fixture(scope="module")
def bundled(bundled_store):
    """The bundled data, served (the compiled store is the session's cached one)."""
    s = Server()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def tight():
    """A server with small limits, one worker, and CORS on."""
    s = Server("--timeout", "1.5", "--max-rows", "10", "--max-query-bytes", "2000", "--max-body-bytes", "4000",
               "--workers", "1", "--cors")
    yield s
    s.stop()


def terms(store_rows: Rows) -> list[tuple]:
    return [tuple(str(r[v]) if r[v] is not None else None for v in store_rows.variables) for r in store_rows.rows]


def json_rows(body: bytes) -> tuple[list[str], list[tuple]]:
    data = json.loads(body)
    variables = data["head"]["vars"]
    return variables, [tuple(b[v]["value"] if v in b else None for v in variables) for b in data["results"]["bindings"]]


# ---------------------------------------------------------------------------- the store suite, read side

def _folder_store(path: Path, *, with_named_graph: bool = False) -> Path:
    s = OxigraphStore(path)
    s.load_ntriples(DATA)
    if with_named_graph:
        s.load_ntriples(f"<{EX}c> <{EX}name> \"C\" .\n".encode(), f"{EX}graph")
    s.close()
    return path


@pytest.fixture(scope="class")
def suite_servers(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve-suite")
    plain = Server(global_args=("--store", str(_folder_store(root / "plain"))))
    named = Server(global_args=("--store", str(_folder_store(root / "named", with_named_graph=True))))
    yield plain, named
    plain.stop()
    named.stop()


class TestServeReadSide(StoreSuite):
    """computekg's own RemoteStore against `serve` passes the read side of the store suite: the data
    is loaded into a store folder first, since the endpoint is read-only; the write tests check
    that writes are refused."""

    @pytest.fixture
    def store(self, suite_servers):
        return RemoteStore(suite_servers[0].sparql)

    def test_named_graphs_are_visible_in_union_queries_only(self, suite_servers):
        store = RemoteStore(suite_servers[1].sparql)
        q = f"SELECT ?s WHERE {{ ?s <{EX}name> \"C\" }}"
        assert len(store.query(q)) == 1
        assert len(store.query(q, union=False)) == 0
        assert f"{EX}graph" in store.graphs()

    def test_update_and_derived_graph(self, store):
        from graph.errors import QueryError

        with pytest.raises(QueryError) as err:
            store.update(f"INSERT DATA {{ GRAPH <{EX}g2> {{ <{EX}x> <{EX}name> \"X\" }} }}")
        assert f"{store.update_url} refused the update (HTTP 403" in str(err.value) and "read-only" in str(err.value)
        assert f"{EX}g2" not in store.graphs()
        with pytest.raises(QueryError):
            store.load_ntriples(DATA)


# ---------------------------------------------------------------------------- the bundled data, as users see it

def test_cli_against_serve_answers_as_the_embedded_store(bundled, runner):
    from graph.cli import main

    for args in (["company", "xAI", "--format", "json"],
                 ["deals", "--kind", "lease", "--as-of", "2027-01-01", "--format", "json"],
                 ["query", "leases", "--format", "json"],
                 ["query", "providers-of", "-p", "company_name=Anthropic", "--format", "json"],
                 ["facility", "colossus-1", "--format", "json"]):
        remote = runner.invoke(main, ["--store", bundled.sparql, *args])
        local = runner.invoke(main, args)
        assert remote.exit_code == 0 and local.exit_code == 0, (args, remote.output, local.output)
        assert json.loads(remote.stdout) == json.loads(local.stdout) and json.loads(local.stdout), args


def test_every_named_query_runs_by_name_as_on_the_command_line(bundled, bundled_store):
    from graph import query as q

    from graph.serve.protocol import declared_params

    assert len(q.user_queries()) >= 10
    values = {"company_name": "Anthropic", "date": "2027-01-01"}
    for nq in q.user_queries():
        params = {p.name: values[p.name] for p in declared_params(nq.params) if not p.optional}
        status, headers, body = fetch(bundled.sparql + "?" + urllib.parse.urlencode({"name": nq.name, **params}))
        assert status == 200, (nq.name, body)
        expected = q.run_named(bundled_store, nq.name, params)
        if isinstance(expected, Rows):
            variables, rows = json_rows(body)
            assert variables == expected.variables
            assert sorted(rows, key=repr) == sorted(terms(expected), key=repr), nq.name


def test_named_query_parameters_are_bound_and_checked(bundled, bundled_store):
    from graph import query as q

    status, _, body = fetch(bundled.sparql + "?name=in-force&date=2027-01-01")
    assert status == 200
    assert json_rows(body)[1] == terms(q.run_named(bundled_store, "in-force", {"date": "2027-01-01"}))
    assert len(json_rows(body)[1]) > 5
    status, _, body = fetch(bundled.sparql + "?name=in-force&dat=2027-01-01")
    assert status == 400 and body.decode() == "query 'in-force' has no parameter 'dat'; its parameters: date\n"
    status, _, body = fetch(bundled.sparql + "?name=in-force&date=notadate")
    assert status == 400 and "must be a date YYYY-MM-DD, got 'notadate'" in body.decode()
    status, _, body = fetch(bundled.sparql + "?name=providers-of")
    assert status == 400 and "needs the parameter 'company_name'" in body.decode()
    status, _, body = fetch(bundled.sparql + "?name=leasez")
    assert status == 400 and "Did you mean 'leases'?" in body.decode()
    status, _, body = fetch(bundled.sparql + "?name=_resolve-company")  # the tool's own queries are not served
    assert status == 400
    hostile = 'x")) } UNION { ?c ?p ?o } #'
    status, _, body = fetch(bundled.sparql + "?" + urllib.parse.urlencode({"name": "providers-of",
                                                                             "company_name": hostile}))
    assert status == 200 and json_rows(body)[1] == []


def test_rdflib_sparqlstore_gets_the_same_answers(bundled, bundled_store):
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    from graph import query as q
    from graph.vocab import sparql_prologue

    text = sparql_prologue() + ("SELECT ?id ?name ?mw WHERE { ?c a ckg:Company ; ckg:slug ?id ; schema:name ?name . "
                                "OPTIONAL { ?d ckg:provider ?c ; ckg:powerCapacity/schema:value ?mw } } "
                                "ORDER BY ?id ?mw")
    expected = terms(bundled_store.query(text, union=False))
    assert len(expected) > 100
    for method in ("GET", "POST", "POST_FORM"):
        g = Graph(store=SPARQLStore(bundled.sparql, method=method, returnFormat="json"))
        got = [tuple(str(x) if x is not None else None for x in row) for row in g.query(text)]
        assert got == expected, method
    # every graph, as `computekg query` sees it, through Oxigraph's union-default-graph parameter
    leases = sparql_prologue() + q.get("leases").text
    g = Graph(store=SPARQLStore(bundled.sparql, method="POST", returnFormat="xml",
                                params={"union-default-graph": ""}))
    got = sorted(tuple(str(x) for x in row) for row in g.query(leases))
    assert got == sorted(terms(bundled_store.query(leases))) and len(got) > 20
    g = Graph(store=SPARQLStore(bundled.sparql, method="GET", returnFormat="json"))
    assert g.query(sparql_prologue() + "ASK { ?c ckg:slug 'anthropic' }").askAnswer is True


# ---------------------------------------------------------------------------- every result format

SELECT = ("SELECT ?id ?name ?mw WHERE { ?c a ckg:Company ; ckg:slug ?id ; schema:name ?name . "
          "OPTIONAL { ?d ckg:provider ?c ; ckg:powerCapacity/schema:value ?mw } } ORDER BY ?id ?mw LIMIT 200")
CONSTRUCT = ("CONSTRUCT { ?c schema:name ?name ; ckg:slug ?id } WHERE { ?c a ckg:Company ; ckg:slug ?id ; "
             "schema:name ?name } ")


def _records(store) -> dict:
    """The embedded store's records as a query's default graph: each data source's named graph."""
    import pyoxigraph as ox

    from graph.vocab import SOURCE_GRAPH_PREFIX

    return {"default_graph": [ox.DefaultGraph(), *(ox.NamedNode(g) for g in store.graphs()
                                                   if g.startswith(SOURCE_GRAPH_PREFIX))]}


def _embedded_select(store):
    import pyoxigraph as ox

    from graph.vocab import PREFIXES

    return [tuple(sol) for sol in store._store.query(SELECT, prefixes=dict(PREFIXES), **_records(store))]


@pytest.mark.parametrize("accept,media,fmt", [
    ("application/sparql-results+json", "application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "xml"),
    ("text/tab-separated-values", "text/tab-separated-values", "tsv"),
    ("text/csv", "text/csv", "csv"),
    ("application/json", "application/sparql-results+json", "json"),
    ("*/*", "application/sparql-results+json", "json"),
    ("text/csv;q=0.2, application/sparql-results+xml;q=0.8", "application/sparql-results+xml", "xml"),
])
def test_select_in_every_format(bundled, bundled_store, accept, media, fmt):
    import pyoxigraph as ox

    expected = _embedded_select(bundled_store)
    assert len(expected) > 50
    for status, headers, body in (post_query(bundled.sparql, SELECT, accept),
                                  fetch(bundled.sparql + "?" + urllib.parse.urlencode({"query": SELECT}),
                                        headers={"Accept": accept}),
                                  fetch(bundled.sparql, data=urllib.parse.urlencode({"query": SELECT}).encode(),
                                        headers={"Accept": accept,
                                                 "Content-Type": "application/x-www-form-urlencoded"})):
        assert status == 200 and headers["Content-Type"].split(";")[0] == media
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(body.decode(), newline="")))
            assert rows[0] == ["id", "name", "mw"]
            assert rows[1:] == [[t.value if t is not None else "" for t in row] for row in expected]
        else:
            parsed = ox.parse_query_results(body, {"json": ox.QueryResultsFormat.JSON,
                                                   "xml": ox.QueryResultsFormat.XML,
                                                   "tsv": ox.QueryResultsFormat.TSV}[fmt])
            assert [v.value for v in parsed.variables] == ["id", "name", "mw"]
            assert [tuple(sol) for sol in parsed] == expected


@pytest.mark.parametrize("accept,media,rdf", [
    ("text/turtle", "text/turtle", "TURTLE"),
    ("application/n-triples", "application/n-triples", "N_TRIPLES"),
    ("application/ld+json", "application/ld+json", "JSON_LD"),
    ("application/rdf+xml", "application/rdf+xml", "RDF_XML"),
    ("*/*", "text/turtle", "TURTLE"),
])
def test_construct_and_describe_in_every_graph_format(bundled, bundled_store, accept, media, rdf):
    import pyoxigraph as ox

    from graph.vocab import PREFIXES

    for text in (CONSTRUCT, "DESCRIBE <https://w3id.org/computekg/id/company/anthropic>"):
        expected = set(bundled_store._store.query(text, prefixes=dict(PREFIXES), **_records(bundled_store)))
        assert len(expected) > 3, text
        status, headers, body = post_query(bundled.sparql, text, accept)
        assert status == 200 and headers["Content-Type"].split(";")[0] == media, body[:200]
        got = {q.triple for q in ox.parse(body, format=getattr(ox.RdfFormat, rdf))}
        assert got == expected, text


def test_large_answers_arrive_whole(bundled):
    """An answer of many megabytes comes through the worker's pipe in many reads."""
    text = "SELECT ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } LIMIT 30000"
    status, _, body = post_query(bundled.sparql, text)
    assert status == 200 and len(body) > 2_000_000
    assert len(json_rows(body)[1]) == 30000
    status, _, body = post_query(bundled.sparql, text, "text/tab-separated-values")
    assert status == 200 and len(body.decode().splitlines()) == 30001


def test_ask_formats_and_format_parameter_and_406(bundled):
    status, headers, body = post_query(bundled.sparql, "ASK { ?c ckg:slug 'anthropic' }")
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    status, _, body = post_query(bundled.sparql, "ASK { ?c ckg:slug 'no-such-company' }",
                                 "application/sparql-results+xml")
    assert status == 200 and ElementTree.fromstring(body).find(
        "{http://www.w3.org/2005/sparql-results#}boolean").text == "false"
    status, headers, body = fetch(bundled.sparql + "?name=leases&format=tsv", headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    assert body.decode().splitlines()[0] == "?customer\t?provider\t?deals"
    status, _, body = post_query(bundled.sparql, SELECT, "image/png")
    assert status == 406 and "application/sparql-results+json" in body.decode()
    status, _, body = post_query(bundled.sparql, CONSTRUCT, "text/csv")
    assert status == 406 and "text/turtle" in body.decode()
    status, _, body = fetch(bundled.sparql + "?name=leases&format=yaml")
    assert status == 400 and "unknown format 'yaml'" in body.decode()


# ---------------------------------------------------------------------------- what is refused

def _count(url: str) -> int:
    status, _, body = post_query(url, "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    assert status == 200
    return int(json_rows(body)[1][0][0])


def test_updates_are_refused_with_403_and_change_nothing(bundled):
    before = _count(bundled.sparql)
    update = "INSERT DATA { <https://example.com/x> <https://example.com/p> 'x' }"
    answers = [
        fetch(bundled.sparql + "?" + urllib.parse.urlencode({"update": update})),
        fetch(bundled.sparql, data=urllib.parse.urlencode({"update": update}).encode(),
              headers={"Content-Type": "application/x-www-form-urlencoded"}),
        fetch(bundled.sparql, data=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        post_query(bundled.sparql, update),
        post_query(bundled.sparql, "PREFIX ex: <https://example.com/>\nDELETE WHERE { ?s ?p ?o }"),
        post_query(bundled.sparql, "DROP ALL"),
        post_query(bundled.sparql, "LOAD <http://127.0.0.1:9/data.ttl>"),
        fetch(bundled.url + "update", data=update.encode(), headers={"Content-Type": "application/sparql-update"}),
    ]
    for status, headers, body in answers:
        text = body.decode()
        assert status == 403, text
        assert "updates are not accepted" in text and "read-only" in text and text.count("\n") == 1
    assert _count(bundled.sparql) == before


class _Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it gets."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.running = True
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


SERVICE_QUERIES = [
    "SELECT * WHERE { ?s ?p ?o SERVICE <{url}> { ?a ?b ?c } } LIMIT 1",
    "SELECT * WHERE { ?s ?p ?o . service <{url}> { ?a ?b ?c } } LIMIT 1",
    "SELECT * WHERE { ?s ?p ?o . SeRvIcE SILENT <{url}> { ?a ?b ?c } } LIMIT 1",
    "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o . SERVICE <{url}> { ?s ?b ?c } } LIMIT 1 } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <{url}> { ?s ?b ?c } } } LIMIT 1",
    "SELECT * WHERE { ?s ?p ?o . SERVICE # a comment\n<{url}> { ?a ?b ?c } } LIMIT 1",
    "SELECT * WHERE { ?s ?p true SERVICE<{url}>{ ?a ?b ?c } } LIMIT 1",
    "SELECT * WHERE { ?s ?p trueSERVICE<{url}>{ ?a ?b ?c } } LIMIT 1",
    "SELECT * WHERE { ?s ?p 2SERVICE <{url}> { ?a ?b ?c } } LIMIT 1",
    "PREFIX : <{url}> SELECT * WHERE { ?s ?p ?o . SERVICE:x { ?a ?b ?c } } LIMIT 1",
    "SELECT * WHERE { ?s ckg:a\\#x ?o . SERVICE <{url}> { ?a ?b ?c } } LIMIT 1",
    "SELECT * WHERE { BIND(<{url}> AS ?e) ?s ?p ?o . SERVICE ?e { ?a ?b ?c } } LIMIT 1",
    "ASK { ?s ?p ?o . SERVICE <{url}> { ?a ?b ?c } }",
    "CONSTRUCT { ?a ?b ?c } WHERE { ?s ?p ?o . SERVICE <{url}> { ?a ?b ?c } }",
]


def test_service_is_never_run(bundled, bundled_store):
    listener = _Listener()
    try:
        url = f"http://127.0.0.1:{listener.port}/sparql"
        # the control: run directly on the embedded engine, such a query does contact the listener
        import pyoxigraph as ox

        mem = ox.Store()
        mem.add(ox.Quad(ox.NamedNode("https://e.com/s"), ox.NamedNode("https://e.com/p"), ox.Literal("o")))
        with pytest.raises(OSError):
            list(mem.query(SERVICE_QUERIES[0].replace("{url}", url)))
        assert listener.hits >= 1
        listener.hits = 0
        for template in SERVICE_QUERIES:
            text = template.replace("{url}", url)
            for status, _, body in (post_query(bundled.sparql, text),
                                    fetch(bundled.sparql + "?" + urllib.parse.urlencode({"query": text}))):
                assert status == 403, (text, body)
                assert "federated queries are not allowed" in body.decode()
        time.sleep(0.5)
        assert listener.hits == 0
    finally:
        listener.close()
    # words that only look like the keyword are fine
    ok = post_query(bundled.sparql, "SELECT ?service WHERE { ?service a schema:Service ; rdfs:label 'SERVICE' } LIMIT 1")
    assert ok[0] == 200


def test_bad_query_gets_400_with_the_parsers_message(bundled):
    status, headers, body = post_query(bundled.sparql, "SELECT ?x WHERE { ?x ?p }")
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert re.fullmatch(r"malformed SPARQL: error at 1:\d+: .+\n", body.decode())
    status, _, body = fetch(bundled.sparql, headers={"Accept": "application/sparql-results+json"})
    assert status == 400 and "no query" in body.decode()
    status, _, body = fetch(bundled.sparql + "?" + urllib.parse.urlencode({"query": "ASK {}", "name": "leases"}))
    assert status == 400 and "not both" in body.decode()
    status, _, body = fetch(bundled.sparql, data=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert status == 415
    status, _, body = fetch(bundled.sparql, data=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"})
    assert status == 400 and "UTF-8" in body.decode()
    status, _, body = fetch(bundled.sparql + "?default-graph-uri=not%20an%20iri&query=ASK%7B%7D")
    assert status == 400 and "absolute IRI" in body.decode()


TRAVERSALS = [
    "/../pyproject.toml", "/..%2fpyproject.toml", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/graph/cli.py",
    "/-/static/../__init__.py", "/-/static/%2e%2e/__init__.py", "/-/static/..%2f__init__.py",
    "/-/static/vendor/../../app.py", "/-/static/..%5c__init__.py", "/-/static/%252e%252e/__init__.py",
    "/-/static/%00query.js", "/-/static/query.js%00.png", "/-/static/.%2e/__init__.py", "//etc/passwd",
    "/-/static//etc/passwd", "/-/static/vendor/", "/-/static/vendor", "/-/static/vendor/codemirror/",
    "/-/static/query.js/", "/.git/config", "/-/static/.hidden", "/etc/passwd", "/\\..\\pyproject.toml",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_traversal_and_no_listing(bundled, path):
    status, headers, body = raw_get(bundled.port, path)
    assert status == 404, (path, status, body[:200])
    assert b"root:" not in body and b"[project]" not in body and b"<a href" not in body


def test_static_files_and_pages_are_served(bundled):
    status, headers, body = raw_get(bundled.port, "/-/static/query.js")
    assert status == 200 and dict(headers)["content-type"].startswith("text/javascript") and b"CodeMirror" in body
    status, headers, body = raw_get(bundled.port, "/-/static/vendor/codemirror/LICENSE")
    assert status == 200 and b"MIT" in body or b"Permission is hereby granted" in body
    status, _, body = raw_get(bundled.port, "/")
    assert status == 200 and b"leases" in body


def test_directory_source_refuses_symlinks_out_and_redirects_folders(tmp_path):
    from graph.serve.pages import DirectorySource, Page, Redirect

    site = tmp_path / "site"
    (site / "company" / "x").mkdir(parents=True)
    (site / "company" / "x" / "index.html").write_text("<p>x</p>")
    (site / "empty").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (site / "link.txt").symlink_to(tmp_path / "secret.txt")
    (site / "linkdir").symlink_to(tmp_path)
    src = DirectorySource(site)
    assert src("/link.txt", "/link.txt") is None
    assert src("/linkdir/secret.txt", "/linkdir/secret.txt") is None
    assert src("/empty/", "/empty/") is None and src("/empty", "/empty") is None
    assert src("/company/x", "/company/x") == Redirect("./x/")
    page = src("/company/x/", "/company/x/")
    assert isinstance(page, Page) and page.body == b"<p>x</p>"


def test_security_headers_everywhere_and_no_cors_by_default(bundled):
    for path, method_data in (("/", None), ("query", None), ("sparql?name=leases", None), ("no-such-page", None),
                              ("-/static/query.css", None), ("sparql", b"SELECT")):
        status, headers, _ = fetch(bundled.url + path, data=method_data,
                                   headers={"Content-Type": "application/sparql-query"} if method_data else {})
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "Access-Control-Allow-Origin" not in headers
        assert headers.get("Server") is None
    assert any("http://127.0.0.1:" in line for line in bundled.lines)


def test_binds_127_0_0_1_by_default(runner):
    from graph.cli import main

    help_text = runner.invoke(main, ["serve", "--help"]).output
    assert re.search(r"--host TEXT\s+Address to listen on.*\[default:\s+127\.0\.0\.1\]", help_text, re.S)


# ---------------------------------------------------------------------------- limits

def test_time_limit_stops_a_runaway_query_and_the_server_recovers(tight):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    status, _, body = post_query(tight.sparql, slow)
    took = time.monotonic() - started
    assert status == 503 and "time limit" in body.decode(), body
    assert took < 6, took
    # the killed worker is replaced: the next queries are answered
    deadline = time.monotonic() + 30
    while True:
        status, _, body = post_query(tight.sparql, "ASK { ?s ?p ?o }")
        if status == 200 or time.monotonic() > deadline:
            break
    assert status == 200 and json.loads(body)["boolean"] is True


def test_row_limit(tight):
    status, _, body = post_query(tight.sparql, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10")
    assert status == 200 and len(json_rows(body)[1]) == 10
    status, _, body = post_query(tight.sparql, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 11")
    assert status == 400 and "more than 10 rows" in body.decode() and "LIMIT" in body.decode()
    status, _, body = post_query(tight.sparql, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 11", "text/turtle")
    assert status == 400 and "more than 10 rows" in body.decode()
    status, _, body = post_query(tight.sparql, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 11", "text/csv")
    assert status == 400


def test_query_and_body_size_limits(tight):
    pad = "#" + "x" * 2100 + "\n"
    status, _, body = post_query(tight.sparql, pad + "ASK {}")
    assert status == 413 and "more than the server's limit of 2,000" in body.decode()
    status, _, body = fetch(tight.sparql, data=b"query=" + b"A" * 5000,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413 and "4,000" in body.decode()
    status, _, body = fetch(tight.sparql + "?query=" + "A" * 12000)
    assert status == 414
    status, _, _ = post_query(tight.sparql, "ASK {}")
    assert status == 200


def test_cors_only_when_asked(tight):
    status, headers, _ = post_query(tight.sparql, "ASK {}")
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = fetch(tight.sparql, method="OPTIONS",
                               headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"})
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]


def test_concurrent_clients_bounded_load(bundled):
    """16 clients for 10 s on 127.0.0.1, a mix of named queries, SPARQL and pages: 0 errors."""
    requests = [
        (bundled.sparql + "?name=leases", None, {}),
        (bundled.sparql + "?name=in-force&date=2027-01-01", None, {"Accept": "text/csv"}),
        (bundled.sparql, ("SELECT ?d WHERE { ?d ckg:provider/ckg:slug 'oracle' }").encode(),
         {"Content-Type": "application/sparql-query"}),
        (bundled.url, None, {}),
        (bundled.url + "-/static/query.js", None, {}),
    ]
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + 10
    lock = threading.Lock()

    def client(i: int) -> None:
        n = i
        while time.monotonic() < stop:
            url, data, headers = requests[n % len(requests)]
            n += 1
            t = time.perf_counter()
            status, _, body = fetch(url, data=data, headers=headers)
            with lock:
                latencies.append(time.perf_counter() - t)
                if status != 200 or not body:
                    errors.append(f"{status} {url}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)]
    print(f"\nload: {len(latencies)} requests by 16 clients in 10 s, {len(errors)} errors, "
          f"p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    assert not errors, errors[:5]
    assert len(latencies) > 100


# ---------------------------------------------------------------------------- the query page in a browser

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: install Debian's chromium package to run the browser tests")
    from playwright.sync_api import sync_playwright

    from test_render import ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _open(browser, server, path):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    origin = server.url.rstrip("/")
    outside, errors = [], []

    def route(r):
        if r.request.url.startswith(origin + "/"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + path)
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)
    return context, page, outside, errors


def test_query_page_runs_a_named_query_and_shows_the_table(browser, bundled, bundled_store, tmp_path):
    from graph import query as q

    context, page, outside, errors = _open(browser, bundled, "query")
    try:
        assert page.locator(".CodeMirror").count() == 1
        assert page.locator("#prefixes td code", has_text="ckg:").count() == 1
        page.select_option("#example", "leases")
        assert "ckg:leasesComputeFrom" in page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
        page.click("#run")
        page.wait_for_selector("body[data-state='done']", state="attached", timeout=30_000)
        expected = q.run_named(bundled_store, "leases")
        headers = page.locator("table.results thead th").all_text_contents()
        assert headers == expected.variables
        assert page.locator("table.results tbody tr").count() == len(expected) > 20
        shown = page.evaluate("[...document.querySelectorAll('table.results tbody tr')]"
                              ".map(tr => [...tr.cells].map(td => td.textContent))")
        assert sorted(map(tuple, shown)) == sorted(tuple(str(r[v]) for v in expected.variables) for r in expected.rows)
        page.screenshot(path=str(tmp_path / "query-page.png"), full_page=True)
        if os.environ.get("COMPUTEKG_SCREENSHOTS"):
            page.screenshot(path=os.environ["COMPUTEKG_SCREENSHOTS"] + "/query-page.png")

        # a named query with a parameter, then the user's own query, then a malformed one
        page.select_option("#example", "in-force")
        page.fill("#param-date", "2027-01-01")
        page.click("#run")
        page.wait_for_selector("body[data-state='done']", state="attached", timeout=30_000)
        assert page.locator("table.results tbody tr").count() == len(q.run_named(bundled_store, "in-force",
                                                                                  {"date": "2027-01-01"}))
        page.evaluate("document.querySelector('.CodeMirror').CodeMirror.setValue("
                      "\"SELECT ?name WHERE { ?c ckg:slug 'anthropic' ; schema:name ?name }\")")
        page.click(".CodeMirror")
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("body[data-state='done']", state="attached", timeout=30_000)
        assert page.locator("table.results tbody td").all_text_contents() == ["Anthropic"]
        page.evaluate("document.querySelector('.CodeMirror').CodeMirror.setValue('SELECT ?x WHERE { ?x ?p }')")
        page.click("#run")
        page.wait_for_selector("body[data-state='error']", state="attached", timeout=30_000)
        assert page.locator("#status").text_content().startswith("Error 400: malformed SPARQL: error at 1:")
        errors_from_400 = [e for e in errors if "400" in e]
        assert outside == []
        assert [e for e in errors if e not in errors_from_400] == []
    finally:
        context.close()


def test_sparql_without_a_query_in_a_browser_is_the_query_page(browser, bundled):
    context, page, outside, errors = _open(browser, bundled, "sparql")
    try:
        assert page.title().startswith("SPARQL query")
        assert outside == [] and errors == []
    finally:
        context.close()


# ---------------------------------------------------------------------------- the site, live

def test_site_pages_are_the_builders_pages(bundled, bundled_store, browser):
    """The same pages as `computekg site` writes, rendered on request, with each page's own policy."""
    pages = pytest.importorskip("graph.site.pages")
    site = pages.Site(bundled_store)
    for path in ("index.html", "company/xai/index.html", "map/index.html", "company/xai/index.ttl"):
        url_path = "/" + path.removesuffix("index.html")
        status, headers, body = raw_get(bundled.port, url_path)
        assert status == 200, url_path
        assert body == site.render(path), url_path
        assert dict(headers)["content-type"] == pages.content_type(path)
        if path.endswith(".html"):
            from graph.serve.pages import page_csp

            csp = dict(headers)["content-security-policy"]
            assert csp == page_csp(body) + "; frame-ancestors 'none'" and "unsafe-inline" not in csp
    status, headers, _ = raw_get(bundled.port, "/company/xai")
    assert status == 301 and dict(headers)["location"] == "./xai/"
    assert raw_get(bundled.port, "/company/no-such-company/")[0] == 404
    context, page, outside, errors = _open_site(browser, bundled, "")
    try:
        page.goto(bundled.url + "company/xai/")
        page.wait_for_load_state("load")
        assert page.title().startswith("xAI")
        assert outside == [] and errors == []
    finally:
        context.close()


def _open_site(browser, server, path):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    origin = server.url.rstrip("/")
    outside, errors = [], []
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(origin + "/")
                  else (outside.append(r.request.url), r.abort()))
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + path)
    page.wait_for_load_state("load")
    return context, page, outside, errors
