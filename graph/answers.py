"""The typed answers of :mod:`graph.api` beyond companies and deals: paths, cycles, rankings,
SPARQL results, facility reports and views (frozen dataclasses; see :mod:`graph.models`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .models import Record

# ---------------------------------------------------------------------------- analytics

@dataclass(frozen=True)
class Hop(Record):
    """One hop of a path and one deal behind it (``direction``: ``->`` money flows from ``from_``
    to ``to``, ``<-`` the other way, ``--`` a joint venture)."""

    path: int
    hop: int
    from_: str
    to: str
    deal: str
    kind: str
    direction: str
    relation: str
    mw: Mapping | None = None
    money: Mapping | None = None
    date: str | None = None
    status: str | None = None
    source: str | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class CycleDeal(Record):
    id: str
    kind: str
    payer: str
    payee: str
    money: Mapping | None = None
    mw: Mapping | None = None
    date: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class CycleStep(Record):
    from_: str
    to: str
    deals: tuple[CycleDeal, ...] = ()


@dataclass(frozen=True)
class Cycle(Record):
    cycle: int
    length: int
    companies: tuple[str, ...]
    steps: tuple[CycleStep, ...]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "Cycle":
        steps = tuple(CycleStep(from_=s["from"], to=s["to"], deals=tuple(CycleDeal(**d) for d in s["deals"]))
                      for s in row["steps"])
        return cls(row["cycle"], row["length"], tuple(row["companies"]), steps)


@dataclass(frozen=True)
class Cycles(Record):
    """``kg.cycles()``: the cycles found, and whether the search stopped at ``limit``."""

    cycles: tuple[Cycle, ...]
    truncated: bool = False
    max_length: int = 6
    limit: int = 0


@dataclass(frozen=True)
class RankRow(Record):
    rank: int
    company: str
    name: str
    total: float
    unit: str
    deals: int
    qualified: int
    missing: int
    includes: tuple[str, ...] = ()


# ---------------------------------------------------------------------------- other answers

@dataclass(frozen=True)
class QueryResult(Record):
    """``kg.query()``: SELECT rows (``variables``, ``rows``), an ASK ``boolean``, or the
    N-Triples lines of a CONSTRUCT/DESCRIBE (``triples``)."""

    form: str  # "select", "ask" or "graph"
    variables: tuple[str, ...] = ()
    rows: tuple[Mapping[str, Any], ...] = ()
    boolean: bool | None = None
    triples: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.rows) if self.form == "select" else len(self.triples)


@dataclass(frozen=True)
class FacilityReport(Record):
    """``kg.facility(name)``: facts, sources, GPU clusters housed, users, deals, capacity
    timeline and (with ``as_of``) the capacity on that date."""

    facility: Mapping[str, Any]
    sources: tuple = ()
    clusters: tuple = ()
    users: tuple = ()
    deals: tuple = ()
    timeline: tuple = ()
    as_of: Mapping[str, Any] | None = None

    @property
    def id(self) -> str:
        return self.facility["id"]

    @property
    def name(self) -> str:
        return self.facility["name"]


@dataclass(frozen=True)
class View(Record):
    """``kg.view()``: an interactive view's data; ``html()`` is the page, ``write(path)`` writes it."""

    nodes: tuple
    edges: tuple
    deals: Mapping[str, Any]
    meta: Mapping[str, Any]

    def html(self) -> str:
        from .page import render_html

        return render_html(self.as_dict())

    def write(self, path) -> Any:
        from .page import write_html

        return write_html(self.as_dict(), path)
