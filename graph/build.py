"""The pipeline: record files -> validate -> triples -> SHACL -> store.

``compile_paths`` does the heavy part (rdflib, pySHACL) and is only called when a store must be
(re)built; the compiled-store cache that avoids it is :mod:`graph.cache`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Sequence

from .errors import Report, ValidationFailed
from .ontology import ONTOLOGY_FILE
from .store import OxigraphStore
from .vocab import DERIVED_GRAPH, ONTOLOGY_GRAPH, company_iri

Progress = Callable[[str], None]


def _noop(_: str) -> None:
    pass


@dataclass
class Compiled:
    """A validated catalog and its triples, ready to load."""

    catalog: object
    graphs: dict  # a source's named graph IRI -> graph.terms.Triples (graph.sources)
    graph: object  # their union (graph.terms.Triples), as checked by SHACL
    report: Report
    summary: str = ""  # what sources beyond the curated records added (for `validate`)


def _sources(sources: Sequence[str] | None, epoch: bool | None):
    """The sources chosen. ``epoch=False`` is the older spelling of ``sources=("curated",)`` (kept:
    store folders record the options they were loaded with)."""
    from .sources import BASE, chosen

    if sources is None and epoch is False:
        sources = (BASE,)
    return chosen(sources)


def _read_and_check(paths, sources, known):
    from .sources import check, read

    return check(read(paths, sources), sources, known=known)


def read_and_validate(paths: Sequence[str | os.PathLike], *, sources: Sequence[str] | None = None,
                      epoch: bool | None = None, known=None):
    """Read record files and validate them (no triples yet). Returns ``Validated``."""
    validated, _ = _read_and_check(paths, _sources(sources, epoch), known)
    return validated


def compile_paths(paths: Sequence[str | os.PathLike], *, sources: Sequence[str] | None = None,
                  epoch: bool | None = None, shacl: bool = True, progress: Progress = _noop, known=None) -> Compiled:
    """Validate records, build each source's triples and check the SHACL shapes.

    ``sources`` names the data sources to use (:mod:`graph.sources`; default: all).
    Raises :class:`ValidationFailed` with every problem when anything is wrong.
    """
    from .sources import graphs as source_graphs
    from .sources import summary

    progress("reading and validating records")
    chosen = _sources(sources, epoch)
    validated, parts = _read_and_check(paths, chosen, known)
    if validated.report.problems:
        raise ValidationFailed(validated.report.problems)
    progress("building triples")
    from .triples import union

    graphs = source_graphs(validated.catalog, parts, chosen)
    g = union(graphs)
    if shacl:
        progress(f"checking SHACL shapes on {len(g)} triples")
        from .shacl import check

        where = ", ".join(str(p) for p in paths)
        problems = check(_with_known_types(g, known), where=where)
        if problems:
            raise ValidationFailed(problems)
    return Compiled(validated.catalog, graphs, g, validated.report, summary(validated.catalog, parts, chosen))


def _with_known_types(g, known):
    """For a batch loaded on top of a store: type what it refers to that the store already holds,
    so the shapes' sh:class checks see it (these triples are for the check only, not loaded)."""
    if not known:
        return g
    from .terms import IRI, RDF, Literal, Triples
    from .vocab import CKG, PREFIXES, facility_iri

    out = Triples(g)
    name = IRI(PREFIXES["schema"] + "name")
    for section, cls, mint in (("companies", CKG.Company, company_iri), ("facilities", CKG.Facility, facility_iri)):
        for rid, _ in known.get(section, []):
            out.add((IRI(mint(rid)), RDF.type, IRI(cls)))
            out.add((IRI(mint(rid)), name, Literal(rid)))
    return out


def graph_ntriples(g) -> bytes:
    return g.ntriples()


def fill_store(store: OxigraphStore, compiled: Compiled, *, bulk: bool = False) -> None:
    """Load each data source's triples into its own named graph (:mod:`graph.sources`), then the
    ontology and the derived relations (named graphs too).

    Queries read the union of the graphs (lookups too: pyoxigraph answers them on the union as
    fast as on one graph; bench/README.md); the store keeps the sources apart so that one can be
    replaced alone. Each node also says where it comes from by ``prov:wasDerivedFrom``.
    """
    for name, g in sorted(compiled.graphs.items()):
        store.add_quads(g.quads(name), bulk=bulk)
    load_ontology(store)
    derive(store)


def load_ontology(store: OxigraphStore) -> None:
    """(Re)load the ontology into its named graph, parsed by the store's own Turtle parser."""
    store.update(f"DROP SILENT GRAPH <{ONTOLOGY_GRAPH}>")
    store.load_turtle(ONTOLOGY_FILE.read_bytes(), ONTOLOGY_GRAPH)


def derive(store: OxigraphStore) -> None:
    """(Re)materialise the derived relations from the CONSTRUCT queries in ``queries/derive-*.rq``."""
    from .query import derive_queries

    store.update(f"DROP SILENT GRAPH <{DERIVED_GRAPH}>")
    lines: list[str] = []
    for text in derive_queries():
        lines.extend(store.query(text))  # CONSTRUCT gives N-Triples lines
    if lines:
        store.load_ntriples(("\n".join(sorted(set(lines))) + "\n").encode("utf-8"), DERIVED_GRAPH)


# ---------------------------------------------------------------------------- persistent stores

def _existing_names(store: OxigraphStore):
    """What a store already holds, so a new batch may refer to it (and not redefine it)."""
    from .query import run_named

    from .vocab import CKG, DEAL_KINDS, notation

    rows = run_named(store, "_existing-names")
    known: dict[str, list] = {"companies": [], "facilities": [], "deals": []}
    for r in rows:
        t = r["type"].value
        section = ("companies" if t == CKG.Company else "facilities" if t == CKG.Facility
                   else "deals" if notation(t) in DEAL_KINDS and t.startswith(CKG.base) else None)
        if section:
            known[section].append((r["id"], [n for n in (r["names"] or "").split("\x1f") if n]))
    return known
