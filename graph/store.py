"""The store: a small protocol for answering SPARQL, and its backends.

The embedded backend is pyoxigraph (native SPARQL engine), in memory or in a folder on disk
(opened read-only for queries). The remote backend, a SPARQL 1.1 endpoint, and
:func:`~graph.remote.open_store`, which picks a backend for a location, are in :mod:`graph.remote`;
every backend passes the same test suite (``tests/test_store.py``).

Query results are plain Python: SELECT gives :class:`Rows` (variables + list of dicts of
Python values), ASK a bool, CONSTRUCT/DESCRIBE a list of N-Triples lines.
"""

from __future__ import annotations

import datetime as _dt
import os
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


def _looks_damaged(exc: BaseException) -> bool:
    """An error from RocksDB that means the files are damaged, not that the query is wrong."""
    text = str(exc)
    return any(sign in text for sign in ("Corruption", "No such file or directory", "IO error", "checksum"))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


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

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False, lease=None):
        """``path=None``: in memory. A writable path is a plain pyoxigraph folder (the build step of
        a generation or a cache entry). A read-only path is a store folder (:mod:`graph.generations`:
        the current generation is opened and held by a reader lease until :meth:`close`), a folder
        made by an earlier version, or, with ``lease`` given, exactly that pyoxigraph folder."""
        import pyoxigraph as ox

        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self.generation: Path | None = None  # the folder actually opened
        self._lease = lease
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if lease is None:
                    from .generations import Folder

                    self.generation, self._lease = Folder(self.path).open_for_reading()
                else:
                    self.generation = self.path
                try:
                    self._store = ox.Store.read_only(str(self.generation))
                except BaseException:
                    self._release()
                    raise
            else:
                self.generation = self.path
                self._store = ox.Store(str(self.path))
        except NotADirectoryError:
            raise StoreError(f"{self.path} is not a computekg store folder (a file is in the way)",
                             f"give a folder, filled with `computekg --store DIR load PATH`") from None
        except OSError as exc:
            if not read_only:  # building a generation or a cache entry: disk full, read-only...
                where = self.path.parent if self.path.name.endswith(".build") else self.path
                raise _write_error(where, exc) from None
            raise StoreError(f"cannot open store {self.path}: {_first_line(exc)}",
                             "check the folder exists and is readable") from None
        except RuntimeError as exc:  # RocksDB: "Corruption: ..."
            raise StoreError(f"the store {self.path} is damaged: {_first_line(exc)}",
                             "fill it again with `computekg --store DIR load --replace PATH`") from None

    @property
    def native(self):
        """The pyoxigraph ``Store`` itself, for code that reads terms as they are stored
        (:func:`graph.shapes_sparql.check_store`: a value's lexical form, not its Python value)."""
        return self._store

    def _release(self) -> None:
        if self._lease is not None:
            self._lease.release()
            self._lease = None

    def query(self, sparql: str, bindings: Bindings | None = None, *, union: bool = True,
              timeout: float | None = None) -> Result:
        """Run a query. ``union=True`` (the default, for users) sees every graph, the ontology and
        derived relations included; ``union=False`` reads the records only: the default graph and
        the data sources' named graphs (:func:`graph.vocab.source_graph`), the tool's lookups.
        ``timeout`` (seconds) stops waiting for a query that runs longer: :class:`QueryError`."""
        if timeout is not None:
            return _with_timeout(lambda: self._query(sparql, bindings, union), timeout)
        return self._query(sparql, bindings, union)

    on_damage: Any = None  # set by the cache: called once with the error when a read finds damage

    def _query(self, sparql: str, bindings: Bindings | None, union: bool) -> Result:
        try:
            return self._run(sparql, bindings, union)
        except (RuntimeError, OSError, ValueError) as exc:
            if _looks_damaged(exc):
                heal, self.on_damage = self.on_damage, None
                if heal is not None:  # a cache entry: rebuild it once, then answer from the new one
                    fresh = heal(exc)
                    self._store, self._lease, self.generation = fresh._store, fresh._lease, fresh.generation
                    fresh._lease = None
                    return self._run(sparql, bindings, union)
                raise StoreError(f"the store {self.path} is damaged: {_first_line(exc)}",
                                 "fill it again with `computekg --store DIR load --replace PATH`") from None
            raise QueryError(f"the query failed: {_first_line(exc)}") from None

    def _run(self, sparql: str, bindings: Bindings | None, union: bool) -> Result:
        import pyoxigraph as ox

        subs = {ox.Variable(k): to_term(v) for k, v in (bindings or {}).items()}
        dataset: dict[str, Any] = {"use_default_graph_as_union": True} if union else self._data_graphs()
        try:
            res = self._store.query(sparql, prefixes=dict(PREFIXES), substitutions=subs or None, **dataset)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {_syntax_message(exc)}",
                             "check the query near the position given") from None
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

    _records: Any = None  # read-only stores: the graphs holding records, found once

    def _record_graphs(self) -> list:
        """The graphs that hold records: the data sources' named graphs (graph.sources), and the
        default graph where it holds anything (a store made before issue 9 holds them all there)."""
        if self._records is not None:
            return self._records
        import pyoxigraph as ox

        from .vocab import SOURCE_GRAPH_PREFIX

        graphs = sorted((g for g in self._store.named_graphs() if g.value.startswith(SOURCE_GRAPH_PREFIX)), key=str)
        if not graphs or next(iter(self._store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
            graphs.insert(0, ox.DefaultGraph())
        if self.read_only:
            self._records = graphs
        return graphs

    def _data_graphs(self) -> dict[str, Any]:
        """The query dataset of ``union=False``: the graphs holding records. pyoxigraph answers on
        one graph (the default graph or a named one) fastest; on several graphs, listed or their
        union, lookups of many rows take 20 to 45% longer (bench/README.md, bench_graphs.py)."""
        graphs = self._record_graphs()
        return {"default_graph": graphs[0]} if len(graphs) == 1 else {"default_graph": graphs}

    @property
    def lookups_read_union(self) -> bool:
        """Whether the tool's lookups (:func:`graph.query.run_named`) read the union of every graph:
        where records are in several graphs, pyoxigraph answers them there faster than on the
        graphs listed, and the ontology and derived graphs hold nothing the lookups match."""
        try:
            return len(self._record_graphs()) > 1
        except (RuntimeError, OSError, ValueError):
            return False  # a damaged store: the query itself reports it (or heals a cache entry)

    def load_ntriples(self, data: bytes, graph: str | None = None) -> None:
        """Load N-Triples in one transaction, into a named graph or (None) the default graph."""
        import pyoxigraph as ox

        if self.read_only:
            raise StoreError("the store is open read-only")
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        self._store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)

    def load_turtle(self, data: bytes, graph: str) -> None:
        """Load a Turtle document into a named graph in one transaction (pyoxigraph's own parser)."""
        import pyoxigraph as ox

        if self.read_only:
            raise StoreError("the store is open read-only")
        self._store.load(data, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))

    def bulk_load_ntriples(self, data: bytes, graph: str | None = None) -> None:
        """Non-transactional, faster load for building a fresh store (bench, cache)."""
        import pyoxigraph as ox

        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        self._store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)

    def add_quads(self, quads, *, bulk: bool = False) -> None:
        """Add pyoxigraph quads as they come: in one transaction, or (``bulk``) by the bulk loader,
        which writes as it goes without holding them in memory (for a store no reader sees yet: a
        new generation of a folder, a cache entry being built)."""
        if self.read_only:
            raise StoreError("the store is open read-only")
        if bulk:
            self._store.bulk_extend(quads)
        else:
            self._store.extend(quads)

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
        if not hasattr(self, "_store"):
            return
        try:
            self.flush()
        finally:
            del self._store
            import gc

            gc.collect()  # drop every handle now: RocksDB closes when the last reference goes
            self._release()

    def seal(self, target: str | os.PathLike) -> None:
        """Close this writable store and write a sealed copy of it to ``target``: a checkpoint
        (hard links to the immutable table files) with no write-ahead log, never written again."""
        import pyoxigraph as ox

        self.close()
        ro = ox.Store.read_only(str(self.path))
        try:
            ro.backup(str(target))
        finally:
            del ro


def _write_error(path: Path, exc: BaseException) -> BaseException:
    """A failed write as a one-line StoreError (disk full, read-only folder...); nothing changed."""
    if isinstance(exc, (StoreError, QueryError)) or not isinstance(exc, (OSError, RuntimeError)):
        return exc
    import errno

    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else _first_line(exc)
    hint = "check the folder is writable"
    if getattr(exc, "errno", None) == errno.ENOSPC or "No space left" in str(exc):
        reason, hint = "no space left on the device", "free some disk space and run the command again"
    elif getattr(exc, "errno", None) in (errno.EROFS, errno.EACCES, errno.EPERM) or "Read-only file system" in str(exc) \
            or "Permission denied" in str(exc):
        hint = "the folder or its disk is read-only: choose a writable --store folder"
    return StoreError(f"cannot write the store {path}: {reason}; nothing was changed", hint)


def backend_for(location: str | os.PathLike | None) -> str:
    """``sparql`` for an http(s) URL, ``oxigraph`` for a folder (or None: in memory)."""
    return "sparql" if str(location or "").startswith(("http://", "https://")) else "oxigraph"

