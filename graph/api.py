"""The Python API: one object to hold on to, :func:`open` -> :class:`KnowledgeGraph`.

Every read the command line and the pages make is a method here, returning the frozen
dataclasses of :mod:`graph.models`; the CLI only parses options, calls one method and formats
the answer. The rules (deal selection, the roll-up, did-you-mean, wording of figures) live in
the layers below (:mod:`graph.select`, :mod:`graph.suggest`, :mod:`graph.figures`); nothing here
decides anything on its own.

>>> import graph
>>> kg = graph.open()                                   # the bundled data, compiled and cached
>>> report = kg.company("xAI", as_of="2027-01-01")
>>> report.company.name, sorted(d.id for d in report.deals)[:1]
('xAI', ['anthropic-xai-colossus-1'])
"""

from __future__ import annotations

import datetime as _dt
import os
from typing import Any, Callable, Iterable, Sequence

from .errors import BadValue, UnknownName
from .models import Company, CompanyReport, Deal
from .store import Store

__all__ = ["open", "KnowledgeGraph", "named_queries"]


def named_queries() -> list:
    """The named queries users can run (``computekg query --list``), each with its summary and
    parameters."""
    from .query import user_queries

    return user_queries()


def _date(value: _dt.date | str | None) -> _dt.date | None:
    """A date from a ``date`` or text (``2027-01-01``, or a partial ``2027-01``: its first day)."""
    if value is None or isinstance(value, _dt.date):
        return value
    from .dates import parse_as_of

    try:
        return parse_as_of(str(value))
    except ValueError as exc:
        raise BadValue(str(exc), "give a date as YYYY-MM-DD") from None


def open(data: str | os.PathLike | Sequence[str | os.PathLike] | None = None, *,  # noqa: A001 - like io.open
         store: str | os.PathLike | Store | None = None, sources: Sequence[str] | None = None,
         progress: Callable[[str], None] | None = None) -> "KnowledgeGraph":
    """Open the knowledge graph.

    ``data``: record files or folders (default: the bundled ``data/``), compiled into a cached
    store; or ``store``: a store folder filled by ``computekg --store DIR load``, a SPARQL 1.1
    endpoint URL, or a :class:`~graph.store.Store` object. ``sources`` names the data sources to
    use (``("curated",)`` for the curated records only; default: every source the data holds).
    The store is opened on first use.
    """
    if data is not None and store is not None:
        raise BadValue("give either data= (record files) or store= (a store), not both")
    paths = None if data is None else ([data] if isinstance(data, (str, os.PathLike)) else list(data))
    return KnowledgeGraph(paths=paths, store=store, sources=tuple(sources) if sources is not None else None,
                          progress=progress)


def _cached_store(paths, sources, progress):
    from .cache import cached_store

    kwargs: dict[str, Any] = {"progress": progress} if progress else {}
    return cached_store(paths, sources=sources, **kwargs)


class KnowledgeGraph:
    """The graph's read side: companies, deals, SPARQL, paths, cycles, rankings, facilities,
    views and exports. Create it with :func:`graph.open`."""

    def __init__(self, *, paths=None, store=None, sources=None, progress=None):
        self._paths, self._location, self.sources, self._progress = paths, store, sources, progress
        self._store: Store | None = store if store is not None and hasattr(store, "query") else None

    # ------------------------------------------------------------------ the store

    @property
    def store(self) -> Store:
        """The store answering (opened on first use)."""
        if self._store is None:
            if self._location is not None:
                from .remote import open_store

                self._store = open_store(self._location, read_only=True)
            else:
                self._store = _cached_store(self._paths, self.sources, self._progress)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> "KnowledgeGraph":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ companies and deals

    def companies(self) -> tuple[Company, ...]:
        """Every company (id, name, aliases, kind, parent and since when, country), by id."""
        from .lookup import company_index

        return tuple(Company.from_row(c) for c in company_index(self.store))

    def resolve(self, name: str) -> Company:
        """The company a name, id or alias means (any case); UnknownName with suggestions."""
        from .lookup import company_index, resolve_company

        cid = resolve_company(self.store, name)["id"]
        return next(Company.from_row(c) for c in company_index(self.store) if c["id"] == cid)

    def company(self, name: str, *, as_of: _dt.date | str | None = None, roll_up: bool = False,
                sites: bool = True) -> CompanyReport:
        """Every deal a company takes part in, with its role and counterparties; with ``roll_up``
        its subsidiaries' deals too, by the roll-up rule; then (without ``as_of``) the sites it
        owns or uses according to Epoch AI."""
        from .lookup import company_deals, company_index, resolve_company, subsidiaries
        from .output import public_deal

        on = _date(as_of)
        found = resolve_company(self.store, name)
        group = subsidiaries(self.store, found["id"], as_of=on) if roll_up else company_index(self.store, found["iri"])
        _, deals = company_deals(self.store, name, as_of=on, companies=group if roll_up else None)
        site_rows: list[dict] = []
        if sites and on is None:
            from .facilities import facilities_of

            site_rows = facilities_of(self.store, group)
        return CompanyReport(company=Company.from_row(group[0]), group=tuple(Company.from_row(c) for c in group),
                             as_of=on, roll_up=roll_up, deal_rows=tuple(public_deal(d) | {"_dates": (
                                 d["start_date"], d["end_date"])} for d in deals), site_rows=tuple(site_rows))

    def deals(self, *, provider: str | None = None, customer: str | None = None, party: str | None = None,
              kind: str | None = None, status: str | None = None, kinds: Iterable[str] | str | None = None,
              statuses: Iterable[str] | str | None = None, as_of: _dt.date | str | None = None) -> tuple[Deal, ...]:
        """Deals by filter (companies by id, name or alias), sorted by id: the one selection
        rule of :func:`graph.select.select_deals`."""
        from .lookup import fetch_deals, resolve_company
        from .select import select_deals

        ids = {k: resolve_company(self.store, v)["id"] if v else None
               for k, v in (("provider", provider), ("customer", customer), ("party", party))}
        rows = select_deals(fetch_deals(self.store), kind=kind, status=status, kinds=kinds, statuses=statuses,
                            as_of=_date(as_of), **ids)
        return tuple(Deal.from_row(d) for d in rows)

    def deal(self, deal_id: str) -> Deal:
        """One deal by id (any case); UnknownName with did-you-mean. Its ``role`` is unset."""
        from .lookup import fetch_deals
        from .suggest import ids_for

        deals = {d["id"]: d for d in fetch_deals(self.store)}
        key = deal_id.strip()
        found = deals.get(key) or next((d for i, d in deals.items() if i.lower() == key.lower()), None)
        if found is None:
            raise UnknownName("deal", deal_id, ids_for(deal_id, ((i, i) for i in deals)))
        return Deal.from_row(found)

    def superseded_by(self, deal_id: str) -> tuple[str, ...]:
        """The ids of the deals that say they supersede ``deal_id``."""
        from .lookup import fetch_deals

        return tuple(d["id"] for d in fetch_deals(self.store) if d["supersedes"] == deal_id)

    def stats(self) -> dict[str, Any]:
        """Coverage: counts by kind, status and year, primary-source share, missing fields."""
        from .lookup import stats

        return stats(self.store)

    # ------------------------------------------------------------------ SPARQL

    def query(self, sparql: str, params: dict[str, Any] | None = None, *, allow_service: bool = False,
              timeout: float | None = None) -> QueryResult:
        """Run SPARQL text or a named query (see ``computekg query --list``), binding ``params``
        as literals (never pasted into the text)."""
        from . import query as q
        from .answers import QueryResult
        from .store import Rows

        bindings = dict(params or {})
        if q.looks_like_query(sparql):
            text = sparql
        else:
            named = q.get(sparql)
            text = named.text
            bindings = q.check_params(named, bindings)
        q.check_read_query(text, allow_service=allow_service)
        result = q.run(self.store, text, bindings, timeout=timeout)
        if isinstance(result, bool):
            return QueryResult("ask", boolean=result)
        if isinstance(result, Rows):
            return QueryResult("select", variables=tuple(result.variables), rows=tuple(result.rows))
        return QueryResult("graph", triples=tuple(result))

    # ------------------------------------------------------------------ relationship analytics

    def path(self, a: str, b: str, *, max_hops: int = 4, kinds: Iterable[str] | str | None = None,
             as_of: _dt.date | str | None = None, limit: int = 20) -> tuple[Hop, ...]:
        """The shortest chains of deals linking two companies, one :class:`Hop` per hop and
        deal; NoPath when none is within ``max_hops``."""
        from .analytics import paths
        from .answers import Hop

        rows = paths(self.store, a, b, max_hops=max_hops, kinds=kinds, as_of=_date(as_of), limit=limit)
        return tuple(Hop.from_row(r) for r in rows)

    def cycles(self, *, roll_up: bool = False, kinds: Iterable[str] | str | None = None,
               as_of: _dt.date | str | None = None, max_length: int = 6, limit: int = 100) -> Cycles:
        """Circular chains of money (payer -> payee), shortest first."""
        from .analytics import cycles
        from .answers import Cycle, Cycles

        found = cycles(self.store, roll_up=roll_up, kinds=kinds, as_of=_date(as_of), max_length=max_length,
                       limit=limit)
        return Cycles(cycles=tuple(Cycle.from_row(c) for c in found.cycles), truncated=found.truncated,
                      max_length=found.max_length, limit=found.limit)

    def rank(self, *, by: str, role: str, kinds: Iterable[str] | str | None = None,
             as_of: _dt.date | str | None = None, roll_up: bool = False, currency: str = "USD") -> tuple[RankRow, ...]:
        """A league table of providers or customers by MW, money or number of deals."""
        from .analytics import rank
        from .answers import RankRow

        rows = rank(self.store, by=by, role=role, kinds=kinds, as_of=_date(as_of), roll_up=roll_up,
                    currency=currency)
        return tuple(RankRow.from_row(r) for r in rows)

    # ------------------------------------------------------------------ facilities

    def facilities(self) -> tuple[dict[str, Any], ...]:
        """Every facility (curated and Epoch AI's), as rows for ``computekg facilities``."""
        from .facilities import facilities_list

        return tuple(facilities_list(self.store))

    def facility(self, name: str, *, as_of: _dt.date | str | None = None) -> FacilityReport:
        """One facility: facts, sources, GPU clusters, users, deals, capacity timeline."""
        from .answers import FacilityReport
        from .facilities import facility_report

        return FacilityReport.from_row(facility_report(self.store, name, as_of=_date(as_of)))

    # ------------------------------------------------------------------ views and exports

    def view(self, names: Sequence[str] = (), *, depth: int = 1, kinds: Iterable[str] | str | None = None,
             statuses: Iterable[str] | str | None = None, as_of: _dt.date | str | None = None,
             roll_up: bool = False, color_by: str = "kind", size_by: str = "mw", max_nodes: int | None = 300,
             title: str | None = None) -> View:
        """An interactive view: ``.html()`` is the page of ``computekg viz``, ``.write(path)`` writes it."""
        from .answers import View
        from .render import build_view

        v = build_view(self.store, [names] if isinstance(names, str) else list(names), depth=depth, kinds=kinds,
                       statuses=statuses, as_of=_date(as_of), roll_up=roll_up, color_by=color_by,
                       size_by=size_by, max_nodes=max_nodes, title=title)
        return View.from_row(v)

    def export(self, *, rdf_format: str | None = None, graph_format: str | None = None,
               with_ontology: bool = False, kinds: Iterable[str] | str | None = None,
               as_of: _dt.date | str | None = None, roll_up: bool = False) -> bytes:
        """The whole graph as RDF (sorted; default Turtle), or with ``graph_format`` the company
        graph (GraphML, GEXF or node-link JSON)."""
        from .choices import GRAPH_FORMATS, RDF_FORMATS
        from .select import check_choice

        if graph_format and (rdf_format or with_ontology):
            raise BadValue("--graph-format writes the company graph, not RDF",
                           "give either --graph-format or --rdf-format/--with-ontology")
        if graph_format:
            from .analytics import export_graph

            check_choice(graph_format, GRAPH_FORMATS, "graph format")
            return export_graph(self.store, graph_format, kinds=kinds, as_of=_date(as_of), roll_up=roll_up)
        from .export import export_rdf

        check_choice(rdf_format or "turtle", RDF_FORMATS, "RDF format")
        return export_rdf(self.store, rdf_format or "turtle", with_ontology=with_ontology)
