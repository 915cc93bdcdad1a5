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


# ---------------------------------------------------------------------------- streaming (bounded memory)
#
# ``export_rdf`` holds every quad (as text, then as terms) to sort them. The writers below give
# the same triples in the same order (subjects sorted as text, then each subject's triples) but
# hold only the list of subjects: each subject's triples are read from the store's index when
# they are written. They need a pyoxigraph store (``store._store``); other stores fall back to
# ``export_rdf``.

STREAM_FORMATS = ("turtle", "nt", "jsonld")


def _ox(store):
    return getattr(store, "_store", None)


def sorted_subjects(store) -> list:
    """Every subject outside the ontology graph, sorted as ``export_rdf`` sorts them (as text)."""
    import pyoxigraph as ox

    onto = ox.NamedNode(ONTOLOGY_GRAPH)
    subjects = {q.subject for q in _ox(store).quads_for_pattern(None, None, None) if q.graph_name != onto}
    return sorted(subjects, key=str)


def triples_of(store, subject) -> list:
    """One subject's triples (every graph but the ontology's, each triple once), sorted."""
    import pyoxigraph as ox

    onto = ox.NamedNode(ONTOLOGY_GRAPH)
    ts = {ox.Triple(q.subject, q.predicate, q.object)
          for q in _ox(store).quads_for_pattern(subject, None, None) if q.graph_name != onto}
    return sorted(ts, key=lambda t: (str(t.predicate), str(t.object)))


def iter_triples(store, subjects=None):
    """Every triple of ``export_rdf``'s output, in its order, one subject at a time."""
    for s in subjects if subjects is not None else sorted_subjects(store):
        yield from triples_of(store, s)


def write_rdf(store, fmt: str, out, *, subjects=None) -> None:
    """Write ``export_rdf(store, fmt)`` to the binary file ``out``, holding one subject's triples
    at a time (Turtle and N-Triples: the same bytes; JSON-LD: the same graph, see
    :func:`write_jsonld`). ``subjects`` (from :func:`sorted_subjects`) saves a pass over the store."""
    import pyoxigraph as ox

    if fmt not in STREAM_FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}")
    if _ox(store) is None:  # not a pyoxigraph store: whole, as export_rdf does
        out.write(export_rdf(store, fmt))
        return
    if fmt == "jsonld":
        write_jsonld(store, out, subjects=subjects)
        return
    kwargs = {"prefixes": dict(PREFIXES)} if fmt == "turtle" else {}
    f = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
    ox.serialize(iter_triples(store, subjects), output=out, format=f, **kwargs)


_NATIVE = {"http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#boolean"}
_STRING = "http://www.w3.org/2001/XMLSchema#string"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _compact(iri: str) -> str:
    """``ckg:Deal`` for an IRI in a prefix's namespace whose local part has no ``/`` or ``#``."""
    for p, ns in PREFIXES.items():
        if iri.startswith(ns):
            local = iri[len(ns):]
            if local and not any(c in local for c in "/#:") and not local.startswith("_"):
                return f"{p}:{local}"
    return iri


def _node_ref(term) -> str:
    import pyoxigraph as ox

    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _json_value(o):
    import pyoxigraph as ox

    if isinstance(o, ox.Literal):
        dt = o.datatype.value
        if o.language:
            return {"@language": o.language, "@value": o.value}
        if dt == _STRING:
            return o.value
        if dt in _NATIVE:
            if dt.endswith("boolean") and o.value in ("true", "false"):
                return o.value == "true"
            if dt.endswith("integer"):
                try:
                    return int(o.value)
                except ValueError:
                    pass
        return {"@type": _compact(dt), "@value": o.value}
    ref = _node_ref(o)
    return {"@id": _compact(ref) if isinstance(o, ox.NamedNode) else ref}


def write_jsonld(store, out, *, subjects=None) -> None:
    """The graph as JSON-LD (``@context`` of the prefixes, one ``@graph`` node per subject, sorted),
    written one subject at a time: rdflib's serializer needs the whole graph in memory.
    Integers and booleans are JSON numbers and booleans; other typed literals keep their lexical
    form, so parsing the file gives back the same triples."""
    import json

    import pyoxigraph as ox

    context = {p: iri for p, iri in PREFIXES.items()}
    head = json.dumps({"@context": context}, indent=2, sort_keys=True, ensure_ascii=False)
    out.write((head[:-2] + ',\n  "@graph": [').encode("utf-8"))
    first = True
    for s in subjects if subjects is not None else sorted_subjects(store):
        node: dict = {"@id": _node_ref(s)}
        for t in triples_of(store, s):
            p = t.predicate.value
            if p == _TYPE and isinstance(t.object, ox.NamedNode):
                node.setdefault("@type", []).append(_compact(t.object.value))
            else:
                node.setdefault(_compact(p), []).append(_json_value(t.object))
        node = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in node.items()}
        text = json.dumps(node, indent=2, sort_keys=True, ensure_ascii=False).replace("\n", "\n    ")
        out.write(((",\n    " if not first else "\n    ") + text).encode("utf-8"))
        first = False
    out.write(("\n  ]\n}" if not first else "]\n}").encode("utf-8"))
