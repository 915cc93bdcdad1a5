"""Validate raw records into a :class:`~graph.records.Catalog`, collecting every problem.

Checks, in order: unknown and missing fields, types, enum values, dates, amounts, duplicate
ids, references (with "did you mean"), deal shape (provider/customer or members), end before
start, source indexes. Nothing is raised: the caller gets the catalog and a sorted report, and
must not load anything when the report has problems.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .dates import PartialDate
from .errors import Problem, Report
from .loaders import LineDict, RawRecord, ReadResult
from .suggest import close, did_you_mean, ids_for
from .records import Accelerators, Catalog, Company, DateValue, Deal, Facility, Figure, Location, Money, Source
from .vocab import (COMPANY_KINDS, DEAL_KINDS, DEAL_STATUSES, FACILITY_STATUSES, PERIODS,
                    QUALIFIERS, SOURCE_KINDS, is_slug)

COMPANY_FIELDS = {"id", "name", "aliases", "kind", "parent", "parent_since", "country", "wikidata", "sources"}
FACILITY_FIELDS = {"id", "name", "aliases", "operator", "owner", "location", "power_mw", "accelerators",
                   "status", "sources"}
DEAL_FIELDS = {"id", "kind", "provider", "customer", "members", "guarantor", "end_user", "facilities",
               "capacity", "price", "total_value", "announced", "start", "end", "status", "supersedes",
               "terms", "notes", "sources",
               "amends", "expands", "overlaps", "primary_source"}  # these four: checked by graph/trust.py
SOURCE_FIELDS = {"publisher", "title", "url", "date", "kind", "kind_why"}  # kind_why: graph/publishers.py
LOCATION_FIELDS = {"city", "region", "country", "address", "lat", "lon"}
MONEY_FIELDS = {"amount", "currency", "per", "qualifier", "source"}
FIGURE_FIELDS = {"value", "qualifier", "source"}
ACCEL_FIELDS = {"model", "count", "qualifier", "source"}
CAPACITY_FIELDS = {"power_mw", "accelerators"}

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_URL = re.compile(r"^https?://[^\s]+$")


class _Ctx:
    """Collects problems for one record, locating each by the field's own line."""

    def __init__(self, rec: RawRecord, problems: list[Problem]):
        self.rec, self.problems = rec, problems
        self.rid = rec.rid if rec.rid and isinstance(rec.data.get("id"), str) else f"{rec.section}#{rec.line}"

    def add(self, field: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.rec.file, line or self.rec.line, self.rid, field, message))

    def line(self, mapping: Any, key: str) -> int:
        if isinstance(mapping, LineDict):
            return mapping.line_of(key)
        return self.rec.line


def _suggest(name: str, candidates: Iterable[str]) -> str:
    return did_you_mean(close(name, candidates))


# ---------------------------------------------------------------------------- field checkers

def _text(ctx: _Ctx, m: Any, key: str, required: bool = False) -> str | None:
    if key not in m or m[key] is None:
        if required:
            ctx.add(key, "required field is missing", ctx.line(m, key))
        return None
    v = m[key]
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        ctx.add(key, f"must be text, got {type(v).__name__}", ctx.line(m, key))
        return None
    s = str(v).strip()
    if not s:
        if required:
            ctx.add(key, "must not be empty", ctx.line(m, key))
        return None
    return s


def _text_list(ctx: _Ctx, m: Any, key: str) -> list[str]:
    if key not in m or m[key] is None:
        return []
    v = m[key]
    if isinstance(v, str):
        return [v.strip()] if v.strip() else []
    if not isinstance(v, list) or not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in v):
        ctx.add(key, "must be a list of names", ctx.line(m, key))
        return []
    return [str(x).strip() for x in v if str(x).strip()]


def _enum(ctx: _Ctx, m: Any, key: str, allowed: Iterable[str], required: bool = False) -> str | None:
    s = _text(ctx, m, key, required)
    if s is None:
        return None
    allowed = list(allowed)
    if s not in allowed:
        ctx.add(key, f"{s!r} is not one of: {' | '.join(allowed)}{_suggest(s, allowed)}", ctx.line(m, key))
        return None
    return s


def _date(ctx: _Ctx, m: Any, key: str, path: str | None = None) -> PartialDate | None:
    if key not in m or m[key] is None:
        return None
    try:
        return PartialDate.parse(m[key])
    except ValueError as exc:
        ctx.add(path or key, str(exc), ctx.line(m, key))
        return None


def _number(ctx: _Ctx, value: Any, path: str, line: int, minimum: float | None = 0.0) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        ctx.add(path, f"must be a number, got {value!r}", line)
        return None
    if math.isnan(value) or math.isinf(value):
        ctx.add(path, f"must be a finite number, got {value!r}", line)
        return None
    if minimum is not None and value < minimum:
        ctx.add(path, f"must not be negative, got {value!r}", line)
        return None
    return float(value)


def _fields(ctx: _Ctx, m: Any, allowed: set[str], path: str = "") -> None:
    for key in m:
        if key not in allowed:
            name = f"{path}.{key}" if path else str(key)
            ctx.add(name, f"unknown field{_suggest(str(key), allowed)}", ctx.line(m, key))


def _source_index(ctx: _Ctx, m: Any, path: str) -> int | None:
    if "source" not in m or m["source"] is None:
        return None
    v = m["source"]
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        ctx.add(f"{path}.source", f"must be the 1-based number of a source in this record's sources, got {v!r}",
                ctx.line(m, "source"))
        return None
    return v - 1


def _qualifier(ctx: _Ctx, m: Any, path: str) -> str | None:
    if "qualifier" not in m or m["qualifier"] is None:
        return None
    q = m["qualifier"]
    if q not in QUALIFIERS:
        ctx.add(f"{path}.qualifier", f"{q!r} is not one of: {' | '.join(QUALIFIERS)}{_suggest(str(q), QUALIFIERS)}",
                ctx.line(m, "qualifier"))
        return None
    return q


def _figures(ctx: _Ctx, m: Any, key: str, path: str) -> list[Figure]:
    """A figure: a number, {value, qualifier, source}, or a list of those (sources disagree)."""
    if key not in m or m[key] is None:
        return []
    raw = m[key]
    line = ctx.line(m, key)
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for i, item in enumerate(items):
        p = f"{path}[{i + 1}]" if isinstance(raw, list) else path
        if isinstance(item, dict):
            _fields(ctx, item, FIGURE_FIELDS, p)
            if "value" not in item:
                ctx.add(f"{p}.value", "required field is missing", getattr(item, "line", line))
                continue
            v = _number(ctx, item["value"], f"{p}.value", ctx.line(item, "value"))
            q, s = _qualifier(ctx, item, p), _source_index(ctx, item, p)
        else:
            v, q, s = _number(ctx, item, p, line), None, None
        if v is not None:
            out.append(Figure(v, q, s))
    return out


def _money(ctx: _Ctx, m: Any, key: str, periods: bool) -> list[Money]:
    if key not in m or m[key] is None:
        return []
    raw = m[key]
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for i, item in enumerate(items):
        p = f"{key}[{i + 1}]" if isinstance(raw, list) else key
        if not isinstance(item, dict):
            ctx.add(p, "must be a mapping with amount and currency", ctx.line(m, key))
            continue
        allowed = MONEY_FIELDS if periods else MONEY_FIELDS - {"per"}
        _fields(ctx, item, allowed, p)
        ok = True
        amount = None
        if "amount" not in item or item["amount"] is None:
            ctx.add(f"{p}.amount", "required field is missing", ctx.line(item, "amount"))
            ok = False
        else:
            amount = _number(ctx, item["amount"], f"{p}.amount", ctx.line(item, "amount"))
            ok = ok and amount is not None
        cur = item.get("currency")
        if cur is None:
            ctx.add(f"{p}.currency", "required field is missing", ctx.line(item, "currency"))
            ok = False
        elif not isinstance(cur, str) or not _CURRENCY.match(cur):
            ctx.add(f"{p}.currency", f"must be a three-letter ISO 4217 code in capitals (USD, EUR...), got {cur!r}",
                    ctx.line(item, "currency"))
            ok = False
        per = None
        if periods and item.get("per") is not None:
            per = item["per"]
            if per not in PERIODS:
                ctx.add(f"{p}.per", f"{per!r} is not one of: {' | '.join(PERIODS)}", ctx.line(item, "per"))
                ok = False
        q, s = _qualifier(ctx, item, p), _source_index(ctx, item, p)
        if ok and amount is not None:
            out.append(Money(amount, cur, per, q, s))
    return out


def _accelerators(ctx: _Ctx, m: Any, key: str, path: str) -> list[Accelerators]:
    if key not in m or m[key] is None:
        return []
    raw = m[key]
    if not isinstance(raw, list):
        raw = [raw]
    out = []
    for i, item in enumerate(raw):
        p = f"{path}[{i + 1}]"
        if not isinstance(item, dict):
            ctx.add(p, "must be a mapping with model and count", ctx.line(m, key))
            continue
        _fields(ctx, item, ACCEL_FIELDS, p)
        model = item.get("model")
        if not isinstance(model, (str, int)) or isinstance(model, bool) or not str(model).strip():
            ctx.add(f"{p}.model", "required text field is missing", ctx.line(item, "model"))
            continue
        qualifier, source = _qualifier(ctx, item, p), _source_index(ctx, item, p)
        if item.get("count") is None:
            out.append(Accelerators(str(model).strip(), None, qualifier, source))
            continue
        if isinstance(item["count"], (dict, list)):
            # count is a figure of its own: {value, qualifier, source}, or a list where sources disagree
            for fig in _figures(ctx, item, "count", f"{p}.count"):
                out.append(Accelerators(str(model).strip(), fig.value, fig.qualifier or qualifier,
                                        fig.source if fig.source is not None else source))
            continue
        count = _number(ctx, item["count"], f"{p}.count", ctx.line(item, "count"))
        if count is not None:
            out.append(Accelerators(str(model).strip(), count, qualifier, source))
    return out


def _sources(ctx: _Ctx, m: Any, required: bool) -> list[Source]:
    raw = m.get("sources")
    if raw is None or raw == []:
        if required:
            ctx.add("sources", "at least one source (publisher, title, url, date) is required", ctx.line(m, "sources"))
        return []
    if not isinstance(raw, list):
        ctx.add("sources", "must be a list of sources", ctx.line(m, "sources"))
        return []
    out = []
    for i, item in enumerate(raw):
        p = f"sources[{i + 1}]"
        if not isinstance(item, dict):
            ctx.add(p, "must be a mapping with publisher, title, url and date", ctx.line(m, "sources"))
            continue
        _fields(ctx, item, SOURCE_FIELDS, p)
        n = len(ctx.problems)
        pub = _text(ctx, item, "publisher", True)
        title = _text(ctx, item, "title", True)
        url = _text(ctx, item, "url", True)
        # Rewrite the field paths of the problems just added so they name the source.
        ctx.problems[n:] = [Problem(q.file, q.line, q.record, f"{p}.{q.field}", q.message) for q in ctx.problems[n:]]
        if url is not None and not _URL.match(url):
            ctx.add(f"{p}.url", f"must be an http(s) address, got {url!r}", ctx.line(item, "url"))
            url = None
        date = _date(ctx, item, "date", f"{p}.date")
        kind = None
        if item.get("kind") is not None:
            kind = item["kind"]
            if kind not in SOURCE_KINDS:
                ctx.add(f"{p}.kind", f"{kind!r} is not one of: {' | '.join(SOURCE_KINDS)}{_suggest(str(kind), SOURCE_KINDS)}",
                        ctx.line(item, "kind"))
                kind = None
        if pub and title and url:
            out.append(Source(pub, title, url, date, kind))
    return out


def _check_record_type(ctx: _Ctx, d: Any, fields: set[str]) -> str | None:
    _fields(ctx, d, fields)
    rid = d.get("id")
    if rid is None:
        ctx.add("id", "required field is missing")
        return None
    if not isinstance(rid, str) or not is_slug(rid):
        ctx.add("id", f"must be a lowercase slug (a-z, 0-9 and -), got {rid!r}", ctx.line(d, "id"))
        return None
    return rid


# ---------------------------------------------------------------------------- per section

def _company(rec: RawRecord, problems: list[Problem]) -> Company | None:
    ctx, d = _Ctx(rec, problems), rec.data
    rid = _check_record_type(ctx, d, COMPANY_FIELDS)
    name = _text(ctx, d, "name", True)
    c = Company(id=rid or "", name=name or "", file=rec.file, line=rec.line)
    c.aliases = _text_list(ctx, d, "aliases")
    c.kind = _enum(ctx, d, "kind", COMPANY_KINDS)
    c.parent = _text(ctx, d, "parent")
    c.parent_since = _date(ctx, d, "parent_since")
    if c.parent_since and not c.parent:
        ctx.add("parent_since", "is given without a parent", ctx.line(d, "parent_since"))
    c.country = _text(ctx, d, "country")
    if c.country and not _COUNTRY.match(c.country):
        ctx.add("country", f"must be an ISO 3166-1 alpha-2 code (US, GB...), got {c.country!r}", ctx.line(d, "country"))
        c.country = None
    c.wikidata = _text(ctx, d, "wikidata")
    if c.wikidata and not _QID.match(c.wikidata):
        ctx.add("wikidata", f"must be a Wikidata QID like Q95, got {c.wikidata!r}", ctx.line(d, "wikidata"))
        c.wikidata = None
    c.sources = _sources(ctx, d, required=False)
    return c if rid and name else None


def _location(ctx: _Ctx, d: Any) -> Location | None:
    raw = d.get("location")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        ctx.add("location", "must be a mapping (city, region, country, lat, lon)", ctx.line(d, "location"))
        return None
    _fields(ctx, raw, LOCATION_FIELDS, "location")
    loc = Location()
    for key in ("city", "region", "country", "address"):
        v = raw.get(key)
        if v is not None:
            if not isinstance(v, str):
                ctx.add(f"location.{key}", "must be text", ctx.line(raw, key))
            else:
                setattr(loc, key, v.strip())
    if loc.country and not _COUNTRY.match(loc.country):
        ctx.add("location.country", f"must be an ISO 3166-1 alpha-2 code, got {loc.country!r}", ctx.line(raw, "country"))
        loc.country = None
    for key, lim in (("lat", 90.0), ("lon", 180.0)):
        if raw.get(key) is not None:
            v = _number(ctx, raw[key], f"location.{key}", ctx.line(raw, key), minimum=None)
            if v is not None and not -lim <= v <= lim:
                ctx.add(f"location.{key}", f"must be between -{lim:g} and {lim:g} degrees, got {v!r}", ctx.line(raw, key))
                v = None
            setattr(loc, key, v)
    if (loc.lat is None) != (loc.lon is None):
        ctx.add("location", "give both lat and lon, or neither", ctx.line(d, "location"))
        loc.lat = loc.lon = None
    return loc


def _facility(rec: RawRecord, problems: list[Problem]) -> Facility | None:
    ctx, d = _Ctx(rec, problems), rec.data
    rid = _check_record_type(ctx, d, FACILITY_FIELDS)
    name = _text(ctx, d, "name", True)
    f = Facility(id=rid or "", name=name or "", file=rec.file, line=rec.line)
    f.aliases = _text_list(ctx, d, "aliases")
    f.operator = _text(ctx, d, "operator")
    f.owner = _text(ctx, d, "owner")
    f.location = _location(ctx, d)
    f.power_mw = _figures(ctx, d, "power_mw", "power_mw")
    f.accelerators = _accelerators(ctx, d, "accelerators", "accelerators")
    f.status = _enum(ctx, d, "status", FACILITY_STATUSES)
    f.sources = _sources(ctx, d, required=False)
    _check_source_indexes(ctx, f.sources, [("power_mw", f.power_mw), ("accelerators", f.accelerators)])
    return f if rid and name else None


def _check_source_indexes(ctx: _Ctx, sources: list[Source], groups: list[tuple[str, list]]) -> None:
    for path, items in groups:
        for i, item in enumerate(items):
            if item.source is not None and item.source >= len(sources):
                ctx.add(f"{path}[{i + 1}].source" if len(items) > 1 else f"{path}.source",
                        f"names source {item.source + 1}, but the record lists {len(sources)} source(s)")
                item.source = None


def _deal(rec: RawRecord, problems: list[Problem]) -> Deal | None:
    ctx, d = _Ctx(rec, problems), rec.data
    rid = _check_record_type(ctx, d, DEAL_FIELDS)
    kind = _enum(ctx, d, "kind", DEAL_KINDS, required=True)
    deal = Deal(id=rid or "", kind=kind or "other", file=rec.file, line=rec.line)
    deal.provider = _text(ctx, d, "provider")
    deal.customer = _text(ctx, d, "customer")
    deal.members = _text_list(ctx, d, "members")
    deal.guarantor = _text(ctx, d, "guarantor")
    deal.end_user = _text(ctx, d, "end_user")
    deal.facilities = _text_list(ctx, d, "facilities")
    cap = d.get("capacity")
    if cap is not None:
        if not isinstance(cap, dict):
            ctx.add("capacity", "must be a mapping with power_mw and/or accelerators", ctx.line(d, "capacity"))
        else:
            _fields(ctx, cap, CAPACITY_FIELDS, "capacity")
            deal.power_mw = _figures(ctx, cap, "power_mw", "capacity.power_mw")
            deal.accelerators = _accelerators(ctx, cap, "accelerators", "capacity.accelerators")
    deal.price = _money(ctx, d, "price", periods=True)
    deal.total_value = _money(ctx, d, "total_value", periods=False)
    for key in DATE_FIELDS:  # issue 11: a date may be a list of sourced values (see _date_values)
        headline, values = _date_values(ctx, d, key)
        setattr(deal, key, headline)
        if values:
            deal.date_values[key] = values
    if deal.start and deal.end and deal.end.last < deal.start.first:
        ctx.add("end", f"ends ({deal.end}) before it starts ({deal.start})", ctx.line(d, "end"))
    deal.status = _enum(ctx, d, "status", DEAL_STATUSES)
    deal.supersedes = _text(ctx, d, "supersedes")
    deal.terms = _text(ctx, d, "terms")
    deal.notes = _text(ctx, d, "notes")
    deal.sources = _sources(ctx, d, required=True)
    _check_source_indexes(ctx, deal.sources, [("capacity.power_mw", deal.power_mw),
                                              ("capacity.accelerators", deal.accelerators),
                                              ("price", deal.price), ("total_value", deal.total_value),
                                              *deal.date_values.items()])
    if kind == "joint_venture":
        if len(deal.members) < 2:
            ctx.add("members", "a joint venture needs two or more members", ctx.line(d, "members"))
        for f in ("provider", "customer"):
            if d.get(f) is not None:
                ctx.add(f, "a joint venture names members, not a provider and customer", ctx.line(d, f))
    elif kind is not None:
        for f in ("provider", "customer"):
            if getattr(deal, f) is None and not (f in d and d[f] is not None):
                ctx.add(f, "required field is missing", ctx.line(d, f))
        if deal.members:
            ctx.add("members", "only joint ventures have members; use provider and customer", ctx.line(d, "members"))
    return deal if rid else None


# ---------------------------------------------------------------------------- disputed dates (issue 11)
# Self-contained: a date field is a plain date, one {value, qualifier, source} mapping, or a list of
# them where sources disagree (the first is the headline, as for figures).

DATE_FIELDS = ("announced", "start", "end")
DATE_VALUE_FIELDS = {"value", "qualifier", "source"}


def _date_values(ctx: _Ctx, m: Any, key: str) -> tuple[PartialDate | None, list[DateValue]]:
    """(headline date, every sourced value) of a date field; values only when given as mappings."""
    raw = m.get(key)
    if not isinstance(raw, (list, dict)):
        return _date(ctx, m, key), []
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        ctx.add(key, "must be a date, or a list of {value, source} where sources disagree", ctx.line(m, key))
        return None, []
    out: list[DateValue] = []
    for i, item in enumerate(items):
        p = f"{key}[{i + 1}]" if isinstance(raw, list) else key
        if not isinstance(item, dict):
            ctx.add(p, "must be a mapping {value, qualifier, source} (a date where sources disagree)", ctx.line(m, key))
            continue
        _fields(ctx, item, DATE_VALUE_FIELDS, p)
        if item.get("value") is None:
            ctx.add(f"{p}.value", "required field is missing", ctx.line(item, "value"))
            continue
        value = _date(ctx, item, "value", f"{p}.value")
        q, s = _qualifier(ctx, item, p), _source_index(ctx, item, p)
        if value is not None:
            out.append(DateValue(value, q, s))
    return (out[0].value if out else None), out


# ---------------------------------------------------------------------------- references

class NameIndex:
    """Resolve a reference (id, name or alias, case-insensitive) to an id."""

    def __init__(self) -> None:
        self._by_key: dict[str, set[str]] = {}

    def add(self, rid: str, *names: str) -> None:
        for n in (rid, *names):
            if n:
                self._by_key.setdefault(n.strip().lower(), set()).add(rid)

    def resolve(self, name: str) -> tuple[str | None, str]:
        ids = self._by_key.get(name.strip().lower())
        if not ids:
            # Suggest ids (one per company), from close matches on any of its names.
            found = ids_for(name, ((k, rid) for k, ids in self._by_key.items() for rid in ids), contains=False)
            return None, did_you_mean(found)
        if len(ids) > 1:
            return None, " (ambiguous: it names " + ", ".join(sorted(ids)) + "; use the id)"
        return next(iter(ids)), ""

    def keys(self) -> list[str]:
        return list(self._by_key)


def _resolve(problems: list[Problem], index: NameIndex, what: str, value: str | None, file: str, line: int,
             rid: str, field: str) -> str | None:
    if value is None:
        return None
    found, hint = index.resolve(value)
    if found is None:
        if hint.startswith(" (ambiguous"):
            problems.append(Problem(file, line, rid, field, f"{what} {value!r} is ambiguous{hint[11:]}"))
        else:
            problems.append(Problem(file, line, rid, field, f"unknown {what} {value!r}{hint}"))
    return found


@dataclass
class Validated:
    catalog: Catalog
    report: Report


PARSERS: dict[str, Callable[[RawRecord, list[Problem]], Any]] = {
    "companies": _company, "facilities": _facility, "deals": _deal,
}


def validate(read: ReadResult, extra_checks: Iterable[Callable[[Catalog, ReadResult, Report], None]] = (),
             known: dict[str, list[tuple[str, list[str]]]] | None = None) -> Validated:
    """Turn raw records into a catalog; every problem found goes into the report.

    ``known`` lists what a store already holds (section -> [(id, names)]): records may refer
    to it, and may not reuse its ids.
    """
    problems: list[Problem] = list(read.problems)
    known = known or {}
    known_ids = {(section, rid) for section, items in known.items() for rid, _ in items}
    cat = Catalog()
    seen: dict[tuple[str, str], RawRecord] = {}
    typed: dict[str, list] = {"companies": [], "facilities": [], "deals": []}
    for rec in read.records:
        parser = PARSERS.get(rec.section)
        if parser is None:
            continue
        obj = parser(rec, problems)
        if obj is None:
            continue
        key = (rec.section, obj.id)
        if key in known_ids:
            problems.append(Problem(rec.file, rec.line, obj.id, "id",
                                    "already in the store; load into a fresh store folder, or use --replace"))
            continue
        if key in seen:
            first = seen[key]
            problems.append(Problem(rec.file, rec.line, obj.id, "id",
                                    f"duplicate id: already used at {first.file}:{first.line}"))
            continue
        seen[key] = rec
        typed[rec.section].append((obj, rec))

    companies = NameIndex()
    for rid, names in known.get("companies", []):
        companies.add(rid, *names)
    for c, _ in typed["companies"]:
        companies.add(c.id, c.name, *c.aliases)
    facilities = NameIndex()
    for rid, names in known.get("facilities", []):
        facilities.add(rid, *names)
    for f, _ in typed["facilities"]:
        facilities.add(f.id, f.name, *f.aliases)
    deal_ids = {d.id for d, _ in typed["deals"]} | {rid for rid, _ in known.get("deals", [])}

    for c, rec in sorted(typed["companies"], key=lambda t: t[0].id):
        line = rec.data.line_of("parent")
        c.parent = _resolve(problems, companies, "company", c.parent, rec.file, line, c.id, "parent")
        if c.parent == c.id:
            problems.append(Problem(rec.file, line, c.id, "parent", "a company cannot be its own parent"))
            c.parent = None
        cat.companies[c.id] = c
    _check_parent_cycles(cat, problems)

    for f, rec in sorted(typed["facilities"], key=lambda t: t[0].id):
        for field in ("operator", "owner"):
            setattr(f, field, _resolve(problems, companies, "company", getattr(f, field), rec.file,
                                       rec.data.line_of(field), f.id, field))
        cat.facilities[f.id] = f

    for d, rec in sorted(typed["deals"], key=lambda t: t[0].id):
        for field in ("provider", "customer", "guarantor", "end_user"):
            setattr(d, field, _resolve(problems, companies, "company", getattr(d, field), rec.file,
                                       rec.data.line_of(field), d.id, field))
        d.members = [m for m in (_resolve(problems, companies, "company", m, rec.file, rec.data.line_of("members"),
                                          d.id, "members") for m in d.members) if m]
        d.facilities = [f for f in (_resolve(problems, facilities, "facility", f, rec.file,
                                             rec.data.line_of("facilities"), d.id, "facilities")
                                    for f in d.facilities) if f]
        if d.provider and d.provider == d.customer:
            problems.append(Problem(rec.file, rec.data.line_of("customer"), d.id, "customer",
                                    "provider and customer are the same company"))
        if d.supersedes is not None:
            if d.supersedes not in deal_ids:
                problems.append(Problem(rec.file, rec.data.line_of("supersedes"), d.id, "supersedes",
                                        f"unknown deal {d.supersedes!r}{_suggest(d.supersedes, deal_ids)}"))
                d.supersedes = None
            elif d.supersedes == d.id:
                problems.append(Problem(rec.file, rec.data.line_of("supersedes"), d.id, "supersedes",
                                        "a deal cannot supersede itself"))
                d.supersedes = None
        cat.deals[d.id] = d

    report = Report(problems=problems)
    for check in extra_checks:
        check(cat, read, report)
    report.problems = sorted(set(report.problems))
    report.notes = sorted(set(report.notes))
    return Validated(cat, report)


def _check_parent_cycles(cat: Catalog, problems: list[Problem]) -> None:
    for c in cat.companies.values():
        seen = {c.id}
        p = c.parent
        while p is not None and p in cat.companies:
            if p in seen:
                problems.append(Problem(c.file, c.line, c.id, "parent", "parent links form a loop through " + p))
                c.parent = None
                break
            seen.add(p)
            p = cat.companies[p].parent
