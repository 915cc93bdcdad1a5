"""Lookups on a store: a company's deals, deals by filter, stats. Plain dicts out.

Runs on pyoxigraph alone (no rdflib): the CLI's fast path. Deals are assembled from a few
named queries (``graph/queries/_deal-*.rq``), each bound to one company when looking up a
company, so the cost grows with that company's deals, not with the store.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from typing import Any, Sequence

from .dates import stored_text
from .errors import UnknownName
from .figures import plain_number
from .query import run_named
from .select import ROLES, RollUp, group_deals, in_force, roles_of, select_deals
from .store import IRI
from .suggest import ids_for
from .vocab import CKG, CKG_NS, DEAL_KINDS, PRIMARY_SOURCE_KINDS, notation

__all__ = ["company_index", "resolve_name", "resolve_company", "fetch_deals", "company_deals", "subsidiaries",
           "stats", "plain_number", "in_force", "select_deals", "ROLES"]


def _pdate(value: _dt.date | None, precision: str | None, last: bool = False) -> str | None:
    return stored_text(value, precision, last=last)


# ---------------------------------------------------------------------------- companies

def company_index(store, iri: str | None = None) -> list[dict]:
    """Every company (or the one with ``iri``): id, name, aliases, kind, parent and since, country."""
    by_id: dict[str, dict] = {}
    for r in run_named(store, "_company-names", {"company": IRI(iri)} if iri else None):
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
    raise UnknownName(what, name, ids_for(name, names()))


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
            "end": _pdate(r["end"], notation(r["endP"]), last=True), "date_values": None,
            "start_date": r["start"], "end_date": r["end"],
            "supersedes": r["supersedes"], "amends": [], "expands": [], "overlaps": [],
            "primary_source": ({"status": "none_found", "searched": r["noPrimary"].isoformat(),
                                "note": r["searchNote"]} if r["noPrimary"] else None),
            "terms": r["terms"], "notes": r["notes"], "sources": [],
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
    _date_values(store, params, deals)
    for r in run_named(store, "_deal-links", params):  # amends / expands / overlaps (issue 11)
        d = deals.get(r["deal"])
        if d is not None and r["other"] not in d[r["link"]]:
            d[r["link"]].append(r["other"])
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
        for link in ("amends", "expands", "overlaps"):
            d[link].sort()
        for f in ("power_mw", "accelerators", "price", "total_value"):
            d[f].sort(key=lambda v: v.pop("_order"))
        d["sources"].sort(key=lambda s: (not s["primary"], s["date"] or "", s["url"]))
    return sorted(deals.values(), key=lambda d: d["id"])


def _date_values(store, params, deals: dict[str, dict]) -> None:
    """``date_values`` of each deal whose dates are given as sourced values (issue 11): field ->
    [{headline, value (the date as given), qualifier, source}], headline first; None otherwise."""
    seen: set[tuple] = set()
    for r in sorted(run_named(store, "_deal-dates", params), key=lambda r: _node_order(r["node"])):
        d = deals.get(r["deal"])
        if d is None or (r["deal"], r["node"]) in seen:
            continue
        seen.add((r["deal"], r["node"]))
        field = r["field"]
        if d["date_values"] is None:
            d["date_values"] = {}
        d["date_values"].setdefault(field, []).append({
            "headline": r["node"] == r["head"], "value": _pdate(r["date"], notation(r["precision"]), last=field == "end"),
            "qualifier": notation(r["qualifier"]), "source": r["sourceUrl"]})
    for d in deals.values():
        dv = d["date_values"]
        if dv:  # headline first, then as listed; fields in date order
            d["date_values"] = {f: sorted(dv[f], key=lambda v: not v["headline"])
                                for f in ("announced", "start", "end") if f in dv}


def _node_order(iri: str) -> tuple:
    head, _, tail = iri.rpartition("/")
    return (head, int(tail) if tail.isdigit() else 0)


def company_deals(store, name: str, *, as_of: _dt.date | None = None, roll_up: bool = False,
                  companies: Sequence[dict] | None = None) -> tuple[dict, list[dict]]:
    """Every deal a company takes part in, with its role and counterparties.

    With ``roll_up`` (or ``companies``, the group as from :func:`subsidiaries`), the deals of
    the companies below it too, each counted by the roll-up rule (:mod:`graph.select`): a
    subsidiary's deal is the group's only if it is in force, or was announced, on or after the
    subsidiary's ``parent_since`` (with ``as_of``: if the link began by then).
    """
    company = resolve_company(store, name)
    group = list(companies) if companies else (subsidiaries(store, company["id"], as_of=as_of) if roll_up
                                                else [company])
    rows: dict[str, dict] = {}
    for c in group:
        for d in fetch_deals(store, c["iri"]):
            rows.setdefault(d["id"], d)
    deals = select_deals(sorted(rows.values(), key=lambda d: d["id"]), as_of=as_of)
    if len(group) > 1:
        rollup = RollUp.from_companies(company_index(store), as_of=as_of)
        chosen = group_deals(rollup, company["id"], deals)
    else:
        chosen = [(d, [company["id"]]) for d in deals]
    out = []
    for d, ids in chosen:
        d = dict(d)
        d["role"] = "+".join(roles_of(d, ids))
        d["counterparty"] = sorted(p for p in d["parties"] if p not in ids)
        out.append(d)
    return company, out


# ---------------------------------------------------------------------------- stats

def stats(store) -> dict:
    """Coverage: counts by kind, status, year and month of announcement; the data's as-of date
    (its newest dated deal source); primary-source share; most-missing fields.

    Aggregate queries only (``_stats-deals``, ``_stats-sources``, ``_stats-newest``): the store counts, and Python
    turns the few group keys (class and status IRIs, dates) into record values.
    """
    counts = {r["what"]: r["n"] for r in run_named(store, "stats-counts")}
    groups: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in run_named(store, "_stats-deals"):
        groups[r["what"]][r["key"]] += int(r["n"])
    n = groups["deals"][None]
    total = {what: sum(g.values()) for what, g in groups.items()}
    deal_classes = {CKG_NS + c for c in DEAL_KINDS.values()}
    by_kind = {notation(k): c for k, c in groups["class"].items() if k in deal_classes}
    by_status: dict[str, int] = defaultdict(int)
    for k, c in groups["status"].items():
        by_status[notation(k) or "(none)"] += c
    if n - total.get("status", 0):
        by_status["(none)"] += n - total.get("status", 0)
    by_month: dict[str, int] = defaultdict(int)  # a year-only announcement counts under its year
    for k, c in groups["announced"].items():
        by_month[f"{k.year:04d}-{k.month:02d}"] += c
    for k, c in groups["announced year"].items():
        by_month[f"{k.year:04d}-{k.month:02d}"] -= c
        by_month[f"{k.year:04d}"] += c
    by_year: dict[str, int] = defaultdict(int)  # the year of the announcement, else of the start
    for what in ("announced", "start only"):
        for k, c in groups[what].items():
            by_year[f"{k.year:04d}"] += c
    if n - total.get("announced", 0) - total.get("start only", 0):
        by_year["(unknown)"] = n - total.get("announced", 0) - total.get("start only", 0)
    src = next(iter(run_named(store, "_stats-sources")), {})
    newest = ""  # as text, a later date is always greater; at the same date, a finer precision is
    if src.get("newest"):
        newest = max(_pdate(src["newest"], notation(r["dateP"])) or ""
                     for r in run_named(store, "_stats-newest", {"date": src["newest"]}))
    missing = {f: n - total.get(f, 0) for f in ("price", "total_value", "facilities", "announced", "start", "end")}
    missing.update({f: total.get("no " + f, 0) for f in ("power_mw", "accelerators")})
    missing["status"] = by_status.get("(none)", 0)
    missing["dated source"] = n - int(src.get("n") or 0)
    primary = total.get("primary", 0)
    none_found = total.get("none found", 0)  # validation refuses none_found beside a primary source
    out = {
        "companies": counts.get("companies", 0),
        "facilities": counts.get("facilities", 0),
        "deals": n,
        "sources": counts.get("sources", 0),
        "data_as_of": newest or None,
        "deals_by_kind": dict(sorted(by_kind.items())),
        "deals_by_status": dict(sorted(by_status.items())),
        "deals_by_year": dict(sorted(by_year.items())),
        "deals_by_month": dict(sorted((k, c) for k, c in by_month.items() if c)),
        "deals_with_primary_source": primary,
        "primary_source_share": round(primary / n, 3) if n else 0.0,
        # issue 11: deals whose record says a primary source was searched for and none found,
        # and those without a primary source that say nothing (not yet searched, or not recorded)
        "deals_primary_source_none_found": none_found,
        "deals_primary_source_not_searched": n - primary - none_found,
        "fields_missing": dict(sorted(((k, c) for k, c in missing.items() if c), key=lambda kv: (-kv[1], kv[0]))),
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
    without a date count), as ``--as-of`` means everywhere. Which of their deals count for the
    group is the roll-up rule's (:func:`company_deals`)."""
    index = company_index(store)
    by_id = {c["id"]: c for c in index}
    if company_id not in by_id:
        return []
    rollup = RollUp.from_companies(index, as_of=as_of)
    below = [c for c in rollup.below(company_id) if as_of is None or rollup.under(c, company_id)]
    return [by_id[company_id], *(by_id[c] for c in below)]
