"""RDF terms and triple sets without rdflib, for the load path.

Records become triples of plain Python values: an :class:`IRI` is a ``str`` (so ``f"{iri}/power/1"``
mints a child IRI, as with rdflib's ``URIRef``), a :class:`Lit` is a (lexical form, datatype IRI)
pair. A :class:`Triples` set turns them into pyoxigraph quads as they are loaded, so no
whole-graph rdflib ``Graph`` is built on the way to the store (rdflib's graph costs about 1 KB
and tens of microseconds per triple). ``Triples.to_rdflib()`` gives the rdflib graph for the few
callers that want one (pySHACL, tests).
"""

from __future__ import annotations

from typing import Iterable, Iterator, NamedTuple

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"


class IRI(str):
    """An IRI. A ``str``, so IRIs concatenate and compare as text."""

    __slots__ = ()


class Lit(NamedTuple):
    """A literal: its lexical form and its datatype IRI (``None``: a plain string)."""

    lexical: str
    datatype: str | None = None


class _Namespace:
    def __init__(self, base: str):
        self._base = base

    def __getattr__(self, name: str) -> IRI:
        if name.startswith("_"):
            raise AttributeError(name)
        return IRI(self._base + name)

    def __getitem__(self, name: str) -> IRI:
        return IRI(self._base + name)


RDF = _Namespace(RDF_NS)
RDFS = _Namespace(RDFS_NS)
XSD = _Namespace(XSD_NS)


def Literal(value: object, datatype: str | None = None) -> Lit:  # noqa: N802 - reads like rdflib's
    """A literal of a string (plain, or of ``datatype``), a bool or an int."""
    if isinstance(value, bool):
        return Lit("true" if value else "false", XSD_NS + "boolean")
    if isinstance(value, int):
        return Lit(str(value), XSD_NS + "integer")
    if not isinstance(value, str):
        raise TypeError(f"no literal for {type(value).__name__}")
    return Lit(value, str(datatype) if datatype is not None else None)


class Triples:
    """A set of (subject IRI, predicate IRI, object IRI or Lit) triples."""

    def __init__(self, triples: Iterable[tuple] = ()):
        self._set: set[tuple] = set(triples)

    def add(self, t: tuple) -> None:
        self._set.add(t)

    def update(self, other: Iterable[tuple]) -> None:
        self._set.update(other)

    def __len__(self) -> int:
        return len(self._set)

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._set)

    def __contains__(self, t: object) -> bool:
        return t in self._set

    def quads(self, graph: str | None = None) -> Iterator:
        """The triples as pyoxigraph quads in ``graph`` (``None``: the default graph)."""
        return to_quads(self._set, graph)

    def ntriples(self) -> bytes:
        """The triples as N-Triples (pyoxigraph's serialiser: escaping as the standard says)."""
        import pyoxigraph as ox

        return ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in self.quads()],
                            format=ox.RdfFormat.N_TRIPLES)

    def to_rdflib(self):
        """The same triples as an rdflib ``Graph`` (parsed from N-Triples)."""
        from rdflib import Graph

        g = Graph()
        g.parse(data=self.ntriples().decode("utf-8"), format="nt")
        return g


class TripleStream:
    """Triples made on demand by ``make(tick)`` each time they are read: re-iterable, never held
    whole. ``make`` calls ``tick()`` (when given) once per record of the ``total`` it reads, for
    progress. ``len()`` makes them all once to count the distinct ones (tests, small inputs)."""

    def __init__(self, make, total: int | None = None):
        self._make = make
        self.total = total

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._make(None))

    def __len__(self) -> int:
        return len(set(self._make(None)))

    def quads(self, graph: str | None = None, tick=None) -> Iterator:
        return to_quads(self._make(tick), graph)

    def ntriples(self) -> bytes:
        return Triples(self).ntriples()

    def to_rdflib(self):
        return Triples(self).to_rdflib()


def to_quads(triples: Iterable[tuple], graph: str | None = None) -> Iterator:
    """pyoxigraph quads of (s, p, o) triples, in ``graph`` (``None``: the default graph)."""
    import pyoxigraph as ox

    nodes: dict[str, object] = {}
    datatypes: dict[str, object] = {}
    g = ox.NamedNode(graph) if graph else ox.DefaultGraph()

    def node(iri: str):
        n = nodes.get(iri)
        if n is None:
            if len(nodes) > 100_000:
                nodes.clear()
            n = nodes[iri] = ox.NamedNode(iri)
        return n

    for s, p, o in triples:
        if isinstance(o, Lit):
            if o.datatype is None:
                obj = ox.Literal(o.lexical)
            else:
                dt = datatypes.get(o.datatype)
                if dt is None:
                    dt = datatypes[o.datatype] = ox.NamedNode(o.datatype)
                obj = ox.Literal(o.lexical, datatype=dt)
        else:
            obj = node(o)
        yield ox.Quad(node(s), node(p), obj, g)
