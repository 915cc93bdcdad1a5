"""The pipeline: record files -> validate -> triples -> store -> SHACL shapes.

``compile_paths`` validates the records and is only called when a store must be (re)built (the
compiled-store cache that avoids it is :mod:`graph.cache`); ``fill_store`` streams the triples
into a store no reader sees yet and checks the shapes there, by SPARQL.
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
    """A validated catalog and its triples, ready to load.

    ``graphs`` maps each source's named graph to its triples: the curated records' as a
    :class:`~graph.terms.TripleStream` made record by record as the store takes them (never held
    whole), other sources' as small :class:`~graph.terms.Triples` sets. ``graph`` is their union,
    made (and kept) only when asked for: by ``validate``'s count and by tests, not by loads.
    """

    catalog: object
    graphs: dict
    _union: object
    report: Report
    summary: str = ""  # what sources beyond the curated records added (for `validate`)

    @property
    def graph(self):
        if self._union is None:
            from .triples import union

            self._union = union(self.graphs)
        return self._union


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
    """Validate records and make each source's triples (lazily: see :class:`Compiled`).

    ``sources`` names the data sources to use (:mod:`graph.sources`; default: all). With
    ``shacl``, the triples are also checked against the SHACL shapes now, in a scratch store;
    loads pass ``shacl=False`` and check the store they fill instead (:func:`fill_store`).
    Raises :class:`ValidationFailed` with every problem when anything is wrong.
    """
    from .sources import graphs as source_graphs
    from .sources import summary

    progress("reading and validating records")
    chosen = _sources(sources, epoch)
    validated, parts = _read_and_check(paths, chosen, known)
    if validated.report.problems:
        raise ValidationFailed(validated.report.problems)
    compiled = Compiled(validated.catalog, source_graphs(validated.catalog, parts, chosen), None,
                        validated.report, summary(validated.catalog, parts, chosen))
    if shacl:
        scratch = OxigraphStore()
        if known:
            scratch.add_quads(_known_types(known).quads("urn:computekg:known"))
        fill_store(scratch, compiled, bulk=True, check=True, where=_where(paths), progress=progress)
        scratch.close()
    return compiled


def _where(paths) -> str:
    return ", ".join(str(p) for p in paths)


def _known_types(known):
    """For a batch checked apart from the store it goes on: type what it refers to that the store
    already holds, so the shapes' sh:class checks see it (for the check only, never loaded)."""
    from .terms import IRI, RDF, Literal, Triples
    from .vocab import CKG, PREFIXES, facility_iri

    out = Triples()
    name = IRI(PREFIXES["schema"] + "name")
    for section, cls, mint in (("companies", CKG.Company, company_iri), ("facilities", CKG.Facility, facility_iri)):
        for rid, _ in known.get(section, []):
            out.add((IRI(mint(rid)), RDF.type, IRI(cls)))
            out.add((IRI(mint(rid)), name, Literal(rid)))
    return out


def graph_ntriples(g) -> bytes:
    return g.ntriples()


def fill_store(store: OxigraphStore, compiled: Compiled, *, bulk: bool = False, check: bool = False,
               where: str = "<records>", progress: Progress = _noop) -> None:
    """Load each data source's triples into its own named graph (:mod:`graph.sources`), then the
    ontology and the derived relations (named graphs too); with ``check``, then check the SHACL
    shapes on what the store holds (:mod:`graph.shapes_sparql`, SPARQL run by the store) and
    raise :class:`ValidationFailed` if anything breaks them: callers fill a store no reader sees
    yet (a new generation, a cache entry being built, a scratch store), so nothing is published.

    Queries read the union of the graphs (lookups too: pyoxigraph answers them on the union as
    fast as on one graph; bench/README.md); the store keeps the sources apart so that one can be
    replaced alone. Each node also says where it comes from by ``prov:wasDerivedFrom``.
    """
    from .progress import counter

    for name, g in sorted(compiled.graphs.items()):
        total = getattr(g, "total", None)
        if total:
            quads = g.quads(name, tick=counter(progress, "loading records into the store", total))
        else:
            quads = g.quads(name)
        store.add_quads(quads, bulk=bulk)
    load_ontology(store)
    derive(store)
    if check:
        progress("checking the SHACL shapes")
        from .shapes_sparql import check_store

        problems = check_store(store, where=where)
        if problems:
            raise ValidationFailed(problems)


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
