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
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol, Sequence, Union

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

    def query(self, sparql: str, bindings: Bindings | None = None, *, union: bool = True) -> Result: ...

    def load_ntriples(self, data: bytes, graph: str | None = None) -> None: ...

    def update(self, sparql: str) -> None: ...

    def dump(self, fmt: str) -> bytes: ...

    def graphs(self) -> list[str]: ...

    def close(self) -> None: ...


def _syntax_message(exc: Exception) -> str:
    msg = str(exc).strip()
    return msg[0].lower() + msg[1:] if msg else "the query could not be parsed"


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

    def query(self, sparql: str, bindings: Bindings | None = None, *, union: bool = True) -> Result:
        """Run a query. ``union=True`` (the default, for users) sees every graph, the ontology and
        derived relations included; the tool's own lookups pass ``union=False`` to read only the
        default graph, where all records live, which pyoxigraph answers many times faster."""
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

    def dump(self, fmt: str) -> bytes:
        """Serialise the whole dataset: ``nq``/``trig`` keep graphs; ``nt`` merges them."""
        import pyoxigraph as ox

        if fmt in ("nq", "trig"):
            f = ox.RdfFormat.N_QUADS if fmt == "nq" else ox.RdfFormat.TRIG
            return self._store.dump(format=f, prefixes=dict(PREFIXES)) if fmt == "trig" else self._store.dump(format=f)
        lines = sorted({f"{q.subject} {q.predicate} {q.object} .\n" for q in self._store})
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


BACKENDS: dict[str, type] = {"oxigraph": OxigraphStore}


def open_store(path: str | os.PathLike | None = None, *, read_only: bool = True) -> OxigraphStore:
    """Open a store folder (read-only by default, for queries)."""
    return OxigraphStore(path, read_only=read_only)
