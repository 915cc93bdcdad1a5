"""The SPARQL 1.1 Protocol's query operation, read-only: request parameters to a :class:`Job`.

Parameters (query string, or a form-encoded POST body):

- ``query``: the SPARQL text (or the body of a POST with ``Content-Type: application/sparql-query``);
- ``name``: a named query (``graph/queries/NAME.rq``, as ``computekg query NAME``); its
  parameters are the other request parameters (``?name=in-force&date=2027-01-01``), bound as
  literals, never pasted into the text; named queries read every graph, as on the command line;
- ``default-graph-uri``, ``named-graph-uri``: the dataset, from the store's own graphs;
- ``union-default-graph`` (no value): the default graph is the union of every graph, as with
  Oxigraph's server; without it the default graph holds the records (the ontology and the derived
  relations are named graphs), again as with Oxigraph, so clients see the same answers from both;
- ``format``: ``json``, ``xml``, ``csv``, ``tsv``, ``ttl``, ``nt``, ``jsonld`` or ``rdfxml``,
  instead of the ``Accept`` header.

Refused: ``update`` or any update (403), ``SERVICE`` (403), a text longer than the limit (413).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from dataclasses import dataclass
from typing import Iterable

from .engine import Job
from .limits import Limits
from .safety import service_keyword

RESERVED = frozenset({"query", "update", "name", "default-graph-uri", "named-graph-uri", "union-default-graph",
                      "format", "using-graph-uri", "using-named-graph-uri"})
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*")
READ_ONLY = "this endpoint is read-only; change the data with `computekg load`"


class Refused(Exception):
    """A request the endpoint will not run: an HTTP status and a one-line reason."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Param:
    name: str
    optional: bool
    date: bool
    description: str


_PARAM = re.compile(r"\?(\w+)\s*(?:\(([^()]*)\))?")


def declared_params(params_header: str) -> list[Param]:
    """The parameters a named query's ``# params:`` header declares.

    >>> [(p.name, p.optional, p.date) for p in declared_params(
    ...     '?role ("provider" or "customer"; default provider), ?date (optional xsd:date: only deals in force)')]
    [('role', True, False), ('date', True, True)]
    >>> declared_params("none")
    []
    """
    out = []
    for m in _PARAM.finditer(params_header):
        desc = m.group(2) or ""
        low = desc.lower()
        out.append(Param(m.group(1), "optional" in low or "default" in low, "xsd:date" in low, desc))
    return out


def _named_bindings(query, given: list[tuple[str, str]]) -> dict[str, str]:
    declared = {p.name: p for p in declared_params(query.params)}
    bindings: dict[str, str] = {}
    for key, value in given:
        name = key.lstrip("?$")
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise Refused(400, f"query {query.name!r} has no parameter {name!r}; its parameters: {known}")
        if name in bindings:
            raise Refused(400, f"parameter {name!r} is given twice")
        p = declared[name]
        if p.date:
            try:
                _dt.date.fromisoformat(value)
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    raise ValueError
            except ValueError:
                raise Refused(400, f"parameter {name!r} of query {query.name!r} must be a date YYYY-MM-DD, "
                                   f"got {value!r}") from None
        bindings[name] = value
    missing = [p.name for p in declared.values() if not p.optional and p.name not in bindings]
    if missing:
        raise Refused(400, f"query {query.name!r} needs the parameter {missing[0]!r} "
                           f"({declared[missing[0]].description})")
    return bindings


def _iris(values: Iterable[str], what: str) -> tuple[str, ...]:
    out = []
    for v in values:
        if not _ABSOLUTE_IRI.fullmatch(v):
            raise Refused(400, f"{what} must be an absolute IRI, got {v!r}")
        out.append(v)
    return tuple(out)


def job_from(params: list[tuple[str, str]], *, body_query: str | None = None, accept: str = "*/*",
             limits: Limits = Limits(), named: dict | None = None) -> Job | None:
    """The job a request asks for, or None when it asks for nothing (no query, no name)."""
    keys = [k for k, _ in params]
    if "update" in keys or "using-graph-uri" in keys or "using-named-graph-uri" in keys:
        raise Refused(403, f"updates are not accepted: {READ_ONLY}")
    queries = [v for k, v in params if k == "query"]
    names = [v for k, v in params if k == "name"]
    if body_query is not None:
        queries.append(body_query)
    if len(queries) > 1 or len(names) > 1:
        raise Refused(400, "give one query (the query parameter once, or the request body)")
    if queries and names:
        raise Refused(400, "give either query or name, not both")
    formats = [v for k, v in params if k == "format"]
    fmt = formats[-1] if formats else None
    if fmt is not None:
        from .results import FORMATS, by_name

        if by_name(fmt) is None:
            raise Refused(400, f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    default_graph = _iris((v for k, v in params if k == "default-graph-uri"), "default-graph-uri")
    named_graphs = _iris((v for k, v in params if k == "named-graph-uri"), "named-graph-uri")
    union = "union-default-graph" in keys
    if names:
        catalogue = named or {}
        q = catalogue.get(names[0])
        if q is None:
            close = difflib.get_close_matches(names[0], list(catalogue), n=3)
            hint = f". Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise Refused(400, f"no named query {names[0]!r}{hint} (the list is on the query page, /query)")
        bindings = _named_bindings(q, [(k, v) for k, v in params if k not in RESERVED])
        return Job(q.text, accept=accept, format=fmt, union=not default_graph, default_graph=default_graph,
                   named_graphs=named_graphs, bindings=bindings, max_rows=limits.max_rows)
    if not queries:
        return None
    text = queries[0]
    size = len(text.encode("utf-8"))
    if size > limits.max_query_bytes:
        raise Refused(413, f"the query is {size:,} bytes, more than the server's limit of "
                           f"{limits.max_query_bytes:,}")
    if not text.strip():
        raise Refused(400, "the query is empty")
    keyword = service_keyword(text)
    if keyword:
        raise Refused(403, f"federated queries are not allowed ({keyword}): this endpoint answers only from its "
                           "own store and never contacts another server")
    return Job(text, accept=accept, format=fmt, union=union, default_graph=default_graph,
               named_graphs=named_graphs, max_rows=limits.max_rows)
