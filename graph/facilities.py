"""Facility lookups: one facility's facts, users, deals and capacity timeline; the facility list;
the facilities a company owns or uses. Plain dicts out.

Runs on pyoxigraph alone, like :mod:`graph.lookup`: a few internal queries
(``graph/queries/_facility-*.rq``), each bound to one facility or company, on the records.
Epoch AI's data (GPU clusters, data centres, timelines) was joined to the curated facilities at
compile time by its source (:mod:`graph.sources`); nothing here reads CSV.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from typing import Any, Iterable

from .dates import stored_text
from .errors import AmbiguousPlace, UnknownName
from .figures import plain_number
from .lookup import resolve_name
from .select import in_force
from .query import run_named
from .store import IRI
from .vocab import notation

_BASIS_ORDER = {"reported": 0, "calculated": 1}
_CONF_ORDER = {"confident": 0, "likely": 1, "speculative": 2, None: 3}


def _text(v: Any) -> Any:
    """A literal for output: dates as ISO text, IRIs of controlled values as their record value."""
    if isinstance(v, IRI):
        return notation(v) or v.value
    if isinstance(v, (_dt.date,)):
        return v.isoformat()
    return plain_number(v)


def _pdate(value: _dt.date | None, precision: IRI | None) -> str | None:
    if value is None:
        return None
    return stored_text(value, notation(precision))


# ---------------------------------------------------------------------------- names

def facility_index(store) -> list[dict]:
    """Every facility: id, name, aliases, Epoch names, status, owners, operators, power, H100e."""
    by_id: dict[str, dict] = {}
    for r in run_named(store, "_facility-list"):
        f = by_id.setdefault(r["id"], {
            "id": r["id"], "name": r["name"], "aliases": [], "epoch_names": [], "status": notation(r["status"]),
            "owners": [], "operators": [], "mw": None, "epoch_mw": None, "epoch_basis": None,
            "h100_equivalents": plain_number(r["h100e"]), "housed_in": r["housedIn"], "from_epoch": bool(r["fromEpoch"]),
            "iri": r["facility"].value})
        for key, field in (("alias", "aliases"), ("epochName", "epoch_names"), ("owner", "owners"),
                           ("operator", "operators")):
            if r[key] and r[key] not in f[field]:
                f[field].append(r[key])
        if r["mw"] is not None:
            f["mw"] = plain_number(r["mw"]) if f["mw"] is None else max(f["mw"], plain_number(r["mw"]))
        if r["epochMw"] is not None:
            rank = _BASIS_ORDER.get(r["basis"], 9)
            if f["epoch_mw"] is None or rank < _BASIS_ORDER.get(f["epoch_basis"], 9):
                f["epoch_mw"], f["epoch_basis"] = plain_number(r["epochMw"]), r["basis"]
    for f in by_id.values():
        for field in ("aliases", "epoch_names", "owners", "operators"):
            f[field].sort()
    return [by_id[k] for k in sorted(by_id)]


def resolve_facility(store, name: str) -> dict:
    """Find a facility by id, name, alias or Epoch AI name (case-insensitive); UnknownName with suggestions."""
    def names():
        return [(n, f["id"]) for f in facility_index(store)
                for n in (f["id"], f["name"], *f["aliases"], *f["epoch_names"])]

    try:
        return resolve_name(store, "facility", name, exact="_resolve-facility-exact", scan="_resolve-facility",
                            names=names)
    except UnknownName as unknown:
        # Not a facility's name: a city with one site answers; a city with several names them all.
        here = [{"id": r["id"], "name": r["name"], "iri": r["facility"].value}
                for r in run_named(store, "_resolve-facility-place", {"key": name.strip().lower()})]
        if len(here) == 1:
            return here[0]
        if here:
            raise AmbiguousPlace(name, [(f["id"], f["name"]) for f in here]) from None
        raise unknown


# ---------------------------------------------------------------------------- one facility

def facility_report(store, name: str, *, as_of: _dt.date | None = None) -> dict:
    """Everything about one facility: facts, sources, GPU clusters it houses, users, deals, timeline.

    With ``as_of``, deals are those in force on that date, and ``as_of`` answers the capacity on
    that date: the latest observed snapshot on or before it (and, apart, the latest projection).
    """
    found = resolve_facility(store, name)
    params = {"facility": IRI(found["iri"])}
    facts: dict[str, Any] = {"id": found["id"], "name": found["name"], "aliases": [], "epoch_names": [],
                             "status": None, "owners": [], "operators": [], "housed_in": None,
                             "confidence": None, "from_epoch": False, "address": None, "city": None,
                             "region": None, "country": None, "lat": None, "lon": None,
                             "h100_equivalents": None, "first_operational": None, "decommissioned": None}
    for r in run_named(store, "_facility-facts", params):
        field = r["field"]
        value = r["refId"] if r["refId"] is not None else _text(r["value"])
        if isinstance(facts.get(field), list):
            if value not in facts[field]:
                facts[field].append(value)
        else:
            facts[field] = value
    for field in ("aliases", "epoch_names", "owners", "operators"):
        facts[field].sort()
    facts["power_mw"], facts["accelerators"] = _values(store, params)
    return {
        "facility": facts,
        "sources": _sources(store, params),
        "clusters": _parts(store, params),
        "users": _users(store, params),
        "deals": _deals(store, params, as_of),
        "timeline": (timeline := _timeline(store, params)),
        "as_of": capacity_on(timeline, as_of) if as_of is not None else None,
    }


def _values(store, params: dict) -> tuple[list[dict], list[dict]]:
    power: dict[str, dict] = {}
    accs: dict[str, dict] = {}
    for r in run_named(store, "_facility-values", params):  # facts and sources come in separate rows
        node = r["node"].value
        target = power if r["field"] == "power_mw" else accs
        v = target.setdefault(node, {"headline": node == r["head"].value, "epoch": False, "qualifier": None,
                                     "basis": None, "sources": []})
        if r["field"] == "power_mw" and r["value"] is not None:
            v["value"] = plain_number(r["value"])
        if r["field"] == "accelerators" and r["model"] is not None:
            v["model"], v["count"] = r["model"], plain_number(r["value"])
        v["epoch"] = v["epoch"] or r["dataset"] is not None
        v["qualifier"] = v["qualifier"] or notation(r["qualifier"])
        v["basis"] = v["basis"] or r["basis"]
        if r["sourceUrl"] and r["sourceUrl"] not in v["sources"]:
            v["sources"].append(r["sourceUrl"])
    order = lambda kv: (not kv[1]["headline"], kv[1]["epoch"], _BASIS_ORDER.get(kv[1]["basis"], 9), kv[0])
    return ([v for _, v in sorted(power.items(), key=order)], [v for _, v in sorted(accs.items(), key=order)])


def _sources(store, params: dict) -> list[dict]:
    out: dict[str, dict] = {}
    for r in run_named(store, "_facility-sources", params):
        out.setdefault(r["source"].value, {
            "publisher": r["publisher"], "title": r["title"], "url": r["url"],
            "date": _text(r["date"]), "kind": notation(r["kind"]), "dataset": bool(r["isDataset"]),
            "license": r["license"].value if r["license"] is not None else None,
            "snapshot_date": _text(r["snapshot"])})
    return sorted(out.values(), key=lambda s: (not s["dataset"], s["publisher"].lower(), s["url"]))


def _site(store, iri: str) -> dict:
    """A facility's Epoch AI facts, from ``_site-facts`` (one indexed query)."""
    f: dict[str, Any] = {"id": None, "name": None, "power": {}, "chips": {}, "h100e": None, "status": None,
                         "certainty": None, "first": None, "decommissioned": None, "owners": set(), "users": {},
                         "datasets": {}, "sources": set()}
    for r in run_named(store, "_site-facts", {"facility": IRI(iri)}):
        field = r["field"]
        if field in ("id", "name"):
            f[field] = r["value"]
        elif field == "power":
            f["power"][r["node"].value] = (plain_number(r["value"]), r["basis"])
        elif field == "chips":
            f["chips"][r["node"].value] = (r["model"], plain_number(r["value"]))
        elif field == "h100e":
            f["h100e"] = plain_number(r["value"])
        elif field in ("status", "certainty"):
            f[field] = notation(r["value"])
        elif field == "first_operational":
            f["first"] = _text(r["value"])
        elif field == "decommissioned":
            f["decommissioned"] = _text(r["value"])
        elif field == "owner":
            f["owners"].add(r["refId"])
        elif field == "user":
            conf = notation(r["confidence"])
            old = f["users"].get(r["refId"], "?")
            if _CONF_ORDER.get(conf, 3) < _CONF_ORDER.get(old, 4):
                f["users"][r["refId"]] = conf
        elif field == "dataset":
            f["datasets"][r["url"]] = (r["title"], _text(r["date"]))
        elif field == "source":
            f["sources"].add((r["title"], r["url"]))
    f["power"] = sorted(f["power"].values(), key=lambda v: _BASIS_ORDER.get(v[1], 9))
    f["chips"] = sorted(f["chips"].values(), key=lambda mc: (mc[0], mc[1] or 0))
    return f


def _parts(store, params: dict) -> list[dict]:
    parts = []
    for r in run_named(store, "_facility-parts", params):
        f = _site(store, r["part"].value)
        power = f["power"][0] if f["power"] else (None, None)
        parts.append({"id": f["id"], "name": f["name"], "status": f["status"], "confidence": f["certainty"],
                      "first_operational": f["first"], "decommissioned": f["decommissioned"],
                      "h100_equivalents": f["h100e"], "power_mw": power[0], "basis": power[1],
                      "chips": [{"model": m, "count": n} for m, n in f["chips"]]})
    return sorted(parts, key=lambda p: (p["first_operational"] or "9999", p["name"] or ""))


def _users(store, params: dict) -> list[dict]:
    uses: dict[str, dict] = {}
    for r in run_named(store, "_facility-users", params):
        u = uses.setdefault(r["use"].value, {"company": r["userId"], "name": r["userName"],
                                             "confidence": notation(r["confidence"]), "via": r["viaId"],
                                             "via_name": r["viaName"],
                                             "epoch_name": r["epochName"], "sources": []})
        if r["sourceUrl"] and r["sourceUrl"] not in u["sources"]:
            u["sources"].append(r["sourceUrl"])
    return sorted(uses.values(), key=lambda u: (u["via"] != params["facility"].value.rsplit("/", 1)[-1],
                                                _CONF_ORDER.get(u["confidence"], 3), u["company"], u["via"]))


def _deals(store, params: dict, as_of: _dt.date | None) -> list[dict]:
    deals: dict[str, dict] = {}
    for r in run_named(store, "_facility-deals", params):
        d = deals.setdefault(r["id"], {
            "id": r["id"], "kind": notation(r["class"]), "status": notation(r["status"]), "provider": None,
            "customer": None, "members": [], "announced": _pdate(r["announced"], r["announcedP"]),
            "start": _pdate(r["start"], r["startP"]), "end": None, "start_date": r["start"], "end_date": None,
            "mw": None})
        if r["end"] is not None:
            d["end_date"] = r["end"]
            d["end"] = stored_text(r["end"], notation(r["endP"]), last=True)
        if r["role"] == "member":
            if r["partyId"] not in d["members"]:
                d["members"].append(r["partyId"])
        elif r["role"]:
            d[r["role"]] = r["partyId"]
        if r["mw"] is not None:
            d["mw"] = {"value": plain_number(r["mw"]), "qualifier": notation(r["qualifier"])}
    out = []
    for d in sorted(deals.values(), key=lambda d: d["id"]):
        d["members"].sort()
        if as_of is not None and not in_force(d, as_of):
            continue
        out.append(d)
    return out


def _timeline(store, params: dict) -> list[dict]:
    rows = {}
    for r in run_named(store, "_facility-timeline", params):
        rows.setdefault(r["snap"].value, {"date": r["date"], "projected": bool(r["projected"]),
                                          "power_mw": plain_number(r["mw"]), "h100_equivalents": plain_number(r["h100e"]),
                                          "construction_status": r["status"]})
    return sorted(rows.values(), key=lambda s: (s["date"], s["projected"]))


def capacity_on(timeline: Iterable[dict], on: _dt.date) -> dict:
    """The capacity on a date: the latest observed snapshot on or before it, and apart, the latest
    projected one on or before it when that is later (a projection, not an observation).

    >>> tl = [{"date": _dt.date(2025, 9, 26), "projected": False, "power_mw": 295},
    ...       {"date": _dt.date(2026, 4, 1), "projected": True, "power_mw": 590}]
    >>> capacity_on(tl, _dt.date(2025, 10, 1))["observed"]["power_mw"]
    295
    >>> capacity_on(tl, _dt.date(2026, 5, 1))["projected"]["power_mw"]
    590
    """
    observed = [s for s in timeline if not s["projected"] and s["date"] <= on]
    projected = [s for s in timeline if s["projected"] and s["date"] <= on]
    obs = max(observed, key=lambda s: s["date"]) if observed else None
    proj = max(projected, key=lambda s: s["date"]) if projected else None
    if obs is not None and proj is not None and proj["date"] <= obs["date"]:
        proj = None
    return {"date": on, "observed": obs, "projected": proj}


# ---------------------------------------------------------------------------- lists

def facilities_list(store) -> list[dict]:
    """Every facility, for ``computekg facilities`` (sorted by id)."""
    return [{k: v for k, v in f.items() if k != "iri"} for f in facility_index(store)]


def facilities_of(store, companies: Iterable[dict]) -> list[dict]:
    """Facilities the companies own (as Epoch AI records it) or use compute at (per Epoch AI).

    Rows are shaped like :func:`graph.lookup.company_deals` rows (same keys: ``id``, ``kind``,
    ``role``, ``counterparty``, ``facilities``, ``power_mw``, ``accelerators``, ``status``,
    ``sources``...) so the ``company`` command prints them beside the deals: ``kind`` is
    ``owns_facility`` or ``uses_compute_at``, ``id`` the facility's id, ``confidence`` Epoch's
    confidence in the use. Empty when the graph holds no Epoch AI data.
    """
    group = list(companies)
    ids = {c["id"] for c in group}
    rels: dict[str, set[str]] = defaultdict(set)
    for c in group:
        for r in run_named(store, "_company-facilities", {"company": IRI(c["iri"])}):
            rels[r["facility"].value].add(r["rel"])
    facs = {}
    for iri, rel in rels.items():
        f = _site(store, iri)
        f["rels"] = rel
        facs[f["id"]] = f
    rows = []
    for fid, f in sorted(facs.items()):
        owner = bool(f["owners"] & ids) and "owner" in f["rels"]
        user_confs = [f["users"][i] for i in sorted(ids & set(f["users"]))]
        best = min(user_confs, key=lambda c: _CONF_ORDER.get(c, 3)) if user_confs else None
        roles = (["owner"] if owner else []) + (["user"] if user_confs else [])
        role = "+".join(roles) + (f" ({best})" if best else "")
        counter = sorted(f["owners"] - ids) if not owner else sorted(set(f["users"]) - ids)
        power = f["power"]
        sources = [{"publisher": "Epoch AI", "title": t, "url": u, "date": d, "kind": "dataset", "primary": False}
                   for u, (t, d) in sorted(f["datasets"].items())]
        sources += [{"publisher": p, "title": "Source cited by Epoch AI", "url": u, "date": None, "kind": None,
                     "primary": False} for p, u in sorted(f["sources"])]
        accs = [{"model": m, "count": n, "qualifier": None, "headline": True} for m, n in f["chips"]]
        if f["h100e"] is not None:
            accs.append({"model": "H100-equivalents", "count": round(f["h100e"]), "qualifier": None,
                         "headline": True})
        rows.append({
            "id": fid, "kind": "owns_facility" if owner else "uses_compute_at", "role": role,
            "counterparty": counter, "name": f["name"], "confidence": best, "status": f["status"],
            "provider": None, "customer": None, "members": [], "guarantor": None, "end_user": None,
            "parties": {}, "facilities": [fid],
            # Epoch's reported figure when it has one, else its calculated one (both under epoch_power).
            "power_mw": [{"value": v, "basis": b, "qualifier": None, "headline": True, "source": None}
                         for v, b in power[:1]],
            "epoch_power": [{"value": v, "basis": b} for v, b in power],
            "accelerators": accs, "price": [], "total_value": [], "announced": None,
            "start": f["first"], "end": f["decommissioned"], "supersedes": None, "terms": None, "notes": None,
            "sources": sources,
        })
    return rows


# ---------------------------------------------------------------------------- tables of a report

def _round(v: Any) -> Any:
    return round(v) if isinstance(v, float) else v


def report_sections(report: dict) -> list[tuple[str, list[dict]]]:
    """A facility report as titled tables of plain rows (for table, CSV and JSON-lines output)."""
    f = report["facility"]
    facts = []
    for key in ("id", "name", "aliases", "epoch_names", "status", "owners", "operators", "housed_in", "confidence",
                "address", "city", "region", "country", "lat", "lon", "h100_equivalents", "first_operational",
                "decommissioned"):
        value = f.get(key)
        if value not in (None, [], ""):
            facts.append({"field": key, "value": _round(value) if key == "h100_equivalents" else value})
    sections: list[tuple[str, list[dict]]] = [("facility", facts)]
    a = report.get("as_of")
    if a is not None:
        rows = []
        for kind in ("observed", "projected"):
            s = a[kind]
            if s is not None:
                rows.append({"as_of": a["date"], "reading": kind, "snapshot_date": s["date"],
                             "power_mw": s["power_mw"], "h100_equivalents": _round(s["h100_equivalents"]),
                             "construction_status": s["construction_status"]})
        if not rows:
            rows.append({"as_of": a["date"], "reading": "none", "snapshot_date": None, "power_mw": None,
                         "h100_equivalents": None,
                         "construction_status": "no capacity reading on or before this date"})
        sections.append((f"capacity on {a['date']}", rows))
    sections.append(("power and accelerators", [
        {"figure": "power_mw" if "value" in v else "accelerators",
         "value": v.get("value", v.get("count")), "model": v.get("model"), "qualifier": v["qualifier"],
         "basis": v["basis"], "headline": v["headline"], "from": "Epoch AI" if v["epoch"] else "curated",
         "sources": v["sources"]}
        for v in f["power_mw"] + f["accelerators"]]))
    sections.append(("users (per Epoch AI)", [
        {"company": u["company"], "name": u["name"], "confidence": u["confidence"], "at": u["via_name"],
         "epoch_name": u["epoch_name"], "sources": u["sources"]} for u in report["users"]]))
    sections.append(("GPU clusters housed here (Epoch AI)", [
        {"name": p["name"], "status": p["status"], "confidence": p["confidence"],
         "first_operational": p["first_operational"], "power_mw": p["power_mw"], "basis": p["basis"],
         "h100_equivalents": _round(p["h100_equivalents"]),
         "chips": [f"{c['count']:g} {c['model']}" if c["count"] is not None else c["model"] for c in p["chips"]]}
        for p in report["clusters"]]))
    sections.append(("deals", [
        {"id": d["id"], "kind": d["kind"], "provider": d["provider"] or d["members"], "customer": d["customer"],
         "status": d["status"], "announced": d["announced"], "start": d["start"], "end": d["end"],
         "power_mw": (d["mw"] or {}).get("value")} for d in report["deals"]]))
    sections.append(("capacity timeline (Epoch AI)", [
        {"date": s["date"], "reading": "projected" if s["projected"] else "observed", "power_mw": s["power_mw"],
         "h100_equivalents": _round(s["h100_equivalents"]), "construction_status": s["construction_status"]}
        for s in report["timeline"]]))
    sections.append(("sources", [
        {"publisher": s["publisher"], "title": s["title"], "date": s["date"], "url": s["url"],
         "license": s["license"]} for s in report["sources"]]))
    return sections
