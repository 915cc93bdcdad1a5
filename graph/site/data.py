"""Everything the website shows, gathered from a store: the one module of the site that reads it.

The pages (:mod:`graph.site.pages`) render only what this module returns: plain dicts and lists.
It calls the library's lookups (:mod:`graph.lookup`, :mod:`graph.facilities`,
:mod:`graph.render` for the graph views, :mod:`graph.query` for the named queries) and no SPARQL
of its own beyond the ``_site-*.rq`` internal queries; when a single Python API object (with
typed results) exists, this is the module to switch to it.

:class:`SiteData` is built once per store (:func:`gather`); the per-page functions
(:func:`company_page`, :func:`deal_page`, :func:`facility_page`...) take it and a store and
answer for one entity, so a server can render one page on demand.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..dates import PartialDate, parse_or_none
from ..figures import not_added
from ..lookup import ROLES, company_index, fetch_deals, plain_number
from ..query import run_named
from ..store import IRI
from ..vocab import DEAL_KINDS, DEAL_STATUSES, ID_NS, notation

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
EPOCH_CREDIT = "Includes data from Epoch AI (epoch.ai), used under CC BY 4.0."
EPOCH_URL = "https://epoch.ai/data"
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class SiteData:
    """The store's content, indexed for pages (built by :func:`gather`)."""

    companies: dict[str, dict]
    deals: dict[str, dict]
    facilities: dict[str, dict]
    deals_of: dict[str, list[str]]
    superseded_by: dict[str, list[str]]
    subsidiaries: dict[str, list[str]]
    sources: list[dict]
    epoch: bool
    data_as_of: str | None
    today: _dt.date = field(default_factory=_dt.date.today)
    _order: dict[str, int] = field(default_factory=dict, repr=False)

    def company_name(self, cid: str | None, parties: dict | None = None) -> str:
        if not cid:
            return ""
        if cid in self.companies:
            return self.companies[cid]["name"]
        return (parties or {}).get(cid, cid)

    def company_order(self) -> dict[str, int]:
        """company id -> its position in ``companies`` (found once)."""
        if len(self._order) != len(self.companies):
            self._order = {cid: i for i, cid in enumerate(self.companies)}
        return self._order

    def facility_name(self, fid: str) -> str:
        return self.facilities[fid]["name"] if fid in self.facilities else fid


def gather(store) -> SiteData:
    """Read every company, deal and facility once (a few whole-store queries)."""
    from ..facilities import facility_index

    companies = {c["id"]: dict(c) for c in company_index(store)}
    for r in run_named(store, "_site-company-extra"):
        c = companies.get(r["id"])
        if c is not None and r["wikidata"]:
            c["wikidata"] = r["wikidata"]
    for c in companies.values():
        c.setdefault("wikidata", None)
        c["iri"] = str(c["iri"])
    subs: dict[str, list[str]] = defaultdict(list)
    for c in companies.values():
        if c["parent"]:
            subs[c["parent"]].append(c["id"])
    deals = {d["id"]: d for d in fetch_deals(store)}
    deals_of: dict[str, list[str]] = defaultdict(list)
    superseded_by: dict[str, list[str]] = defaultdict(list)
    for d in deals.values():
        for p in d["parties"]:
            deals_of[p].append(d["id"])
        if d["supersedes"]:
            superseded_by[d["supersedes"]].append(d["id"])
    facilities = {f["id"]: dict(f) for f in facility_index(store)}
    from ..render import _facility_rows  # the views' own reading of ``_facilities``: location fields

    for row in _facility_rows(run_named(store, "_facilities")):
        f = facilities.get(row["id"])
        if f is not None:
            f.update(lat=row["lat"], lon=row["lon"], city=row["city"], country=row["country"])
    for f in facilities.values():
        for k in ("lat", "lon", "city", "country"):
            f.setdefault(k, None)
        f["power"] = f["mw"] if f["mw"] is not None else f["epoch_mw"]
    sources = _sources(deals)
    dates = [s["date"] for s in sources if s["date"]]
    epoch = bool(run_named(store, "_epoch-present"))
    return SiteData(companies=companies, deals=deals, facilities=facilities,
                    deals_of={k: sorted(v) for k, v in deals_of.items()},
                    superseded_by={k: sorted(v) for k, v in superseded_by.items()},
                    subsidiaries={k: sorted(v) for k, v in subs.items()},
                    sources=sources, epoch=epoch, data_as_of=max(dates) if dates else None)


def _sources(deals: dict[str, dict]) -> list[dict]:
    by_url: dict[tuple, dict] = {}
    for d in deals.values():
        for s in d["sources"]:
            key = (s["url"], s["title"], s["publisher"], s["date"])
            e = by_url.setdefault(key, {**s, "deals": []})
            if d["id"] not in e["deals"]:
                e["deals"].append(d["id"])
    return sorted(by_url.values(), key=lambda s: (s["publisher"].lower(), s["date"] or "", s["title"], s["url"]))


# ---------------------------------------------------------------------------- figures as text

_QUAL = {"approx": "about ", "up_to": "up to ", "at_least": "at least ", "more_than": "more than ", "exact": ""}
_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def number(v: Any) -> str:
    v = plain_number(v)
    if isinstance(v, float):
        if v.is_integer():
            v = int(v)
        else:
            return f"{v:,.3f}".rstrip("0").rstrip(".")
    return f"{v:,}" if isinstance(v, int) else str(v)


def money(m: dict) -> str:
    from ..output import money_text

    return money_text(m)


def value_text(field_name: str, v: dict) -> str:
    """One sourced value of a figure as text: ``about 300 MW``, ``$1.25B/month``, ``24,000 H100``."""
    q = _QUAL.get(v.get("qualifier") or "", "")
    if field_name == "power_mw":
        return f"{q}{number(v['value'])} MW"
    if field_name == "accelerators":
        return (f"{q}{number(v['count'])} {v['model']}" if v.get("count") is not None
                else f"{v['model']} (count not given)")
    return money(v)


def headline_text(d: dict, field_name: str) -> str:
    return "; ".join(value_text(field_name, v) for v in d[field_name] if v["headline"])


def disputed(d: dict, field_name: str) -> bool:
    return any(not v["headline"] for v in d[field_name])


date_period = parse_or_none


def date_with_precision(text: str | None) -> dict | None:
    p = date_period(text)
    if p is None:
        return None
    return {"text": text, "precision": p.precision, "first": p.first.isoformat(), "last": p.last.isoformat()}


def term_text(d: dict) -> str:
    if not d.get("start") and not d.get("end"):
        return ""
    return f"{d.get('start') or '?'} to {d.get('end') or '?'}"


# ---------------------------------------------------------------------------- pages

def role_of(d: dict, ids: set[str]) -> str:
    """The company's roles in a deal, as ``graph.lookup.company_deals`` words them."""
    roles = [r for r in ROLES if (d[r] in ids if r != "member" else any(m in ids for m in d["members"]))]
    return "+".join(roles)


def deal_row(data: SiteData, d: dict, ids: set[str] | None = None) -> dict:
    """A deal as a table row: parties, figures, term, status, sources."""
    row = {
        "id": d["id"], "kind": d["kind"], "status": d["status"],
        "provider": d["provider"], "customer": d["customer"], "members": d["members"],
        "facilities": [{"id": f, "name": data.facility_name(f), "page": f in data.facilities}
                       for f in d["facilities"]],
        "mw": headline_text(d, "power_mw"), "mw_disputed": disputed(d, "power_mw"),
        "accelerators": headline_text(d, "accelerators"), "accelerators_disputed": disputed(d, "accelerators"),
        "money": "; ".join([value_text("price", v) for v in d["price"] if v["headline"]]
                           + [value_text("total_value", v) + " total" for v in d["total_value"] if v["headline"]]),
        "money_disputed": disputed(d, "price") or disputed(d, "total_value"),
        "announced": d["announced"], "start": d["start"], "end": d["end"], "term": term_text(d),
        "sources": d["sources"], "primary": any(s["primary"] for s in d["sources"]),
        "names": {cid: data.company_name(cid, d["parties"]) for cid in d["parties"]},
    }
    if ids is not None:
        row["role"] = role_of(d, ids)
        row["counterparty"] = [{"id": c, "name": data.company_name(c, d["parties"])}
                               for c in sorted(p for p in d["parties"] if p not in ids)]
    return row


def company_page(store, data: SiteData, cid: str) -> dict:
    """A company: names, parent and subsidiaries, deals both ways, term bars, Epoch AI sites."""
    from ..facilities import facilities_of

    c = data.companies[cid]
    ids = {cid}
    deals = [data.deals[i] for i in data.deals_of.get(cid, [])]
    rows = [deal_row(data, d, ids) for d in deals]
    sites = facilities_of(store, [c])
    parent = None
    if c["parent"]:
        parent = {"id": c["parent"], "name": data.company_name(c["parent"]), "since": _iso(c["parent_since"])}
    subs = [{"id": s, "name": data.company_name(s), "since": _iso(data.companies[s]["parent_since"])}
            for s in data.subsidiaries.get(cid, [])]
    return {"company": c, "parent": parent, "subsidiaries": subs, "deals": rows,
            "bars": term_bars(deals, data.today), "sites": sites}


def _iso(v: Any) -> str | None:
    return v.isoformat() if isinstance(v, _dt.date) else v


def term_bars(deals: list[dict], today: _dt.date) -> dict:
    """One bar per deal with a start or an end: the certain part and the partial-date periods."""
    bars = []
    for d in sorted(deals, key=lambda d: (d["start"] or d["announced"] or "9999", d["id"])):
        s, e = date_period(d["start"]), date_period(d["end"])
        if s is None and e is None:
            continue
        bars.append({"id": d["id"], "kind": d["kind"], "status": d["status"],
                     "start": d["start"], "end": d["end"],
                     "start_first": s.first if s else None, "start_last": s.last if s else None,
                     "end_first": e.first if e else None, "end_last": e.last if e else None})
    return {"bars": bars, "today": today}


def deal_page(data: SiteData, did: str) -> dict:
    """A deal: parties with roles, facilities, every sourced value of every figure, dates, sources."""
    d = data.deals[did]
    by_url = {s["url"]: s for s in d["sources"]}
    parties = []
    for role in ROLES:
        ids = d["members"] if role == "member" else ([d[role]] if d[role] else [])
        for cid in ids:
            parties.append({"role": role.replace("_", " "), "id": cid, "name": data.company_name(cid, d["parties"]),
                            "page": cid in data.companies})
    figures = []
    for name, label in (("power_mw", "Power"), ("accelerators", "Accelerators"), ("price", "Price"),
                        ("total_value", "Total value")):
        values = [{"text": value_text(name, v), "headline": v["headline"], "source": by_url.get(v["source"]),
                   "url": v["source"]} for v in d[name]]
        if values:
            figures.append({"label": label, "values": values, "disputed": disputed(d, name)})
    dates = []  # every sourced value of a date where sources disagree (issue 11), else the date
    for k, label in (("announced", "Announced"), ("start", "Start"), ("end", "End")):
        values = (d.get("date_values") or {}).get(k)
        if not values:
            dates.append({"label": label, "v": date_with_precision(d[k]), "headline": True, "source": None,
                          "url": None, "qualifier": "", "disputed": False})
            continue
        split = any(not x["headline"] for x in values)
        for x in values:
            dates.append({"label": label, "v": date_with_precision(x["value"]), "headline": x["headline"],
                          "source": by_url.get(x["source"]), "url": x["source"], "disputed": split,
                          "qualifier": {"approx": "about", "up_to": "up to", "at_least": "at least",
                                        "more_than": "more than"}.get(x["qualifier"] or "", "")})
    return {"deal": d, "row": deal_row(data, d), "parties": parties, "figures": figures,
            "dates": [x for x in dates if x["v"]],
            "supersedes": d["supersedes"], "superseded_by": data.superseded_by.get(did, []),
            "links": [(label, d.get(key) or []) for key, label in
                      (("amends", "Amends"), ("expands", "Expands"), ("overlaps", "Overlaps"))
                      if d.get(key)],
            "facilities": [{"id": f, "name": data.facility_name(f), "page": f in data.facilities}
                           for f in d["facilities"]],
            "bars": term_bars([d], data.today)}


def facility_page(store, data: SiteData, fid: str) -> dict:
    """A facility: location, operator and owner, power over time, users, deals, GPU clusters."""
    from ..facilities import facility_report

    report = facility_report(store, fid)
    report["deal_rows"] = [deal_row(data, data.deals[d["id"]]) for d in report["deals"] if d["id"] in data.deals]
    report["index"] = data.facilities[fid]
    return report


def sources_page(data: SiteData) -> list[dict]:
    return data.sources


def headline(data: SiteData) -> dict:
    """Figures for the home page: counts, contracted MW, committed money per currency, newest deals."""
    mw = 0.0
    money_by: dict[str, float] = defaultdict(float)
    skip = not_added(list(data.deals.values()))  # money counted once (issue 11)
    for d in data.deals.values():
        if d["id"] in skip:
            continue
        for v in d["power_mw"]:
            if v["headline"]:
                mw += float(v["value"])
        for v in d["total_value"]:
            if v["headline"]:
                money_by[v["currency"]] += float(v["amount"])
    newest = sorted(data.deals.values(), key=lambda d: (d["announced"] or d["start"] or "", d["id"]), reverse=True)
    return {"deals": len(data.deals), "companies": len(data.companies), "facilities": len(data.facilities),
            "mw": mw, "money": sorted(money_by.items(), key=lambda kv: -kv[1]),
            "newest": [deal_row(data, d) for d in newest[:12]],
            "with_coordinates": sum(1 for f in data.facilities.values() if f["lat"] is not None)}


def named_queries(store) -> list[dict]:
    """Each user query with its SPARQL and its current result (parameters from its example)."""
    from ..query import run, user_queries
    from ..store import Rows

    out = []
    for q in user_queries():
        if q.name.startswith("derive-"):
            continue
        example = dict(re.findall(r"-p (\w+)=(\S+?)[),;]?(?=\s|\)|$)", q.params)) if "optional" not in q.params else {}
        required = {k: v for k, v in example.items()}
        try:
            result = run(store, q.text, required)
        except Exception as exc:  # a query that cannot run on this store: say so on its page
            out.append({"name": q.name, "summary": q.summary, "params": q.params, "text": q.text,
                        "bindings": required, "error": str(exc), "variables": [], "rows": [], "total": 0})
            continue
        if isinstance(result, Rows):
            variables = [v for v in result.variables if v not in required]
            rows = [[_cell(r.get(v)) for v in variables] for r in result.rows]
        elif isinstance(result, bool):
            variables, rows = ["boolean"], [[str(result).lower()]]
        else:
            variables, rows = ["triple"], [[t] for t in result]
        out.append({"name": q.name, "summary": q.summary, "params": q.params, "text": q.text, "bindings": required,
                    "error": None, "variables": variables, "rows": rows[:200], "total": len(rows)})
    return out


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, IRI):
        return notation(v) or v.value
    if isinstance(v, _dt.date):
        return v.isoformat()
    v = plain_number(v)
    return number(v) if isinstance(v, (int, float)) else str(v)


# ---------------------------------------------------------------------------- views, map, timeline

def graph_view(store, data: SiteData, seeds: list[str] | None = None, depth: int = 1,
               max_nodes: int | None = 300) -> dict:
    """A view of the graph (the ``computekg viz`` component's data), whole or around companies.

    Around companies, only their own deals are drawn (a star: the cost of a company page grows
    with that company's deals, not with the store)."""
    from ..render import assemble_view

    facilities = _graph_facilities(store)
    if seeds:
        ids = sorted({i for s in seeds for i in data.deals_of.get(s, [])})
        deals = [data.deals[i] for i in ids]
        parties = {p for d in deals for p in d["parties"]} | set(seeds)
        order = data.company_order()  # the store's order, without a pass over every company per page
        companies = [data.companies[p] for p in sorted((p for p in parties if p in order), key=order.__getitem__)]
        fac_ids = {f for d in deals for f in d["facilities"]}
        facilities = [f for f in facilities if f["id"] in fac_ids]
    else:
        deals, companies = list(data.deals.values()), list(data.companies.values())
    return assemble_view(companies, facilities, deals, seeds=seeds or [], depth=depth, max_nodes=max_nodes,
                         epoch=data.epoch)


_FACILITY_ROWS: dict[int, list] = {}


def _graph_facilities(store) -> list[dict]:
    from ..render import _facility_rows

    key = id(store)
    if key not in _FACILITY_ROWS:
        _FACILITY_ROWS.clear()
        _FACILITY_ROWS[key] = _facility_rows(run_named(store, "_facilities"))
    return _FACILITY_ROWS[key]


def deal_terms(data: SiteData) -> dict[str, list]:
    """deal id -> [start first day, end last day] (ISO text or null), for as-of filters in pages."""
    out = {}
    for d in data.deals.values():
        s, e = date_period(d["start"]), date_period(d["end"])
        out[d["id"]] = [s.first.isoformat() if s else None, e.last.isoformat() if e else None]
    return out


def map_points(data: SiteData, ids: list[str] | None = None) -> list[dict]:
    """Every facility with coordinates (or those of ``ids``): position, power, status, country, operator."""
    pts = []
    for f in (data.facilities.values() if ids is None else [data.facilities[i] for i in ids]):
        if f["lat"] is None or f["lon"] is None:
            continue
        pts.append({"id": f["id"], "name": f["name"], "lat": float(f["lat"]), "lon": float(f["lon"]),
                    "mw": float(f["power"]) if f["power"] is not None else None, "status": f["status"] or "unknown",
                    "country": f["country"] or "", "operators": [data.company_name(o) for o in f["operators"]],
                    "owners": [data.company_name(o) for o in f["owners"]]})
    return sorted(pts, key=lambda p: p["id"])


def timeline(data: SiteData) -> dict:
    """Deals over time, for the timeline page: one record per deal with its month, parties, figures."""
    rows = []
    for d in sorted(data.deals.values(), key=lambda d: d["id"]):
        when = date_period(d["announced"] or d["start"])
        mw = sum(float(v["value"]) for v in d["power_mw"] if v["headline"])
        money_by = defaultdict(float)
        for v in d["total_value"]:
            if v["headline"]:
                money_by[v["currency"]] += float(v["amount"])
        s, e = date_period(d["start"]), date_period(d["end"])
        rows.append({"id": d["id"], "kind": d["kind"], "status": d["status"],
                     "month": when.first.isoformat()[:7] if when else None,
                     "day": when.first.isoformat() if when else None,
                     "provider": d["provider"] or (d["members"][0] if d["members"] else None),
                     "customer": d["customer"], "mw": mw or None, "money": dict(money_by),
                     "start": s.first.isoformat() if s else None, "end": e.last.isoformat() if e else None,
                     # deals whose money this one counts (amends/overlaps: figures.not_added), so the
                     # cumulative chart adds the same money once
                     "replaces": sorted({*(d.get("amends") or ()), *(d.get("overlaps") or ())})})
    names = {cid: data.company_name(cid) for d in data.deals.values() for cid in d["parties"]}
    return {"deals": rows, "names": dict(sorted(names.items())), "kinds": dict(DEAL_KINDS),
            "statuses": dict(DEAL_STATUSES), "today": data.today.isoformat()}


def search_index(data: SiteData) -> list[list]:
    """[type, id, name, other names joined] for every company, facility and deal (client search)."""
    out: list[list] = []
    for c in data.companies.values():
        out.append(["company", c["id"], c["name"], " ".join(c["aliases"])])
    for f in data.facilities.values():
        out.append(["facility", f["id"], f["name"], " ".join([*f["aliases"], *f["epoch_names"]])])
    for d in data.deals.values():
        title = deal_title(data, d)
        out.append(["deal", d["id"], title, " ".join(data.company_name(p, d["parties"]) for p in d["parties"])])
    return out


def deal_title(data: SiteData, d: dict) -> str:
    kind = d["kind"].replace("_", " ")
    names = [data.company_name(p, d["parties"]) for p in (d["provider"], d["customer"]) if p]
    if not names:
        names = [data.company_name(m, d["parties"]) for m in d["members"]]
    sep = " → " if d["provider"] and d["customer"] else " + "
    return f"{kind.capitalize()}: {sep.join(names)}" if names else kind.capitalize()
