"""Lookups on a store: a company's deals, deals by filter, stats. Plain dicts out.

Runs on pyoxigraph alone (no rdflib): the CLI's fast path. Deals are assembled from a few
named queries (``graph/queries/_deal-*.rq``), each bound to one company when looking up a
company, so the cost grows with that company's deals, not with the store.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from decimal import Decimal
from typing import Any, Iterable, Sequence

from .dates import stored_text
from .errors import BadValue, UnknownName
from .query import run_named
from .store import IRI
from .vocab import CKG, DEAL_KINDS, DEAL_STATUSES, PRIMARY_SOURCE_KINDS, notation

ROLES = ("provider", "customer", "member", "guarantor", "end_user")


def plain_number(v: Any) -> Any:
    """A decimal from the store as an int (when whole) or a float, for output; anything else as is."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def _pdate(value: _dt.date | None, precision: str | None, last: bool = False) -> str | None:
    return stored_text(value, precision, last=last)


# ---------------------------------------------------------------------------- companies

def company_index(store) -> list[dict]:
    """Every company: id, name, aliases, kind, parent."""
    by_id: dict[str, dict] = {}
    for r in run_named(store, "_company-names"):
        c = by_id.setdefault(r["id"], {"id": r["id"], "name": r["name"], "aliases": [], "kind": notation(r["kind"]),
                                       "parent": r["parent"], "parent_since": r["parentSince"],
                                       "country": r["country"], "iri": r["company"]})
        if r["alias"] and r["alias"] not in c["aliases"]:
            c["aliases"].append(r["alias"])
    for c in by_id.values():
        c["aliases"].sort()
    return [by_id[k] for k in sorted(by_id)]


def resolve_name(store, what: str, name: str, *, exact: str, scan: str, names) -> dict:
    """Find one thing by id, name or alias, case-insensitively; UnknownName with suggestions.

    ``exact`` and ``scan`` name internal queries (index lookups first, then a case-insensitive
    scan) that return ``?<what> ?id ?name``; ``names()`` gives every (name, id) pair, only
    needed for "did you mean" when nothing matched.
    """
    cls = CKG.Company if what == "company" else CKG.Facility
    found: dict[str, dict] = {}
    for key in dict.fromkeys((name.strip(), name.strip().lower())):
        if found:
            break
        for hit in run_named(store, exact, {"key": key}):
            for r in run_named(store, "_node-label", {"node": hit[what]}):
                if r["type"] == cls:
                    found[r["id"]] = {"id": r["id"], "name": r["name"], "iri": r["node"]}
    if not found:
        found = {r["id"]: {"id": r["id"], "name": r["name"], "iri": r[what].value}
                 for r in run_named(store, scan, {"key": name.strip().lower()})}
    if len(found) == 1:
        return next(iter(found.values()))
    if len(found) > 1:
        raise UnknownName(what, name, sorted(found))
    raise UnknownName(what, name, suggest(name, names()))


def suggest(name: str, pairs, n: int = 3) -> list[str]:
    """Ids to suggest for a name that matched nothing: those with a name containing it (shortest
    names first), then close spellings; one suggestion per id.

    >>> suggest("abilen", [("stargate-abilene", "stargate-abilene"), ("Stargate Abilene", "stargate-abilene"),
    ...                    ("OpenAI Stargate Abilene Phase 1", "epoch-abilene-1"), ("Abilene", "x")][:3])
    ['stargate-abilene', 'epoch-abilene-1']
    """
    import difflib

    key = name.strip().lower()
    by_name: dict[str, str] = {}
    for text, rid in pairs:
        by_name.setdefault(text.lower(), rid)
    contains = sorted((k for k in by_name if key and key in k), key=lambda k: (len(k), k))
    close = difflib.get_close_matches(key, list(by_name), n=10, cutoff=0.6)
    return list(dict.fromkeys(by_name[k] for k in [*contains, *close]))[:n]


def resolve_company(store, name: str) -> dict:
    """Find a company by id, name or alias (case-insensitive); UnknownName with suggestions."""
    def names():
        return [(n, c["id"]) for c in company_index(store) for n in (c["id"], c["name"], *c["aliases"])]

    return resolve_name(store, "company", name, exact="_resolve-exact", scan="_resolve-company", names=names)


# ---------------------------------------------------------------------------- deals

def fetch_deals(store, party: str | None = None) -> list[dict]:
    """Every deal (or every deal ``party`` takes part in), as dicts sorted by id."""
    params = {"party": IRI(party)} if party else None
    deals: dict[str, dict] = {}
    for r in run_named(store, "_deal-core", params):
        key = r["deal"]
        if key in deals:
            continue
        deals[key] = {
            "id": r["id"], "kind": notation(r["class"]), "status": notation(r["status"]),
            "provider": None, "customer": None, "members": [], "guarantor": None, "end_user": None,
            "parties": {},
            "facilities": [], "power_mw": [], "accelerators": [], "price": [], "total_value": [],
            "announced": _pdate(r["announced"], notation(r["announcedP"])),
            "start": _pdate(r["start"], notation(r["startP"])),
            "end": _pdate(r["end"], notation(r["endP"]), last=True),
            "start_date": r["start"], "end_date": r["end"],
            "supersedes": r["supersedes"], "terms": r["terms"], "notes": r["notes"], "sources": [],
        }
    for r in run_named(store, "_deal-parties", params):
        d = deals.get(r["deal"])
        if d is None:
            continue
        cid, role = r["companyId"], r["role"]
        d["parties"][cid] = r["companyName"]
        if role == "member":
            if cid not in d["members"]:
                d["members"].append(cid)
        else:
            d[role] = cid
    for r in run_named(store, "_deal-facilities", params):
        d = deals.get(r["deal"])
        if d is not None and r["facilityId"] not in d["facilities"]:
            d["facilities"].append(r["facilityId"])
    seen_values: set[tuple] = set()
    for r in sorted(run_named(store, "_deal-values", params), key=lambda r: (r["node"],)):
        d = deals.get(r["deal"])
        key = (r["deal"], r["node"])
        if d is None or key in seen_values:
            continue
        seen_values.add(key)
        v: dict[str, Any] = {"headline": r["node"] == r["head"]}
        field = r["field"]
        if field == "accelerators":
            v.update(model=r["model"], count=plain_number(r["value"]))
        elif field == "power_mw":
            v.update(value=plain_number(r["value"]))
        else:
            v.update(amount=plain_number(r["value"]), currency=r["currency"])
            if field == "price":
                v["per"] = notation(r["per"])
        v["qualifier"] = notation(r["qualifier"])
        v["source"] = r["sourceUrl"]
        v["_order"] = _node_order(r["node"])
        d[field].append(v)
    seen_sources: set[tuple] = set()
    for r in run_named(store, "_deal-sources", params):
        d = deals.get(r["deal"])
        key = (r["deal"], r["source"])
        if d is None or key in seen_sources:
            continue
        seen_sources.add(key)
        kind = notation(r["kind"])
        d["sources"].append({"publisher": r["publisher"], "title": r["title"], "url": r["url"],
                             "date": _pdate(r["date"], notation(r["dateP"])), "kind": kind,
                             "primary": kind in PRIMARY_SOURCE_KINDS})
    for d in deals.values():
        d["members"].sort()
        d["facilities"].sort()
        for f in ("power_mw", "accelerators", "price", "total_value"):
            d[f].sort(key=lambda v: v.pop("_order"))
        d["sources"].sort(key=lambda s: (not s["primary"], s["date"] or "", s["url"]))
    return sorted(deals.values(), key=lambda d: d["id"])


def _node_order(iri: str) -> tuple:
    head, _, tail = iri.rpartition("/")
    return (head, int(tail) if tail.isdigit() else 0)


def in_force(deal: dict, on: _dt.date) -> bool:
    """In force on a date: start <= date <= end; deals lacking either date are not in force."""
    s, e = deal.get("start_date"), deal.get("end_date")
    return s is not None and e is not None and s <= on <= e


def check_choice(value: str | None, allowed: Iterable[str], what: str) -> None:
    if value is not None and value not in allowed:
        import difflib

        allowed = list(allowed)
        close = difflib.get_close_matches(value, allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else "choose one of: " + ", ".join(allowed)
        raise BadValue(f"unknown {what} {value!r}", hint)


def select_deals(deals: Iterable[dict], *, provider: str | None = None, customer: str | None = None,
                 kind: str | None = None, status: str | None = None, as_of: _dt.date | None = None,
                 party: str | None = None) -> list[dict]:
    """Filter deal dicts; company arguments are resolved ids."""
    check_choice(kind, DEAL_KINDS, "deal kind")
    check_choice(status, DEAL_STATUSES, "deal status")
    out = []
    for d in deals:
        if provider and d["provider"] != provider:
            continue
        if customer and d["customer"] != customer:
            continue
        if party and party not in d["parties"]:
            continue
        if kind and d["kind"] != kind:
            continue
        if status and d["status"] != status:
            continue
        if as_of is not None and not in_force(d, as_of):
            continue
        out.append(d)
    return out


def company_deals(store, name: str, *, as_of: _dt.date | None = None, companies: Sequence[dict] | None = None
                  ) -> tuple[dict, list[dict]]:
    """Every deal a company takes part in, with its role and counterparties.

    ``companies`` (for roll-ups) lists several resolved companies to merge.
    """
    company = resolve_company(store, name)
    group = list(companies) if companies else [company]
    ids = {c["id"] for c in group}
    rows: dict[str, dict] = {}
    for c in group:
        for d in fetch_deals(store, c["iri"]):
            rows.setdefault(d["id"], d)
    out = []
    for d in sorted(rows.values(), key=lambda d: d["id"]):
        if as_of is not None and not in_force(d, as_of):
            continue
        roles = [r for r in ROLES if (d[r] in ids if r != "member" else any(m in ids for m in d["members"]))]
        d = dict(d)
        d["role"] = "+".join(roles)
        d["counterparty"] = sorted(p for p in d["parties"] if p not in ids)
        out.append(d)
    return company, out


# ---------------------------------------------------------------------------- stats

def stats(store) -> dict:
    """Coverage: counts by kind, status and year; primary-source share; most-missing fields."""
    rows = run_named(store, "stats-counts")
    counts = {r["what"]: r["n"] for r in rows}
    deals = fetch_deals(store)
    by_kind: dict[str, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    by_year: dict[str, int] = defaultdict(int)
    missing: dict[str, int] = defaultdict(int)
    primary = 0
    for d in deals:
        by_kind[d["kind"]] += 1
        by_status[d["status"] or "(none)"] += 1
        year = (d["announced"] or d["start"] or "")[:4] or "(unknown)"
        by_year[year] += 1
        if any(s["primary"] for s in d["sources"]):
            primary += 1
        for f in ("power_mw", "accelerators", "price", "total_value", "facilities", "announced", "start", "end",
                  "status"):
            if not d[f]:
                missing[f] += 1
        if not any(s["date"] for s in d["sources"]):
            missing["dated source"] += 1
    n = len(deals)
    out = {
        "companies": counts.get("companies", 0),
        "facilities": counts.get("facilities", 0),
        "deals": n,
        "sources": counts.get("sources", 0),
        "deals_by_kind": dict(sorted(by_kind.items())),
        "deals_by_status": dict(sorted(by_status.items())),
        "deals_by_year": dict(sorted(by_year.items())),
        "deals_with_primary_source": primary,
        "primary_source_share": round(primary / n, 3) if n else 0.0,
        "fields_missing": dict(sorted(missing.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
    epoch = {r["what"]: r["n"] for r in run_named(store, "_epoch-counts")}
    if epoch.get("datasets"):  # what the Epoch AI import added, and what it could not map
        out["epoch"] = {k: epoch.get(k, 0) for k in EPOCH_STATS}
    return out


EPOCH_STATS = ("datasets", "facilities", "facilities_new", "facilities_linked", "clusters_in_curated_facilities",
               "compute_uses", "uses_confident", "uses_likely", "uses_speculative", "uses_untagged",
               "leases_per_epoch", "snapshots_observed", "snapshots_projected", "companies_from_epoch",
               "unmapped_names")


def subsidiaries(store, company_id: str, as_of: _dt.date | None = None) -> list[dict]:
    """The company and every company below it (org:subOrganizationOf, any depth), first itself.

    With ``as_of``, only parent links begun by then (``parent_since`` on or before it; links
    without a date count), as ``--as-of`` means everywhere."""
    index = company_index(store)
    by_id = {c["id"]: c for c in index}
    children: dict[str, list[str]] = defaultdict(list)
    for c in index:
        if c["parent"]:
            children[c["parent"]].append(c["id"])
    out, todo, seen = [], [company_id], set()
    while todo:
        cid = todo.pop(0)
        if cid in seen or cid not in by_id:
            continue
        seen.add(cid)
        out.append(by_id[cid])
        todo.extend(c for c in sorted(children[cid])
                    if as_of is None or by_id[c]["parent_since"] is None or by_id[c]["parent_since"] <= as_of)
    return out
