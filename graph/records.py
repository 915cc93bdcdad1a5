"""Typed records: what a validated company, facility or deal holds.

Produced by :mod:`graph.validate` from raw records; consumed by :mod:`graph.triples`.
References are resolved to ids; dates are :class:`~graph.dates.PartialDate`; figures keep
their qualifier and the index of the source that states them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .dates import PartialDate


@dataclass
class Source:
    publisher: str
    title: str
    url: str
    date: PartialDate | None = None
    kind: str | None = None

    @property
    def primary(self) -> bool:
        from .vocab import PRIMARY_SOURCE_KINDS

        return self.kind in PRIMARY_SOURCE_KINDS


@dataclass
class Figure:
    """A number as reported: its value, how it is hedged, and which source says so."""

    value: float
    qualifier: str | None = None
    source: int | None = None  # 0-based index into the record's sources


@dataclass
class Accelerators:
    model: str
    count: float | None = None
    qualifier: str | None = None
    source: int | None = None


@dataclass
class Money:
    amount: float
    currency: str
    per: str | None = None
    qualifier: str | None = None
    source: int | None = None


@dataclass
class DateValue:
    """One sourced value of a date where sources disagree (issue 11): the first is the headline."""

    value: PartialDate
    qualifier: str | None = None
    source: int | None = None  # 0-based index into the record's sources


@dataclass
class Location:
    city: str | None = None
    region: str | None = None
    country: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass
class Company:
    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str | None = None
    parent: str | None = None
    parent_since: PartialDate | None = None
    country: str | None = None
    wikidata: str | None = None
    sources: list[Source] = field(default_factory=list)
    file: str = ""
    line: int = 0
    from_epoch: bool = False
    epoch_names: list[str] = field(default_factory=list)


@dataclass
class Facility:
    id: str
    name: str
    aliases: list[str] = field(default_factory=list)
    operator: str | None = None
    owner: str | None = None
    location: Location | None = None
    power_mw: list[Figure] = field(default_factory=list)
    accelerators: list[Accelerators] = field(default_factory=list)
    status: str | None = None
    sources: list[Source] = field(default_factory=list)
    file: str = ""
    line: int = 0


@dataclass
class Deal:
    id: str
    kind: str
    provider: str | None = None
    customer: str | None = None
    members: list[str] = field(default_factory=list)
    guarantor: str | None = None
    end_user: str | None = None
    facilities: list[str] = field(default_factory=list)
    power_mw: list[Figure] = field(default_factory=list)
    accelerators: list[Accelerators] = field(default_factory=list)
    price: list[Money] = field(default_factory=list)
    total_value: list[Money] = field(default_factory=list)
    announced: PartialDate | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    # Dates given as sourced values (a list where sources disagree): field -> values, headline
    # first; the headline is also ``announced``/``start``/``end``.
    date_values: dict[str, list[DateValue]] = field(default_factory=dict)
    status: str | None = None
    supersedes: str | None = None
    # Links to deals this one amends, expands or overlaps (issue 11; see graph.figures.not_added).
    amends: list[str] = field(default_factory=list)
    expands: list[str] = field(default_factory=list)
    overlaps: list[str] = field(default_factory=list)
    # ``primary_source: {status: none_found, searched: DATE}``: no primary source was found when
    # searched on that date (issue 11: absence recorded, not assumed).
    primary_searched: PartialDate | None = None
    primary_search_note: str | None = None
    terms: str | None = None
    notes: str | None = None
    sources: list[Source] = field(default_factory=list)
    file: str = ""
    line: int = 0


@dataclass
class Catalog:
    """Every validated record, keyed by id, in a stable (sorted) order."""

    companies: dict[str, Company] = field(default_factory=dict)
    facilities: dict[str, Facility] = field(default_factory=dict)
    deals: dict[str, Deal] = field(default_factory=dict)
