"""Serialise a store's graph: Turtle, N-Triples, N-Quads, TriG (pyoxigraph) or JSON-LD (rdflib).

Output is sorted so that a rebuild from the same records gives the same bytes.
"""

from __future__ import annotations

from .choices import RDF_FORMATS
from .vocab import ONTOLOGY_GRAPH, PREFIXES

__all__ = ["RDF_FORMATS", "export_rdf"]


def _quads(store, with_ontology: bool):
    import pyoxigraph as ox

    quads = [q for q in ox.parse(store.dump_nquads(), format=ox.RdfFormat.N_QUADS)
             if with_ontology or getattr(q.graph_name, "value", None) != ONTOLOGY_GRAPH]
    quads.sort(key=lambda q: (str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)))
    return quads


def export_rdf(store, fmt: str, *, with_ontology: bool = False) -> bytes:
    import pyoxigraph as ox

    quads = _quads(store, with_ontology)
    if fmt in ("nq", "trig"):
        f = ox.RdfFormat.N_QUADS if fmt == "nq" else ox.RdfFormat.TRIG
        kwargs = {"prefixes": dict(PREFIXES)} if fmt == "trig" else {}
        return ox.serialize(quads, format=f, **kwargs)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads},
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if fmt == "nt":
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if fmt == "turtle":
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
    if fmt == "jsonld":
        from rdflib import Graph

        g = Graph()
        g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
        context = {p: iri for p, iri in PREFIXES.items()}
        return g.serialize(format="json-ld", context=context, indent=2, sort_keys=True).encode("utf-8")
    raise ValueError(f"unknown RDF format {fmt!r}")
