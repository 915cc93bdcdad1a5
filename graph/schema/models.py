"""The record format, declared once: companies, facilities, deals and what they hold.

Each field is one line: its name, its kind of value (:mod:`graph.schema.kinds`), whether it is
required, and what it means. From these models come the record checks
(:func:`graph.schema.check`), the JSON Schema in ``data/schema/`` and the field reference in
``data/README.md`` (``python -m graph.schema`` writes both). Rules between fields or records
(references, a joint venture's members, end before start) are written in :mod:`graph.validate`.

To add a field: add one line to its model, run ``python -m graph.schema``, then give it a home in
:mod:`graph.records` and :mod:`graph.triples`.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..vocab import (COMPANY_KINDS, DEAL_KINDS, DEAL_STATUSES, FACILITY_STATUSES, PERIODS, QUALIFIERS,
                     SOURCE_KINDS)
from . import kinds as k

# ---------------------------------------------------------------------------- kinds used below

Text = Annotated[str, k.text()]
Name = Annotated[str, k.text(required=True)]
Names = Annotated[list[str], k.names()]
CompanyRef = Annotated[str, k.text("company: id, name or alias")]
CompanyRefs = Annotated[list[str], k.names("list of companies (ids, names or aliases)")]
FacilityRefs = Annotated[list[str], k.names("list of facilities (ids, names or aliases)")]
DealRef = Annotated[str, k.text("deal id")]
DealRefs = Annotated[list[str], k.names("deal id, or a list of them")]
Id = Annotated[str, k.SLUG]
Date = Annotated[object, k.DATE]
Amount = Annotated[float, k.number(label="number, zero or more")]
Qualifier = Annotated[str, k.one_of(QUALIFIERS)]
SourceIndex = Annotated[int, k.SOURCE_INDEX]
Country = Annotated[str, k.pattern(r"^[A-Z]{2}$", "must be an ISO 3166-1 alpha-2 code (US, GB...)",
                                   "ISO 3166-1 alpha-2 country code (`US`, `GB`...)")]
Currency = Annotated[str, k.pattern(r"^[A-Z]{3}$", "must be a three-letter ISO 4217 code in capitals (USD, EUR...)",
                                    "ISO 4217 currency code (`USD`, `EUR`...)", strip=False, required=True)]
Qid = Annotated[str, k.pattern(r"^Q[1-9][0-9]*$", "must be a Wikidata QID like Q95", "Wikidata QID (`Q95`)")]
Url = Annotated[str, k.pattern(r"^https?://[^\s]+$", "must be an http(s) address", "http(s) address",
                               required=True)]


class Part(BaseModel):
    """A mapping inside a record: unknown keys are refused, like a record's own."""

    model_config = ConfigDict(extra="forbid")
    expected: ClassVar[str] = "must be a mapping"  # the message when something else is given


# ---------------------------------------------------------------------------- parts of records

class Source(Part):
    """Who says so: one published page."""

    expected: ClassVar[str] = "must be a mapping with publisher, title, url and date"
    publisher: Name = Field(description="Who published the page; for a copy, whose text it carries in brackets: "
                                        "`CNA (Reuters)`.")
    title: Name = Field(description="The page's title, as published.")
    url: Url = Field(description="The page's address.")
    date: Optional[Date] = Field(None, description="When the page was published (required unless the page shows "
                                                   "none; every deal has at least one dated source).")
    kind: Optional[Annotated[str, k.one_of(SOURCE_KINDS)]] = Field(
        None, description="What the page is; `filing`, `company_release` and `government` are primary sources.")
    kind_why: Optional[Text] = Field(None, description="Why `kind` differs from the kind of its publisher in "
                                                       "data/publishers.yaml (a wire copy of a release, say).")


class Figure(Part):
    """A number as reported: its value, how it is hedged, and which source says so."""

    expected: ClassVar[str] = "must be a number or a mapping with value, qualifier and source"
    value: Amount = Field(description="The number.")
    qualifier: Optional[Qualifier] = Field(None, description="How the source hedges it: \"about\" is `approx`.")
    source: Optional[SourceIndex] = Field(None, description="Which of the record's sources states it.")


# A figure: a number, {value, qualifier, source}, or a list of those where sources disagree.
Figures = Annotated[list[Figure], BeforeValidator(k.figures, json_schema_input_type=Union[
    Amount, Figure, list[Union[Amount, Figure]]])]


class Accelerators(Part):
    """Chips of one model, and how many."""

    expected: ClassVar[str] = "must be a mapping with model and count"
    model: Name = Field(description="The chip or system (`H100`, `GB200 NVL72`, `TPU`).")
    count: Optional[Figures] = Field(None, description="How many: a figure, or a list where sources disagree.")
    qualifier: Optional[Qualifier] = Field(None, description="How the source hedges the count.")
    source: Optional[SourceIndex] = Field(None, description="Which of the record's sources states it.")


AcceleratorList = Annotated[list[Accelerators], BeforeValidator(k.as_list, json_schema_input_type=Union[
    Accelerators, list[Accelerators]])]


class Money(Part):
    """An amount of money."""

    expected: ClassVar[str] = "must be a mapping with amount and currency"
    amount: Amount = Field(description="The amount, in units of the currency (`4.0e10`).")
    currency: Currency = Field(description="The currency.")
    qualifier: Optional[Qualifier] = Field(None, description="How the source hedges it.")
    source: Optional[SourceIndex] = Field(None, description="Which of the record's sources states it.")


class Price(Money):
    """A rate or a one-off amount."""

    per: Optional[Annotated[str, k.one_of(PERIODS)]] = Field(None, description="Paid `once`, per `month` or per "
                                                                               "`year`.")


def _many(model: type) -> object:
    return Annotated[list[model], BeforeValidator(k.as_list, json_schema_input_type=Union[model, list[model]])]


class DateValue(Part):
    """One sourced value of a date where sources disagree."""

    expected: ClassVar[str] = "must be a mapping {value, qualifier, source} (a date where sources disagree)"
    value: Date = Field(description="The date.")
    qualifier: Optional[Qualifier] = Field(None, description="How the source hedges it.")
    source: Optional[SourceIndex] = Field(None, description="Which of the record's sources states it.")


# A date: plain, {value, qualifier, source}, or a list of those where sources disagree (headline first).
Dates = Annotated[list[DateValue], BeforeValidator(k.dates, json_schema_input_type=Union[
    Date, DateValue, list[DateValue]])]


class PrimarySearch(Part):
    """A record that a primary source was looked for and not found."""

    expected: ClassVar[str] = "must be a mapping {status: none_found, searched: YYYY-MM-DD}"
    status: Annotated[str, k.one_of(("none_found",), required=True)] = Field(description="`none_found`.")
    searched: Annotated[object, k.DAY] = Field(description="The day the primary source was searched for.")
    note: Optional[Text] = Field(None, description="Where it was searched.")


class Location(Part):
    """Where a facility is."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"dependentRequired": {"lat": ["lon"],
                                                                                       "lon": ["lat"]}})
    expected: ClassVar[str] = "must be a mapping (city, region, country, lat, lon)"
    city: Optional[Text] = Field(None, description="City or town.")
    region: Optional[Text] = Field(None, description="State, province or region.")
    country: Optional[Country] = Field(None, description="Country.")
    address: Optional[Text] = Field(None, description="Street address, as published.")
    lat: Optional[Annotated[float, k.number(minimum=None, maximum=90, unit=" degrees", label="latitude")]] = Field(
        None, description="Latitude in degrees (give both lat and lon, or neither).")
    lon: Optional[Annotated[float, k.number(minimum=None, maximum=180, unit=" degrees", label="longitude")]] = Field(
        None, description="Longitude in degrees.")


class Capacity(Part):
    """What a deal provides."""

    expected: ClassVar[str] = "must be a mapping with power_mw and/or accelerators"
    power_mw: Optional[Figures] = Field(None, description="Power in megawatts: a figure.")
    accelerators: Optional[AcceleratorList] = Field(None, description="Chips, one entry per model.")


# ---------------------------------------------------------------------------- records

Sources = Annotated[list[Source], BeforeValidator(k.list_of("must be a list of sources"))]
DealSources = Annotated[list[Source], BeforeValidator(k.list_of(
    "must be a list of sources", required="at least one source (publisher, title, url, date) is required")),
    Field(min_length=1)]


class Record(BaseModel):
    """A record: an id, then its fields."""

    model_config = ConfigDict(extra="forbid")
    section: ClassVar[str] = ""
    id: Id = Field(description="Unique within its list; never changes once published.")


class Company(Record):
    """A company (or a joint venture, fund or unnamed party that signs deals)."""

    section: ClassVar[str] = "companies"
    name: Name = Field(description="The usual name.")
    aliases: Optional[Names] = Field(None, description="Every other common spelling, former name and ticker.")
    kind: Optional[Annotated[str, k.one_of(COMPANY_KINDS)]] = Field(None, description="What the company mainly is.")
    parent: Optional[CompanyRef] = Field(None, description="The company that owns it.")
    parent_since: Optional[Date] = Field(None, description="When the parent link began, if within the period "
                                                           "covered.")
    country: Optional[Country] = Field(None, description="Where it is headquartered (quote `\"NO\"` for Norway).")
    wikidata: Optional[Qid] = Field(None, description="Its Wikidata item, only when checked.")
    sources: Optional[Sources] = Field(None, description="Sources for its facts (the parent link, say).")


class Facility(Record):
    """A data-center campus or a power plant."""

    section: ClassVar[str] = "facilities"
    name: Name = Field(description="The usual name.")
    aliases: Optional[Names] = Field(None, description="Other names.")
    operator: Optional[CompanyRef] = Field(None, description="Who runs it.")
    owner: Optional[CompanyRef] = Field(None, description="Who owns it.")
    location: Optional[Location] = Field(None, description="Where it is.")
    power_mw: Optional[Figures] = Field(None, description="Power in megawatts: a figure.")
    accelerators: Optional[AcceleratorList] = Field(None, description="Chips installed or planned.")
    status: Optional[Annotated[str, k.one_of(FACILITY_STATUSES)]] = Field(None, description="How far built it is.")
    sources: Optional[Sources] = Field(None, description="Expected for every figure given.")


class Deal(Record):
    """An agreement between companies: who supplies what to whom, how much, when, and who says so."""

    section: ClassVar[str] = "deals"
    kind: Annotated[str, k.one_of(DEAL_KINDS, required=True)] = Field(description="What is traded (see \"Provider and customer\").")
    provider: Optional[CompanyRef] = Field(None, description="Who supplies capacity, chips, power or money "
                                                             "(every kind but `joint_venture`).")
    customer: Optional[CompanyRef] = Field(None, description="Who receives it (every kind but `joint_venture`).")
    members: Optional[CompanyRefs] = Field(None, description="A joint venture's parties, two or more, instead of "
                                                             "provider and customer.")
    guarantor: Optional[CompanyRef] = Field(None, description="Who backstops the customer's obligations.")
    end_user: Optional[CompanyRef] = Field(None, description="Who finally uses the capacity, when not the "
                                                             "customer.")
    facilities: Optional[FacilityRefs] = Field(None, description="The sites the deal covers.")
    capacity: Optional[Capacity] = Field(None, description="Power and chips provided.")
    price: Optional[_many(Price)] = Field(None, description="A rate or one-off price; a list where sources "
                                                            "disagree.")
    total_value: Optional[_many(Money)] = Field(None, description="The whole deal's value; a list where sources "
                                                                  "disagree.")
    announced: Optional[Dates] = Field(None, description="When it was announced: a date, or sourced values "
                                                         "where sources disagree.")
    start: Optional[Dates] = Field(None, description="When the service period starts.")
    end: Optional[Dates] = Field(None, description="When it ends (a partial date covers its whole period); "
                                                   "not before `start`.")
    status: Optional[Annotated[str, k.one_of(DEAL_STATUSES)]] = Field(None, description="Where the deal stands.")
    supersedes: Optional[DealRef] = Field(None, description="The deal this one replaces.")
    amends: Optional[DealRefs] = Field(None, description="Deals whose terms this one changes (their money is "
                                                         "not added again).")
    expands: Optional[DealRefs] = Field(None, description="Deals this one adds to (both are counted).")
    overlaps: Optional[DealRefs] = Field(None, description="Deals that cover some of the same money (not added "
                                                           "again).")
    primary_source: Optional[PrimarySearch] = Field(None, description="When no primary source was found: "
                                                                      "when it was searched for.")
    terms: Optional[Text] = Field(None, description="The terms, in our words.")
    notes: Optional[Text] = Field(None, description="Curator's notes: how sources disagree, what is missing.")
    sources: DealSources = Field(description="Who says so; at least one.")


RECORDS: dict[str, type[Record]] = {m.section: m for m in (Company, Facility, Deal)}
PARTS: tuple[type[Part], ...] = (Source, Location, Capacity, Figure, Accelerators, Money, Price, DateValue,
                                  PrimarySearch)


class RecordFile(BaseModel):
    """A record file: up to three lists. (Used for the JSON Schema; records are checked one by one.)"""

    model_config = ConfigDict(extra="forbid", title="computekg record file")
    schema_: Optional[str] = Field(None, alias="$schema", description="Where editors find this schema (JSON "
                                                                      "record files; YAML ones use a comment).")
    companies: Optional[list[Company]] = Field(None, description="Companies.")
    facilities: Optional[list[Facility]] = Field(None, description="Data-center campuses and power plants.")
    deals: Optional[list[Deal]] = Field(None, description="Deals.")
