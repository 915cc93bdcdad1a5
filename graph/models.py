"""The typed answers of the Python API (:mod:`graph.api`): frozen dataclasses, not dicts.
Companies and deals here (the lookup path); paths, cycles, rankings, query results, facility
reports and views in :mod:`graph.answers`, loaded only by the methods that return them.

Each has ``as_dict()``, the plain form written by ``--format json`` (the same keys, in the same
order, as the command line has always written), and is built from the lookup layer's rows by
``from_row``. Lists are tuples so that an answer cannot be changed by the code holding it.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, field as _field
from functools import cached_property
from typing import Any, Mapping

from .figures import figure

_INTERNAL = {"internal": True}
_OPTIONAL = {"optional": True}  # left out of as_dict() when None


def _plain(v: Any) -> Any:
    if isinstance(v, Record):
        return v.as_dict()
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if isinstance(v, Mapping):
        return {k: _plain(x) for k, x in v.items()}
    return v


def _frozen(v: Any) -> Any:
    """Lists (also inside dicts) as tuples, recursively."""
    if isinstance(v, list):
        return tuple(_frozen(x) for x in v)
    if isinstance(v, dict):
        return {k: _frozen(x) for k, x in v.items()}
    return v


class Record:
    """Mixin: ``as_dict()`` in field order; ``from_` names become ``from``."""

    def as_dict(self) -> dict[str, Any]:
        out = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.metadata.get("internal"):
                continue
            v = getattr(self, f.name)
            if v is None and f.metadata.get("optional"):
                continue
            out[f.name.rstrip("_")] = _plain(v)
        return out

    @classmethod
    def from_row(cls, row: Mapping[str, Any]):
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        kw = {}
        for name in names:
            key = name.rstrip("_")
            if key in row:
                kw[name] = _frozen(row[key])
        return cls(**kw)


# ---------------------------------------------------------------------------- deals

@dataclass(frozen=True)
class Value(Record):
    """One sourced value of a deal figure (``power_mw``, ``accelerators``, ``price``, ``total_value``).

    ``headline`` is the value shown; other values are what other sources say (a disputed figure).
    Only the keys of its field appear in ``as_dict()``.
    """

    field: str = _field(default="power_mw", metadata=_INTERNAL)
    headline: bool = True
    value: float | None = _field(default=None, metadata=_OPTIONAL)
    model: str | None = _field(default=None, metadata=_OPTIONAL)
    count: float | None = _field(default=None, metadata=_OPTIONAL)
    amount: float | None = _field(default=None, metadata=_OPTIONAL)
    currency: str | None = _field(default=None, metadata=_OPTIONAL)
    per: str | None = _field(default=None, metadata=_OPTIONAL)
    qualifier: str | None = None
    source: str | None = None

    def as_dict(self) -> dict[str, Any]:
        keys = {"power_mw": ("value",), "accelerators": ("model", "count"),
                "price": ("amount", "currency", "per"), "total_value": ("amount", "currency")}[self.field]
        return {"headline": self.headline, **{k: getattr(self, k) for k in keys},
                "qualifier": self.qualifier, "source": self.source}

    def text(self, *, style: str = "short") -> str:
        """The value in words: ``more than 300 MW``, ``$1.25B/month`` (``style="long"``: pages)."""
        return figure(self.as_dict(), self.field, style=style)


@dataclass(frozen=True)
class Source(Record):
    publisher: str | None
    title: str | None
    url: str | None
    date: str | None = None
    kind: str | None = None
    primary: bool = False


FIGURE_FIELDS = ("power_mw", "accelerators", "price", "total_value")


@dataclass(frozen=True)
class Deal(Record):
    """One deal. In a company's lookup, ``role`` and ``counterparty`` say the company's part."""

    id: str
    kind: str
    status: str | None = None
    provider: str | None = None
    customer: str | None = None
    members: tuple[str, ...] = ()
    guarantor: str | None = None
    end_user: str | None = None
    parties: Mapping[str, str] = _field(default_factory=dict)  # company id -> name
    facilities: tuple[str, ...] = ()
    power_mw: tuple[Value, ...] = ()
    accelerators: tuple[Value, ...] = ()
    price: tuple[Value, ...] = ()
    total_value: tuple[Value, ...] = ()
    announced: str | None = None
    start: str | None = None
    end: str | None = None
    # Every sourced value of a date where sources disagree (issue 11): field -> values, headline
    # first, each {headline, value, qualifier, source}; None when no date is given so.
    date_values: Mapping[str, tuple] | None = None
    start_date: _dt.date | None = _field(default=None, metadata=_INTERNAL)
    end_date: _dt.date | None = _field(default=None, metadata=_INTERNAL)
    supersedes: str | None = None
    amends: tuple[str, ...] = ()    # issue 11: deals this one amends, expands or overlaps
    expands: tuple[str, ...] = ()
    overlaps: tuple[str, ...] = ()
    # {status: none_found, searched: date, note} when no primary source was found (issue 11)
    primary_source: Mapping[str, Any] | None = None
    terms: str | None = None
    notes: str | None = None
    sources: tuple[Source, ...] = ()
    role: str | None = _field(default=None, metadata=_OPTIONAL)
    counterparty: tuple[str, ...] | None = _field(default=None, metadata=_OPTIONAL)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "Deal":
        kw = {k: _frozen(v) for k, v in row.items() if k in _DEAL_FIELDS}
        for f in FIGURE_FIELDS:
            kw[f] = tuple(Value(field=f, **v) for v in row.get(f) or ())
        kw["sources"] = tuple(Source(**s) for s in row.get("sources") or ())
        return cls(**kw)

    def row(self) -> dict[str, Any]:
        """The deal as the lookup layer's row (with ``start_date``/``end_date``), for the rules
        of :mod:`graph.select` and the table columns."""
        d = self.as_dict()
        d["start_date"], d["end_date"] = self.start_date, self.end_date
        return d

    def headline(self, field_name: str) -> Value | None:
        """The headline value of a figure field, or None."""
        return next((v for v in getattr(self, field_name) if v.headline), None)

    def disputed(self, field_name: str) -> bool:
        return any(not v.headline for v in getattr(self, field_name))


_DEAL_FIELDS = {f.name for f in dataclasses.fields(Deal)}


# ---------------------------------------------------------------------------- companies

@dataclass(frozen=True)
class Company(Record):
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    parent: str | None = None
    parent_since: _dt.date | None = None
    country: str | None = None
    iri: str | None = _field(default=None, metadata=_INTERNAL)


@dataclass(frozen=True)
class Site(Record):
    """A facility a company owns or uses compute at, per Epoch AI (shaped like a deal row:
    ``kind`` is ``owns_facility`` or ``uses_compute_at``, ``id`` the facility's id)."""

    id: str
    kind: str
    role: str
    counterparty: tuple[str, ...] = ()
    name: str | None = None
    confidence: str | None = None
    status: str | None = None
    provider: None = None
    customer: None = None
    members: tuple = ()
    guarantor: None = None
    end_user: None = None
    parties: Mapping = _field(default_factory=dict)
    facilities: tuple[str, ...] = ()
    power_mw: tuple = ()
    epoch_power: tuple = ()
    accelerators: tuple = ()
    price: tuple = ()
    total_value: tuple = ()
    announced: str | None = None
    start: str | None = None
    end: str | None = None
    supersedes: None = None
    terms: None = None
    notes: None = None
    sources: tuple = ()


@dataclass(frozen=True)
class CompanyReport(Record):
    """``kg.company(name)``: the company, its deals (with its role in each) and its sites.

    ``group`` lists the companies counted with it (itself first; more with ``roll_up``).
    ``deals`` and ``sites`` are built from the lookup's rows when first read, so a caller that
    only writes JSON (:meth:`rows`) pays for no objects."""

    company: Company
    group: tuple[Company, ...] = ()
    as_of: _dt.date | None = None
    roll_up: bool = False
    deal_rows: tuple = _field(default=(), repr=False, metadata=_INTERNAL)
    site_rows: tuple = _field(default=(), repr=False, metadata=_INTERNAL)

    @cached_property
    def deals(self) -> tuple[Deal, ...]:
        out = []
        for row in self.deal_rows:
            d = {k: v for k, v in row.items() if k != "_dates"}
            d["start_date"], d["end_date"] = row["_dates"]
            out.append(Deal.from_row(d))
        return tuple(out)

    @cached_property
    def sites(self) -> tuple[Site, ...]:
        return tuple(Site.from_row(s) for s in self.site_rows)

    @property
    def subsidiaries(self) -> tuple[Company, ...]:
        return self.group[1:]

    def rows(self) -> list[dict[str, Any]]:
        """Deals then sites, as ``company --format json`` writes them."""
        return [{k: v for k, v in d.items() if k != "_dates"} for d in self.deal_rows] + list(self.site_rows)
