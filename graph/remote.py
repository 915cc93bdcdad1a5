"""The remote backend: a SPARQL 1.1 endpoint over HTTP (:class:`RemoteStore`), and
:func:`open_store`, which picks the backend for a location (a folder, or an endpoint URL).

A remote store answers like the embedded one (:mod:`graph.store`): same query results, same
protocol, same test suite, against Oxigraph server and Virtuoso. HTTP, credentials, timeouts and
retries are :mod:`graph.endpoint`'s.
"""

from __future__ import annotations

import os
import re
from decimal import InvalidOperation
from typing import Any

from .errors import QueryError, StoreError
from .sparqltext import _IRIREF, inject_values, sparql_keywords
from .store import (IRI, Bindings, OxigraphStore, Result, Rows, _first_line, _literal_converters, _syntax_message,
                    backend_for)
from .vocab import PREFIXES

_BNODE_LABEL = re.compile(r"[A-Za-z0-9_]+")


def _json_term(b: dict) -> Any:
    t = b.get("type")
    if t == "uri":
        return IRI(b["value"])
    if t == "bnode":
        return "_:" + b["value"]
    convert = _literal_converters().get(b.get("datatype", ""))
    if convert is None:
        return b["value"]
    try:
        return convert(b["value"])
    except (ValueError, InvalidOperation):
        return b["value"]


def _json_to_oxigraph(b: dict):
    import pyoxigraph as ox

    t = b["type"]
    if t == "uri":
        return ox.NamedNode(b["value"])
    if t == "bnode":  # a label valid in N-Triples (Virtuoso's look like nodeID://b10001)
        value = b["value"]
        return ox.BlankNode(value if _BNODE_LABEL.fullmatch(value) else "b" + value.encode().hex())
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    if b.get("datatype"):
        return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(b["value"])


STAGING_PREFIX = "urn:computekg:staging:"  # graphs a remote load fills before moving them into place


class RemoteStore:
    """A SPARQL 1.1 endpoint over HTTP (the SPARQL 1.1 Protocol), for graphs that outgrow one machine.

    ``url`` is the query endpoint. Updates go to ``update_url``, or else to the same URL with a
    final ``query`` replaced by ``update`` (Oxigraph's ``/query`` and ``/update``, Fuseki's
    ``/ds/query`` and ``/ds/update``). HTTP, credentials (from the environment), timeouts and
    retries: :mod:`graph.endpoint`.

    Where the records go, two layouts:

    - ``records_graph=None`` (Oxigraph): records in the endpoint's default graph, the ontology and
      derived relations in named graphs, as in the embedded store. Queries that should see every
      graph (``union=True``) ask for Oxigraph's ``union-default-graph``.
    - ``records_graph=IRI``, for servers whose default graph is the union of all graphs (Virtuoso,
      which also refuses ``INSERT DATA`` into it; GraphDB; Fuseki with ``tdb2:unionDefaultGraph``):
      records in that named graph. Lookups (``union=False``) read it alone (the protocol's
      ``default-graph-uri``); ``union=True`` reads the server's default graph. Dumps and
      ``is_empty`` cover the graphs computekg writes (the records graph, shown as the default graph,
      and ``{ID_NS}graph/...``), not the server's own (Virtuoso keeps system graphs beside them).
    """

    name = "sparql"

    def __init__(self, url: str, *, update_url: str | None = None, records_graph: str | None = None,
                 read_only: bool = False, timeout: float = 60):
        from .endpoint import Endpoint

        self.url = url
        self.update_url = update_url or (url[: -len("query")] + "update" if url.endswith("query") else url)
        self.records_graph = records_graph or None
        if self.records_graph and not _IRIREF.fullmatch(f"<{self.records_graph}>"):
            from .errors import BadValue

            raise BadValue(f"--records-graph {self.records_graph!r} is not an IRI",
                           "give an absolute IRI, e.g. https://computekg.org/id/graph/records")
        self.read_only = read_only
        self.timeout = timeout
        self.endpoint = Endpoint(url, update_url=self.update_url, timeout=timeout)

    def _dataset(self, union: bool) -> list[tuple[str, str]]:
        if self.records_graph is None:
            return [("union-default-graph", "")] if union else []
        return [] if union else [("default-graph-uri", self.records_graph)]

    def _select(self, sparql: str, dataset: list[tuple[str, str]], timeout: float | None = None,
                accept: str = "application/sparql-results+json") -> tuple[str, bytes]:
        answer = self.endpoint.read([("query", sparql), *dataset], accept, timeout=timeout)
        cap = answer.headers.get("x-sparql-maxrows")
        if cap and cap.isdigit() and b'"bindings"' in answer.body[:4096]:
            import json

            if len(json.loads(answer.body).get("results", {}).get("bindings", [])) >= int(cap):
                raise StoreError(f"the SPARQL endpoint {self.endpoint.shown_url} cut the answer at {cap} rows",
                                 "raise the server's row limit (Virtuoso: ResultSetMaxRows in [SPARQL] "
                                 "of virtuoso.ini), or narrow the query")
        return answer.content_type, answer.body

    def query(self, sparql: str, bindings: Bindings | None = None, *, union: bool = True,
              timeout: float | None = None) -> Result:
        import json

        import pyoxigraph as ox

        from .vocab import sparql_prologue

        try:  # check the syntax here, so errors name the position in the user's own text
            if "SERVICE" not in sparql_keywords(sparql):  # never let the local check call out
                ox.Store().query(sparql, prefixes=dict(PREFIXES))
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {_syntax_message(exc)}",
                             "check the query near the position given") from None
        except (RuntimeError, OSError, ValueError):
            pass  # parsed; it just does not run on an empty local store
        text = sparql_prologue() + inject_values(sparql, bindings or {})
        form = next((w for w in sparql_keywords(sparql) if w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), "")
        # Ask for the one format the query form gives (Virtuoso answers CONSTRUCT in JSON results if let).
        accept = "application/n-triples" if form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
        ctype, body = self._select(text, self._dataset(union), timeout, accept)
        if "json" in ctype:
            data = json.loads(body)
            if "boolean" in data:
                return bool(data["boolean"])
            variables = data["head"]["vars"]
            if form == "ASK" and len(variables) == 1:  # Virtuoso with CaseMode other than 2: one row, 1 or 0
                rows = data["results"]["bindings"]
                return bool(rows) and str(next(iter(rows[0].values()), {}).get("value")) in ("1", "true")
            rows = [{v: _json_term(b[v]) if v in b else None for v in variables}
                    for b in data["results"]["bindings"]]
            return Rows(variables, rows)
        try:  # the embedded store's spelling of each triple, whatever the server's (Virtuoso: tabs)
            return sorted(f"{t.subject} {t.predicate} {t.object} ." for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            raise StoreError(f"the SPARQL endpoint {self.endpoint.shown_url} answered with triples that are not "
                             f"N-Triples: {_first_line(exc)}") from None

    def update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")
        from .vocab import sparql_prologue

        self.endpoint.write(sparql_prologue() + sparql)

    def target(self, graph: str | None) -> str:
        """The graph ``graph`` (None: the records) is written to, as SPARQL Update names it."""
        graph = graph or self.records_graph
        return f"GRAPH <{graph}>" if graph else "DEFAULT"

    def load_ntriples(self, data: bytes, graph: str | None = None) -> None:
        """Load N-Triples (valid inside ``INSERT DATA``) whole: one request when it fits in one
        chunk (:data:`CHUNK_LINES`, :data:`CHUNK_BYTES`), else chunks into a staging graph moved
        into place by one last request, so a failure part-way adds nothing."""
        lines = [ln for ln in data.decode("utf-8").splitlines() if ln.strip()]
        parts = list(ntriples_chunks(lines))
        if len(parts) <= 1:
            self.update(insert_text(self.target(graph), parts[0] if parts else []))
            return
        staging = new_staging_graph()
        try:
            for chunk in parts:
                self.update(insert_text(f"GRAPH <{staging}>", chunk))
            self.update(f"ADD SILENT GRAPH <{staging}> TO {self.target(graph)} ;\nDROP SILENT GRAPH <{staging}>")
        except BaseException:
            try:
                self.update(f"DROP SILENT GRAPH <{staging}>")
            except Exception:  # noqa: BLE001 - the endpoint is gone; the next load drops stale staging
                pass
            raise

    bulk_load_ntriples = load_ntriples

    def _raw_select(self, sparql: str) -> list[dict]:
        import json

        _, body = self._select(sparql, [])
        return json.loads(body)["results"]["bindings"]

    def _own_graphs_filter(self, var: str = "?g") -> str:
        """A FILTER keeping the graphs computekg writes (records-graph layout)."""
        from .vocab import graph_iri

        return (f'FILTER({var} = <{self.records_graph}> || STRSTARTS(STR({var}), "{graph_iri("")}"))')

    def dump_nquads(self) -> bytes:
        """Every quad, as N-Quads (graph names kept; the records graph as the default graph), sorted."""
        import pyoxigraph as ox

        if self.records_graph is None:
            rows = self._raw_select("SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } "
                                    f'FILTER(!STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }} }}')
        else:
            rows = self._raw_select(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._own_graphs_filter()} }}")
        lines = set()
        for b in rows:
            g = ox.DefaultGraph() if "g" not in b or b["g"]["value"] == self.records_graph else _json_to_oxigraph(b["g"])
            quad = ox.Quad(_json_to_oxigraph(b["s"]), _json_to_oxigraph(b["p"]), _json_to_oxigraph(b["o"]), g)
            lines.add(f"{quad} .\n")
        return "".join(sorted(lines)).encode("utf-8")

    def graphs(self) -> list[str]:
        """The endpoint's named graphs (not staging graphs, nor the records graph)."""
        rows = self._raw_select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(b["g"]["value"] for b in rows
                      if not b["g"]["value"].startswith(STAGING_PREFIX) and b["g"]["value"] != self.records_graph)

    def is_empty(self) -> bool:
        if self.records_graph is None:
            return not self._raw_select("SELECT ?s WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } LIMIT 1")
        return not self._raw_select(f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._own_graphs_filter()} }} LIMIT 1")

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


# Remote loads: triples per INSERT DATA request, and at most about this many bytes.
CHUNK_LINES = int(os.environ.get("COMPUTEKG_SPARQL_CHUNK", "3000") or 3000)  # Virtuoso 7 fails near 5,000
CHUNK_BYTES = 4_000_000


def insert_text(target: str, lines: list[str]) -> str:
    """The SPARQL Update that adds N-Triples ``lines`` to ``target`` (``DEFAULT`` or ``GRAPH <iri>``):
    ``INSERT DATA``, or, when they hold blank nodes (which Virtuoso refuses in ``INSERT DATA``),
    the equivalent ``INSERT { ... } WHERE {}``, whose one solution makes each label one new node."""
    body = "\n" + "\n".join(lines) + "\n"
    block = body if target == "DEFAULT" else f" {target} {{{body}}} "
    if any("_:" in line for line in lines):
        return f"INSERT {{{block}}} WHERE {{}}"
    return f"INSERT DATA {{{block}}}"


def new_staging_graph() -> str:
    """A fresh staging graph name (its time stamp lets a later load drop it if left behind)."""
    import time
    import uuid

    return f"{STAGING_PREFIX}{int(time.time())}-{uuid.uuid4().hex}"


def ntriples_chunks(lines: list[str], max_lines: int | None = None, max_bytes: int | None = None):
    """N-Triples lines in bounded chunks; every line with a blank node goes in the first chunk,
    so that a blank node stays one node (labels are scoped to one request)."""
    max_lines = max_lines or CHUNK_LINES
    max_bytes = max_bytes or CHUNK_BYTES
    blank = [line for line in lines if "_:" in line]
    plain = [line for line in lines if "_:" not in line]
    chunk, size = list(blank), sum(len(line) for line in blank)
    for line in plain:
        if chunk and (len(chunk) >= max_lines or size + len(line) > max_bytes):
            yield chunk
            chunk, size = [], 0
        chunk.append(line)
        size += len(line)
    if chunk:
        yield chunk


BACKENDS: dict[str, type] = {"oxigraph": OxigraphStore, "sparql": RemoteStore}


def open_store(location: str | os.PathLike | None = None, *, read_only: bool = True, **remote: Any):
    """Open a store: a folder (pyoxigraph; read-only by default, for queries) or a SPARQL endpoint URL
    (``remote``: :class:`RemoteStore`'s options, ``update_url`` and ``records_graph``; None values
    are left out)."""
    kind = backend_for(location)
    if kind == "sparql":
        return RemoteStore(str(location), read_only=read_only, **{k: v for k, v in remote.items() if v is not None})
    return BACKENDS[kind](location, read_only=read_only)
