"""The store: a small protocol for answering SPARQL, and its backends.

The embedded backend is pyoxigraph (native SPARQL engine), in memory or in a folder on disk
(opened read-only for queries). Backends are registered in :data:`BACKENDS`; every backend
passes the same test suite (``tests/test_store.py``).

Query results are plain Python: SELECT gives :class:`Rows` (variables + list of dicts of
Python values), ASK a bool, CONSTRUCT/DESCRIBE a list of N-Triples lines.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Mapping, Protocol, Union

from .errors import QueryError, StoreError
from .vocab import PREFIXES

XSD = PREFIXES["xsd"]
_INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger",
                                    "byte", "unsignedInt", "unsignedLong", "nonPositiveInteger", "negativeInteger")}


class IRI(str):
    """An IRI in a result row: a ``str`` (cheap to make, usable as a key) kept apart from
    literals by its type; ``.value`` gives the plain text."""

    __slots__ = ()

    @property
    def value(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


@dataclass
class Rows:
    variables: list[str]
    rows: list[dict[str, Any]]

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


Result = Union[Rows, bool, list[str]]
Bindings = Mapping[str, Any]


_CONVERTERS: dict[str, Any] = {}


def _literal_converters() -> dict[str, Any]:
    if not _CONVERTERS:
        def boolean(v: str) -> bool:
            return v in ("true", "1")

        _CONVERTERS.update({t: int for t in _INTEGER_TYPES})
        _CONVERTERS.update({XSD + "decimal": Decimal, XSD + "double": float, XSD + "float": float,
                            XSD + "boolean": boolean, XSD + "date": _dt.date.fromisoformat})
    return _CONVERTERS


_TERM_CLASSES: tuple = ()


def to_python(term: Any) -> Any:
    """Convert a pyoxigraph term to a Python value (IRI, int, Decimal, float, date, bool, str)."""
    global _TERM_CLASSES
    if term is None:
        return None
    if not _TERM_CLASSES:
        import pyoxigraph as ox

        _TERM_CLASSES = (ox.NamedNode, ox.Literal, ox.BlankNode)
    cls = term.__class__
    if cls is _TERM_CLASSES[0]:
        return IRI(term.value)
    if cls is _TERM_CLASSES[1]:
        convert = (_CONVERTERS or _literal_converters()).get(term.datatype.value)
        if convert is None:
            return term.value
        try:
            return convert(term.value)
        except (ValueError, InvalidOperation):
            return term.value
    if cls is _TERM_CLASSES[2]:
        return "_:" + term.value
    return str(term)


def to_term(value: Any):
    """A Python value to a pyoxigraph term, for binding query parameters (never pasted as text)."""
    import pyoxigraph as ox

    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    if isinstance(value, IRI):
        return ox.NamedNode(value.value)
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, (float, Decimal)):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, _dt.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    return ox.Literal(str(value))


class Store(Protocol):
    """What the layers above need from a store."""

    def query(self, sparql: str, bindings: Bindings | None = None, *, union: bool = True,
              timeout: float | None = None) -> Result: ...

    def load_ntriples(self, data: bytes, graph: str | None = None) -> None: ...

    def update(self, sparql: str) -> None: ...

    def dump_nquads(self) -> bytes: ...

    def graphs(self) -> list[str]: ...

    def is_empty(self) -> bool: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


def _syntax_message(exc: Exception) -> str:
    msg = str(exc).strip()
    return msg[0].lower() + msg[1:] if msg else "the query could not be parsed"


def _with_timeout(run, timeout: float):
    """Run ``run()`` in a worker thread (pyoxigraph releases the GIL while it evaluates) and give up
    waiting after ``timeout`` seconds. The abandoned worker ends with the process."""
    import threading

    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["result"] = run()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    worker = threading.Thread(target=work, name="computekg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryError(f"the query ran longer than {timeout:g} s and was stopped",
                         "narrow the query, e.g. with a LIMIT, or give a larger --timeout")
    if "error" in box:
        raise box["error"]
    return box["result"]


class OxigraphStore:
    """pyoxigraph: in memory (``path=None``) or a folder on disk."""

    name = "oxigraph"

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False):
        import pyoxigraph as ox

        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not (self.path / "CURRENT").exists():
                    raise StoreError(f"{self.path} is not a computekg store folder",
                                     f"fill it first with `computekg --store {self.path} load PATH`")
                self._store = ox.Store.read_only(str(self.path))
            else:
                self._store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}",
                             "check the folder exists and no other process is writing to it") from None

    def query(self, sparql: str, bindings: Bindings | None = None, *, union: bool = True,
              timeout: float | None = None) -> Result:
        """Run a query. ``union=True`` (the default, for users) sees every graph, the ontology and
        derived relations included; the tool's own lookups pass ``union=False`` to read only the
        default graph, where all records live, which pyoxigraph answers many times faster.
        ``timeout`` (seconds) stops waiting for a query that runs longer: :class:`QueryError`."""
        if timeout is not None:
            return _with_timeout(lambda: self._query(sparql, bindings, union), timeout)
        return self._query(sparql, bindings, union)

    def _query(self, sparql: str, bindings: Bindings | None, union: bool) -> Result:
        import pyoxigraph as ox

        subs = {ox.Variable(k): to_term(v) for k, v in (bindings or {}).items()}
        try:
            res = self._store.query(sparql, prefixes=dict(PREFIXES), use_default_graph_as_union=union,
                                    substitutions=subs or None)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {_syntax_message(exc)}",
                             "check the query near the position given") from None
        except (RuntimeError, OSError, ValueError) as exc:
            raise QueryError(f"the query failed: {exc}") from None
        if isinstance(res, ox.QueryBoolean):
            return bool(res)
        if isinstance(res, ox.QueryTriples):
            return sorted(f"{t.subject} {t.predicate} {t.object} ." for t in res)
        variables = [v.value for v in res.variables]
        # Substituted variables are constant: copy the bound value instead of converting it per row.
        fixed = {k: v for k, v in (bindings or {}).items() if k in variables}
        free = [v for v in variables if v not in fixed]
        index = [variables.index(v) for v in free]
        rows = []
        pairs = list(zip(free, index))
        for sol in res:
            values = tuple(sol)
            row = {v: to_python(values[i]) for v, i in pairs}
            if fixed:
                row.update(fixed)
            rows.append(row)
        return Rows(variables, rows)

    def load_ntriples(self, data: bytes, graph: str | None = None) -> None:
        """Load N-Triples in one transaction, into a named graph or (None) the default graph."""
        import pyoxigraph as ox

        if self.read_only:
            raise StoreError("the store is open read-only")
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        self._store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)

    def bulk_load_ntriples(self, data: bytes, graph: str | None = None) -> None:
        """Non-transactional, faster load for building a fresh store (bench, cache)."""
        import pyoxigraph as ox

        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        self._store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)

    def update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")
        try:
            self._store.update(sparql, prefixes=dict(PREFIXES))
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL update: {_syntax_message(exc)}") from None

    def dump_nquads(self) -> bytes:
        """Every quad, as N-Quads (graph names kept), sorted."""
        lines = sorted({f"{q} .\n" for q in self._store})
        return "".join(lines).encode("utf-8")

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs())

    def is_empty(self) -> bool:
        return next(iter(self._store.quads_for_pattern(None, None, None)), None) is None

    def flush(self) -> None:
        if not self.read_only and self.path is not None:
            self._store.flush()

    def close(self) -> None:
        self.flush()
        del self._store


# ---------------------------------------------------------------------------- remote endpoints

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_LOCAL_PART = re.compile(r":[^\s{}();,]*")


def inject_values(sparql: str, bindings: Mapping[str, Any]) -> str:
    """Bind variables for an endpoint that has no substitution API: a ``VALUES`` block of
    serialised, escaped terms, placed first in the query's outermost WHERE group (or as a
    trailing VALUES clause when the query has no group). User text is never pasted as SPARQL:
    each value becomes a term, which escapes it.

    >>> inject_values('SELECT ?s WHERE { ?s ?p ?name }', {"name": 'O"Brien'})
    'SELECT ?s WHERE { VALUES (?name) { ("O\\\\"Brien") } ?s ?p ?name }'
    """
    if not bindings:
        return sparql
    names = list(bindings)
    for n in names:
        if not _WORD.fullmatch(n):
            raise QueryError(f"{n!r} is not a variable name")
    block = (" VALUES (" + " ".join("?" + n for n in names) + ") { ("
             + " ".join(str(to_term(bindings[n])) for n in names) + ") } ")
    pos = _where_brace(sparql)
    if pos is None:
        return sparql + "\n" + block.strip()
    return sparql[:pos + 1] + block + sparql[pos + 1:].lstrip(" ")


def sparql_keywords(text: str) -> list[str]:
    """The bare words of a SPARQL text, upper-cased, in order: keywords and function names, not
    the contents of strings, IRIs or comments, nor variables (``?x``) or prefixed names (``ex:y``).

    >>> sparql_keywords('SELECT * WHERE { ?service <http://x/SERVICE> "SERVICE" } # SERVICE')
    ['SELECT', 'WHERE']
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in "'\"":
            quote = text[i:i + 3] if text[i:i + 3] in ("'" * 3, '"' * 3) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
            continue
        if c == "<":
            m = _IRIREF.match(text, i)
            if m:
                i = m.end()
                continue
        if c.isalpha() or c == "_":
            m = _WORD.match(text, i)
            end = m.end()
            prev = text[i - 1] if i else " "
            if prev not in "?$:@_." and not prev.isalnum() and not text.startswith(":", end):
                out.append(m.group().upper())
            i = end
            # a prefixed name's local part (ex:SERVICE) is not a keyword
            if text.startswith(":", i):
                i = _LOCAL_PART.match(text, i).end()
            continue
        if c in "?$":
            m = _WORD.match(text, i + 1)
            i = m.end() if m else i + 1
            continue
        i += 1
    return out


def _where_brace(text: str) -> int | None:
    """Index of the ``{`` opening the outermost WHERE group, skipping strings, IRIs and comments."""
    i, depth, after_where, first_brace = 0, 0, False, None
    n = len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in "'\"":
            quote = text[i:i + 3] if text[i:i + 3] in ("'" * 3, '"' * 3) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
            continue
        if c == "<":
            m = _IRIREF.match(text, i)
            if m:
                i = m.end()
                continue
        if c == "{":
            if depth == 0:
                if after_where:
                    return i
                if first_brace is None:
                    first_brace = i
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and c.isalpha():
            m = _WORD.match(text, i)
            if m.group().upper() == "WHERE":
                after_where = True
            i = m.end()
            continue
        i += 1
    return first_brace


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
    if t == "bnode":
        return ox.BlankNode(b["value"])
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    if b.get("datatype"):
        return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(b["value"])


class RemoteStore:
    """A SPARQL 1.1 endpoint over HTTP (the SPARQL 1.1 Protocol), for graphs that outgrow one machine.

    ``url`` is the query endpoint; updates go to the same URL with a final ``query`` replaced by
    ``update`` (Oxigraph's ``/query`` and ``/update``, Fuseki's ``/ds/query`` and ``/ds/update``),
    or to ``update_url``. Records go to the endpoint's default graph, the ontology and derived
    relations to named graphs, as in the embedded store. Queries that should see every graph
    (``union=True``) ask for Oxigraph's ``union-default-graph``; other servers should be set up
    with a union default graph (Fuseki: ``tdb2:unionDefaultGraph true``).
    """

    name = "sparql"

    def __init__(self, url: str, *, update_url: str | None = None, read_only: bool = False, timeout: float = 60):
        self.url = url
        self.update_url = update_url or (url[: -len("query")] + "update" if url.endswith("query") else url)
        self.read_only = read_only
        self.timeout = timeout

    def _post(self, url: str, body: str, content_type: str, accept: str = "*/*", params: str = "",
              timeout: float | None = None) -> tuple[str, bytes]:
        import urllib.error
        import urllib.request

        req = urllib.request.Request(url + params, data=body.encode("utf-8"), method="POST",
                                     headers={"Content-Type": content_type, "Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                return resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            message = detail[0] if detail else str(exc.reason)
            if 400 <= exc.code < 500:
                raise QueryError(f"the endpoint rejected the request ({exc.code}): {message}") from None
            raise StoreError(f"the SPARQL endpoint {self.url} failed ({exc.code}): {message}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach the SPARQL endpoint {self.url}: {reason}",
                             "start the server, or check the --store URL") from None

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
        ctype, body = self._post(self.url, text, "application/sparql-query; charset=utf-8",
                                 "application/sparql-results+json, application/n-triples;q=0.9",
                                 "?union-default-graph" if union else "", timeout=timeout)
        if "json" in ctype:
            data = json.loads(body)
            if "boolean" in data:
                return bool(data["boolean"])
            variables = data["head"]["vars"]
            rows = [{v: _json_term(b[v]) if v in b else None for v in variables}
                    for b in data["results"]["bindings"]]
            return Rows(variables, rows)
        return sorted(line for line in body.decode("utf-8").splitlines() if line.strip())

    def update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")
        from .vocab import sparql_prologue

        self._post(self.update_url, sparql_prologue() + sparql, "application/sparql-update; charset=utf-8")

    def load_ntriples(self, data: bytes, graph: str | None = None) -> None:
        """One INSERT DATA request (N-Triples is valid inside it), which a server applies whole."""
        body = data.decode("utf-8")
        if graph:
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
        else:
            self.update(f"INSERT DATA {{\n{body}\n}}")

    bulk_load_ntriples = load_ntriples

    def _raw_select(self, sparql: str) -> list[dict]:
        import json

        _, body = self._post(self.url, sparql, "application/sparql-query; charset=utf-8",
                             "application/sparql-results+json")
        return json.loads(body)["results"]["bindings"]

    def dump_nquads(self) -> bytes:
        """Every quad, as N-Quads (graph names kept), sorted."""
        import pyoxigraph as ox

        rows = self._raw_select("SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        lines = set()
        for b in rows:
            g = _json_to_oxigraph(b["g"]) if "g" in b else ox.DefaultGraph()
            quad = ox.Quad(_json_to_oxigraph(b["s"]), _json_to_oxigraph(b["p"]), _json_to_oxigraph(b["o"]), g)
            lines.add(f"{quad} .\n")
        return "".join(sorted(lines)).encode("utf-8")

    def graphs(self) -> list[str]:
        rows = self._raw_select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(b["g"]["value"] for b in rows)

    def is_empty(self) -> bool:
        return not self._raw_select("SELECT ?s WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } LIMIT 1")

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


BACKENDS: dict[str, type] = {"oxigraph": OxigraphStore, "sparql": RemoteStore}


def backend_for(location: str | os.PathLike | None) -> str:
    """``sparql`` for an http(s) URL, ``oxigraph`` for a folder (or None: in memory)."""
    return "sparql" if str(location or "").startswith(("http://", "https://")) else "oxigraph"


def open_store(location: str | os.PathLike | None = None, *, read_only: bool = True):
    """Open a store: a folder (pyoxigraph; read-only by default, for queries) or a SPARQL endpoint URL."""
    kind = backend_for(location)
    return BACKENDS[kind](str(location) if kind == "sparql" else location, read_only=read_only)
