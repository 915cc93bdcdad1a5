"""Data sources: each one a folder with the same small interface, named in :data:`SOURCES`.

A source (see :class:`Source`) says which record sections it owns, which file loaders it adds
(files -> raw records with line numbers) and which YAML tables it keeps beside the curated lists;
``check`` turns its raw records into typed rows (every problem and note into the report), and
``triples`` turns those into the triples of its own named graph (:func:`graph.vocab.source_graph`).
The curated records come first: every other source refers to them. A source may add companies to
the catalog (Epoch AI: from names no record maps); its typed rows list them (``companies_made``)
and their triples are its own, not the curated records'.

A new source is one folder here and one line in :data:`SOURCES`; nothing else in the package
names it. ``sources=("curated",)`` (``--no-epoch``) uses the curated records only: every source's
files are still recognised and read, and the records of sources not chosen are dropped.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence

from ..errors import BadValue, Problem, Report
from ..loaders import Loader, ReadResult, find_files, read_paths
from ..loaders import loader_for as _loader_for
from ..records import Catalog
from . import curated, epoch


class Source(Protocol):
    name: str
    title: str
    graph: str  # the named graph holding its triples
    sections: Sequence[str]  # the record sections it owns
    loaders: Sequence[Loader]  # the file loaders it adds
    yaml_sections: dict  # top-level YAML tables it reads: key -> graph.loaders.yaml_records.Section

    def check(self, cat: Catalog, read: ReadResult, report: Report) -> Any: ...

    def triples(self, cat: Catalog, part: Any) -> Any: ...

    def summary(self, cat: Catalog, part: Any) -> str: ...


# The registry: name -> source, the curated records first.
SOURCES: dict[str, Source] = {
    "curated": curated.SOURCE,
    "epoch": epoch.SOURCE,
}
BASE = "curated"  # the source every other one refers to; always used


def chosen(names: Iterable[str] | None = None) -> list[Source]:
    """The sources to use, in registry order: every one (``None``), or those named plus the curated
    records. An unknown name is a :class:`BadValue` listing the known ones."""
    if names is None:
        return list(SOURCES.values())
    names = set(names)
    unknown = sorted(names - set(SOURCES))
    if unknown:
        raise BadValue(f"unknown data source {unknown[0]!r}", f"use one of: {', '.join(SOURCES)}")
    return [s for n, s in SOURCES.items() if n in names or n == BASE]


def all_loaders() -> list[Loader]:
    """Every source's loaders; the text loaders also read every source's YAML tables."""
    tables: dict = {}
    for s in SOURCES.values():
        tables.update(s.yaml_sections)
    out: list[Loader] = []
    for s in SOURCES.values():
        for ld in s.loaders:
            out.append(ld.with_sections(tables) if hasattr(ld, "with_sections") else ld)
    return out


def loader_for(path: Path) -> Loader | None:
    """The loader (of any source) that reads ``path``; None when no source reads it."""
    return _loader_for(path, all_loaders())


def iter_files(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[Problem]]:
    """The record files (of any source) under ``paths``, and the problems finding them."""
    found, problems = find_files(paths, all_loaders())
    return [f for f, _ in found], problems


def read(paths: Iterable[str | os.PathLike], sources: Sequence[Source]) -> ReadResult:
    """Read every record file under ``paths``; keep the records of ``sources``."""
    result = read_paths(paths, all_loaders())
    keep = {sec for s in sources for sec in s.sections}
    result.records = [r for r in result.records if r.section in keep]
    return result


def check(result: ReadResult, sources: Sequence[Source], *, known=None):
    """Validate: the curated records first (:func:`graph.validate.validate`), then each other
    source's check. Returns (``Validated``, {source name: its typed rows})."""
    from ..validate import validate

    parts: dict[str, Any] = {}

    def hook(source: Source):
        def run(cat: Catalog, read_: ReadResult, report: Report) -> None:
            parts[source.name] = source.check(cat, read_, report)
        return run

    curated = SOURCES[BASE].hooks(known)  # the curated records' own checks: publishers, links, searches
    validated = validate(result, [*(hook(s) for s in sources if s.name != BASE), *curated], known=known)
    return validated, parts


def graphs(cat: Catalog, parts: dict[str, Any], sources: Sequence[Source]) -> dict[str, Any]:
    """Each source's triples: {its named graph: its triples (:mod:`graph.terms`)}; the curated
    graph always, the others when they hold something."""
    import dataclasses

    made = {cid for part in parts.values() for cid in getattr(part, "companies_made", ())}
    out = {}
    for s in sources:
        mine = set(getattr(parts.get(s.name), "companies_made", ()))
        own = cat if not made - mine else dataclasses.replace(
            cat, companies={k: c for k, c in cat.companies.items() if k not in made - mine})
        g = s.triples(own, parts.get(s.name))
        if s.name == BASE or len(g):
            out[s.graph] = g
    return out


def summary(cat: Catalog, parts: dict[str, Any], sources: Sequence[Source]) -> str:
    """What the sources beyond the curated records added, for ``validate``'s summary line."""
    return "; ".join(t for t in (s.summary(cat, parts.get(s.name)) for s in sources) if t)
