"""The curated records: companies, facilities and deals in YAML, JSON or CSV (``data/*.yaml``).

Read by the format loaders of :mod:`graph.loaders`; checked by :func:`graph.validate.validate`,
which types the curated sections first since every other source refers to them (so this source's
own ``check`` adds nothing, and its ``hooks`` check sources against the publisher registry and
the deal links and primary-source searches); turned into triples by :class:`graph.triples.TripleBuilder`.
"""

from __future__ import annotations

from ...loaders import LOADERS, SECTIONS
from ...records import Catalog
from ...vocab import source_graph


class CuratedSource:
    name = "curated"
    title = "curated records"
    graph = source_graph(name)
    sections = (*SECTIONS, "publishers")  # and the publisher registry (data/publishers.yaml)
    loaders = tuple(LOADERS.values())
    yaml_sections: dict = {}

    @staticmethod
    def check(cat: Catalog, read, report) -> None:
        return None  # graph.validate.validate typed and checked these sections

    @staticmethod
    def hooks(known=None) -> list:
        """The checks that run once the records are typed: every source against the publisher
        registry (graph.publishers), deal links and primary-source searches (graph.trust)."""
        from ...publishers import check_publishers
        from ...trust import hooks as trust_hooks

        return [check_publishers, *trust_hooks(known)]

    @staticmethod
    def triples(cat: Catalog, part: None = None):
        from ...terms import TripleStream
        from ...triples import TripleBuilder

        # Made record by record as the store takes them; the registry left out the companies
        # other sources made.
        return TripleStream(lambda tick: TripleBuilder().records(cat, tick),
                            total=len(cat.companies) + len(cat.facilities) + len(cat.deals))

    @staticmethod
    def summary(cat: Catalog, part: None) -> str:
        return ""


SOURCE = CuratedSource()
