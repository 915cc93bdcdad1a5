"""Epoch AI's datasets (GPU clusters, data centres and their timelines, ML hardware), CC BY 4.0.

The source's four steps: :mod:`.read` (the CSV loaders, recognised by header, and the YAML tables
of reviewed names), :mod:`.check` (typed rows, names resolved against the curated records; notes
for curators), :mod:`.triples` (its named graph) and :data:`SOURCE`, what the registry
(:mod:`graph.sources`) holds. :mod:`.cells` reads Epoch's cells; :mod:`.rows` holds the typed rows.
"""

from __future__ import annotations

from ...records import Catalog
from ...vocab import source_graph
from .check import check
from .read import LOADERS, SECTIONS, YAML_SECTIONS
from .rows import EpochData


class EpochSource:
    name = "epoch"
    title = "Epoch AI"
    graph = source_graph(name)
    sections = SECTIONS
    loaders = LOADERS
    yaml_sections = YAML_SECTIONS

    @staticmethod
    def check(cat: Catalog, read, report) -> EpochData:
        return check(cat, read, report)

    @staticmethod
    def triples(cat: Catalog, part: EpochData | None):
        from .triples import epoch_graph

        return epoch_graph(cat, part or EpochData())

    @staticmethod
    def summary(cat: Catalog, part: EpochData | None) -> str:
        if part is None:
            return ""
        return part.summary(sum(1 for c in cat.companies.values() if c.from_epoch))


SOURCE = EpochSource()
