"""The facts of a view's nodes and deals, as plain text rows: what a tooltip, a side panel or a
deal card says. Figures are worded by :mod:`graph.figures` (the long style: "USD 1.25 billion
per month"); every value stays text, escaped by whoever puts it in a page.
"""

from __future__ import annotations

import re
from typing import Mapping

from .figures import figure

COMPANY_LABELS = {
    "ai_lab": "AI lab", "hyperscaler": "hyperscaler", "neocloud": "neocloud", "chipmaker": "chipmaker",
    "data_center_developer": "data-centre developer", "energy": "energy company", "investor": "investor",
    "other": "other company",
}


def _figure_facts(d: Mapping) -> list[list[str]]:
    out = []
    by_url = {s["url"]: s["publisher"] for s in d["sources"]}
    for field, label in (("power_mw", "Power"), ("accelerators", "Accelerators"), ("price", "Price"),
                         ("total_value", "Total value")):
        values = d.get(field) or []
        head = [figure(v, field, style="long") for v in values if v["headline"]]
        if head:
            out.append([label, "; ".join(head)])
        others = [figure(v, field, style="long") + (f" (per {by_url[v['source']]})" if v.get("source") in by_url else "")
                  for v in values if not v["headline"]]
        if others:
            out.append([label + ", other sources", "; ".join(others)])
    return out


def _name(cid: str | None, by_company: Mapping[str, Mapping], parties: Mapping[str, str] | None = None) -> str:
    if not cid:
        return ""
    if cid in by_company:
        return by_company[cid]["name"]
    return (parties or {}).get(cid, cid)


def deal_card(d: Mapping, by_company: Mapping[str, Mapping], by_facility: Mapping[str, Mapping]) -> dict:
    nm = lambda cid: _name(cid, by_company, d["parties"])  # noqa: E731
    facts = [["Deal", d["id"]], ["Kind", d["kind"].replace("_", " ")]]
    if d["status"]:
        facts.append(["Status", d["status"].replace("_", " ")])
    if d["provider"]:
        facts.append(["Provider", nm(d["provider"])])
    if d["customer"]:
        facts.append(["Customer", nm(d["customer"])])
    if d["members"]:
        facts.append(["Members", ", ".join(nm(m) for m in d["members"])])
    if d["guarantor"]:
        facts.append(["Guarantor", nm(d["guarantor"])])
    if d["end_user"]:
        facts.append(["End user", nm(d["end_user"])])
    if d["facilities"]:
        facts.append(["Facilities", ", ".join(by_facility[f]["name"] if f in by_facility else f
                                              for f in d["facilities"])])
    facts.extend(_figure_facts(d))
    for key, label in (("announced", "Announced"), ("start", "Start"), ("end", "End"), ("supersedes", "Supersedes"),
                       ("terms", "Terms"), ("notes", "Notes")):
        if d.get(key):
            facts.append([label, str(d[key])])
    parties = [nm(p) for p in (d["provider"], d["customer"]) if p] or [nm(m) for m in d["members"]]
    arrow = " → " if d["provider"] and d["customer"] else " + "
    sources = [{"publisher": s["publisher"], "title": s["title"], "date": s.get("date") or "",
                "kind": (s.get("kind") or "").replace("_", " "),
                "url": s["url"] if _safe_url(s["url"]) else None, "text_url": s["url"]}
               for s in d["sources"]]
    return {"title": d["kind"].replace("_", " ").capitalize() + ": " + arrow.join(parties), "facts": facts,
            "sources": sources}


def _safe_url(url: str | None) -> bool:
    return bool(url) and re.match(r"^https?://[^\s]+$", url, re.IGNORECASE) is not None  # type: ignore[arg-type]


def company_facts(c: Mapping, by_company: Mapping[str, Mapping], merged: list[str]) -> list[list[str]]:
    facts = [["Company", c["name"]], ["Id", c["id"]],
             ["Kind", COMPANY_LABELS.get(c.get("kind") or "other", c.get("kind") or "")]]
    if c.get("country"):
        facts.append(["Country", c["country"]])
    if c.get("parent"):
        since = c.get("parent_since")
        facts.append(["Parent", _name(c["parent"], by_company) + (f" (since {since.isoformat()})" if since else "")])
    if c.get("aliases"):
        facts.append(["Also known as", ", ".join(c["aliases"])])
    if merged:
        facts.append(["Includes (rolled up)", ", ".join(_name(m, by_company) for m in merged)])
    return facts


def facility_facts(f: Mapping, by_company: Mapping[str, Mapping]) -> list[list[str]]:
    facts = [["Facility", f["name"]], ["Id", f["id"]]]
    if f["operators"]:
        facts.append(["Operator", ", ".join(_name(c, by_company) for c in f["operators"])])
    if f["owners"]:
        facts.append(["Owner", ", ".join(_name(c, by_company) for c in f["owners"])])
    if f.get("status"):
        facts.append(["Status", f["status"].replace("_", " ")])
    if f.get("power_mw") is not None:
        facts.append(["Power", figure({"value": f["power_mw"], "qualifier": f.get("power_qualifier")}, style="long")])
    place = ", ".join(p for p in (f.get("city"), f.get("country")) if p)
    if place:
        facts.append(["Location", place])
    if f.get("lat") is not None and f.get("lon") is not None:
        facts.append(["Coordinates", f"{f['lat']}, {f['lon']}"])
    return facts
