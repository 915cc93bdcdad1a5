"""Validate raw records into a :class:`~graph.records.Catalog`, collecting every problem.

Each record's fields are checked against the one declaration of the record format
(:mod:`graph.schema`: unknown and missing fields, types, enum values with "did you mean", dates,
amounts, figures, sources). The rules between fields and between records are written here:
deal shape (provider/customer or members), end before start, source numbers in range, duplicate
ids, references (with "did you mean"), parent loops. Nothing is raised: the caller gets the
catalog and a sorted report, and must not load anything when the report has problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .errors import Problem, Report
from .loaders import RawRecord, ReadResult
from .suggest import close, did_you_mean, ids_for
from .records import Accelerators, Catalog, Company, DateValue, Deal, Facility, Figure, Location, Money, Source
from .schema import RECORDS, check


class _Ctx:
    """Collects problems for one record, locating each by the field's own line."""

    def __init__(self, rec: RawRecord, problems: list[Problem]):
        self.rec, self.problems = rec, problems
        self.rid = rec.rid if rec.rid and isinstance(rec.data.get("id"), str) else f"{rec.section}#{rec.line}"

    def add(self, field: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.rec.file, line or self.rec.line, self.rid, field, message))

    def line(self, key: str) -> int:
        return self.rec.data.line_of(key)


def _suggest(name: str, candidates: Iterable[str]) -> str:
    return did_you_mean(close(name, candidates))


def _checked(rec: RawRecord, problems: list[Problem], section: str) -> tuple[_Ctx, dict[str, Any]]:
    """Check a record against its model; its issues become problems, its good fields are returned."""
    ctx = _Ctx(rec, problems)
    values, issues = check(RECORDS[section], rec.data, rec.line)
    for issue in issues:
        ctx.add(issue.field, issue.message, issue.line)
    return ctx, values


# ---------------------------------------------------------------------------- checked parts -> records

def _index(source: int | None) -> int | None:
    return None if source is None else source - 1  # the file counts from 1, the records from 0


def _figures(items: Any) -> list[Figure]:
    return [Figure(f.value, f.qualifier, _index(f.source)) for f in items or []]


def _accelerators(items: Any) -> list[Accelerators]:
    out = []
    for a in items or []:
        if not a.count:
            out.append(Accelerators(a.model, None, a.qualifier, _index(a.source)))
        # count is a figure of its own: {value, qualifier, source}, or a list where sources disagree
        for fig in a.count or []:
            out.append(Accelerators(a.model, fig.value, fig.qualifier or a.qualifier,
                                    _index(fig.source if fig.source is not None else a.source)))
    return out


def _money(items: Any) -> list[Money]:
    return [Money(m.amount, m.currency, getattr(m, "per", None), m.qualifier, _index(m.source)) for m in items or []]


def _sources(items: Any) -> list[Source]:
    return [Source(s.publisher, s.title, s.url, s.date, s.kind) for s in items or []]


def _location(ctx: _Ctx, loc: Any) -> Location | None:
    if loc is None:
        return None
    out = Location(loc.city, loc.region, loc.country, loc.address, loc.lat, loc.lon)
    if (out.lat is None) != (out.lon is None):
        ctx.add("location", "give both lat and lon, or neither", ctx.line("location"))
        out.lat = out.lon = None
    return out


def _check_source_indexes(ctx: _Ctx, groups: list[tuple[str, list]]) -> None:
    raw = ctx.rec.data.get("sources")
    given = len(raw) if isinstance(raw, list) else 0
    for path, items in groups:
        for i, item in enumerate(items):
            if item.source is not None and item.source >= given:
                ctx.add(f"{path}[{i + 1}].source" if len(items) > 1 else f"{path}.source",
                        f"names source {item.source + 1}, but the record lists {given} source(s)")
                item.source = None


# ---------------------------------------------------------------------------- per section

def _company(rec: RawRecord, problems: list[Problem]) -> Company | None:
    ctx, v = _checked(rec, problems, "companies")
    rid, name = v.get("id"), v.get("name")
    c = Company(id=rid or "", name=name or "", file=rec.file, line=rec.line)
    c.aliases = v.get("aliases") or []
    c.kind, c.parent, c.parent_since = v.get("kind"), v.get("parent"), v.get("parent_since")
    c.country, c.wikidata = v.get("country"), v.get("wikidata")
    if c.parent_since and not c.parent:
        ctx.add("parent_since", "is given without a parent", ctx.line("parent_since"))
    c.sources = _sources(v.get("sources"))
    return c if rid and name else None


def _facility(rec: RawRecord, problems: list[Problem]) -> Facility | None:
    ctx, v = _checked(rec, problems, "facilities")
    rid, name = v.get("id"), v.get("name")
    f = Facility(id=rid or "", name=name or "", file=rec.file, line=rec.line)
    f.aliases = v.get("aliases") or []
    f.operator, f.owner, f.status = v.get("operator"), v.get("owner"), v.get("status")
    f.location = _location(ctx, v.get("location"))
    f.power_mw = _figures(v.get("power_mw"))
    f.accelerators = _accelerators(v.get("accelerators"))
    f.sources = _sources(v.get("sources"))
    _check_source_indexes(ctx, [("power_mw", f.power_mw), ("accelerators", f.accelerators)])
    return f if rid and name else None


_DEAL_VALUES = ("provider", "customer", "guarantor", "end_user", "status", "supersedes", "terms", "notes")
DATE_FIELDS = ("announced", "start", "end")


def _deal(rec: RawRecord, problems: list[Problem]) -> Deal | None:
    ctx, v = _checked(rec, problems, "deals")
    d = rec.data
    rid, kind = v.get("id"), v.get("kind")
    deal = Deal(id=rid or "", kind=kind or "other", file=rec.file, line=rec.line)
    for name in _DEAL_VALUES:
        setattr(deal, name, v.get(name))
    deal.members = v.get("members") or []
    deal.facilities = v.get("facilities") or []
    for key in DATE_FIELDS:  # a date, or sourced values where sources disagree (the first is the headline)
        values = v.get(key) or []
        setattr(deal, key, values[0].value if values else None)
        if values and isinstance(d.get(key), (list, dict)):
            deal.date_values[key] = [DateValue(x.value, x.qualifier, _index(x.source)) for x in values]
    cap = v.get("capacity")
    if cap is not None:
        deal.power_mw = _figures(cap.power_mw)
        deal.accelerators = _accelerators(cap.accelerators)
    deal.price = _money(v.get("price"))
    deal.total_value = _money(v.get("total_value"))
    if deal.start and deal.end and deal.end.last < deal.start.first:
        ctx.add("end", f"ends ({deal.end}) before it starts ({deal.start})", ctx.line("end"))
    deal.sources = _sources(v.get("sources"))
    _check_source_indexes(ctx, [("capacity.power_mw", deal.power_mw), ("capacity.accelerators", deal.accelerators),
                                ("price", deal.price), ("total_value", deal.total_value),
                                *deal.date_values.items()])
    if kind == "joint_venture":
        if len(deal.members) < 2:
            ctx.add("members", "a joint venture needs two or more members", ctx.line("members"))
        for f in ("provider", "customer"):
            if d.get(f) is not None:
                ctx.add(f, "a joint venture names members, not a provider and customer", ctx.line(f))
    elif kind is not None:
        for f in ("provider", "customer"):
            if getattr(deal, f) is None and not (f in d and d[f] is not None):
                ctx.add(f, "required field is missing", ctx.line(f))
        if deal.members:
            ctx.add("members", "only joint ventures have members; use provider and customer", ctx.line("members"))
    return deal if rid else None


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
    for hook in extra_checks:
        hook(cat, read, report)
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
