"""Interactive graph views: one self-contained, offline, script-safe HTML page per view.

A *view* is plain data (a dict of nodes, edges, deals and meta) built from a store by
:func:`build_view`, or from plain record dicts by :func:`assemble_view`; :func:`render_html`
turns it into one HTML page and :func:`write_html` writes that page (UTF-8) and nothing else;
:func:`show` displays it in a Jupyter notebook.

The page is drawn by vis-network, whose script is read from the installed ``pyvis`` package
and inlined (never copied into the repository, never fetched from a CDN). pyvis itself is not
used to build the page: its templates paste names unescaped and its ``add_edge`` is quadratic.
Every user-supplied text reaches the page only as escaped HTML text or inside a JSON data block
(``<script type="application/json">``, with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped), and
the page's own script builds tooltips and panels from text nodes. A Content-Security-Policy
meta tag allows only the page's own scripts and style, by SHA-256 hash, and no connections.

Reading the page:
- companies are dots coloured by company kind, facilities are squares coloured by status;
- each deal is an edge from the provider (who supplies capacity, chips, power or money: the
  lessor, the seller, the investor, the acquirer) to the customer (who receives it); joint
  ventures link their members without arrows; a guarantor is linked to the customer it backs
  and the customer to a named end user by dashed edges; a deal naming a facility also links
  that facility to the deal's customer (dotted), and a facility is linked to its operator and
  owner (thin grey), so capacity can be traced to sites;
- edge colour by deal kind, status or year (``color_by``); edge width and node size by headline
  MW, headline money (USD) or number of deals (``size_by``).

Positions are computed here (networkx spring layout with a fixed seed for the best-connected
nodes, the rest placed around their neighbours), so the browser needs no physics for large
views: physics is on only up to :data:`PHYSICS_MAX_NODES` nodes, and edges are straight above
:data:`CURVED_MAX_NODES` nodes.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections import defaultdict
from typing import Any, Iterable, Mapping, Sequence

from .choices import DEAL_KINDS, DEAL_STATUSES, VIEW_COLOR_BY, VIEW_MAX_NODES, VIEW_SIZE_BY
from .errors import BadValue
from .cards import COMPANY_LABELS, company_facts, deal_card, facility_facts
from .layout import CORE_LAYOUT_NODES, layout
# The page itself lives in graph/page.py; these names stay importable from here, the views' API.
from .page import NotebookView, csp_hash, json_for_script, render_html, show, vis_network_js, write_html
from .select import NO_STATUS, RollUp, parse_kinds, parse_statuses, select_deals
from .vocab import COMPANY_KINDS, FACILITY_STATUSES, notation

__all__ = ["build_view", "assemble_view", "render_html", "write_html", "show", "NotebookView", "layout",
           "CORE_LAYOUT_NODES", "csp_hash", "json_for_script", "vis_network_js", "COLOR_BY", "SIZE_BY",
           "DEFAULT_MAX_NODES", "PHYSICS_MAX_NODES", "CURVED_MAX_NODES"]

COLOR_BY = VIEW_COLOR_BY
SIZE_BY = VIEW_SIZE_BY
DEFAULT_MAX_NODES = VIEW_MAX_NODES
PHYSICS_MAX_NODES = 150
CURVED_MAX_NODES = 1000
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
EPOCH_CREDIT = "Includes data from Epoch AI (epoch.ai), CC BY 4.0."
EPOCH_URL = "https://epoch.ai/data"

COMPANY_COLORS = {
    "ai_lab": "#d9480f", "hyperscaler": "#1c7ed6", "neocloud": "#7048e8", "chipmaker": "#2b8a3e",
    "data_center_developer": "#e67700", "energy": "#c2255c", "investor": "#0c8599", "other": "#868e96",
}
FACILITY_COLORS = {"planned": "#adb5bd", "under_construction": "#fab005", "operational": "#495057",
                   "decommissioned": "#dee2e6", None: "#868e96"}
DEAL_COLORS = {
    "lease": "#1971c2", "cloud_capacity": "#5f3dc4", "chip_supply": "#2f9e44", "investment": "#e8590c",
    "colocation": "#0b7285", "power_purchase": "#c2255c", "joint_venture": "#f08c00", "acquisition": "#862e9c",
    "other": "#868e96",
}
STATUS_COLORS = {
    "reported": "#adb5bd", "announced": "#74c0fc", "letter_of_intent": "#4dabf7", "signed": "#1c7ed6",
    "active": "#2f9e44", "completed": "#087f5b", "terminated": "#e03131", "superseded": "#868e96", None: "#ced4da",
}
LINK_COLOR = "#9aa0a6"


# ---------------------------------------------------------------------------- building a view

def build_view(store, names: Sequence[str] = (), *, depth: int = 1, kinds: Iterable[str] | None = None,
               statuses: Iterable[str] | None = None, as_of: _dt.date | None = None, roll_up: bool = False,
               color_by: str = "kind", size_by: str = "mw", max_nodes: int | None = DEFAULT_MAX_NODES,
               title: str | None = None) -> dict:
    """The view of a store: every deal (or the neighbourhood of ``names`` to ``depth`` hops).

    ``names`` are company ids, names or aliases (``UnknownName`` with suggestions otherwise);
    ``kinds`` and ``statuses`` keep deals of those kinds/statuses; ``as_of`` keeps deals in force
    on that date; ``roll_up`` merges every company into its top parent; ``max_nodes`` keeps the
    best-connected nodes (named companies always stay; ``None`` or 0 keeps all) and the view's
    ``meta["left_out"]`` says what was dropped. Returns plain, JSON-serialisable data.
    """
    from .lookup import company_index, fetch_deals, resolve_company
    from .query import run_named

    seeds = [resolve_company(store, n)["id"] for n in names]
    companies = company_index(store)
    facilities = _facility_rows(run_named(store, "_facilities"))
    deals = fetch_deals(store)
    epoch = bool(run_named(store, "_epoch-present"))
    return assemble_view(companies, facilities, deals, seeds=seeds, depth=depth, kinds=kinds, statuses=statuses,
                         as_of=as_of, roll_up=roll_up, color_by=color_by, size_by=size_by, max_nodes=max_nodes,
                         title=title, epoch=epoch)


def _facility_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict]:
    by_id: dict[str, dict] = {}
    for r in rows:
        f = by_id.setdefault(r["id"], {
            "id": r["id"], "name": r["name"], "operators": [], "owners": [],
            "lat": _plain(r["lat"]), "lon": _plain(r["lon"]), "city": r["city"], "country": r["country"],
            "status": notation(r["status"]) if r["status"] else None,
            "power_mw": _plain(r["powerMw"]),
            "power_qualifier": notation(r["powerQualifier"]) if r["powerQualifier"] else None})
        for key, field in (("operatorId", "operators"), ("ownerId", "owners")):
            if r[key] and r[key] not in f[field]:
                f[field].append(r[key])
    for f in by_id.values():
        f["operators"].sort()
        f["owners"].sort()
    return [by_id[k] for k in sorted(by_id)]


def _plain(v: Any) -> Any:
    if v is None or isinstance(v, (int, float, str)):
        return v
    f = float(v)
    return int(f) if f.is_integer() else f


def assemble_view(companies: Sequence[Mapping], facilities: Sequence[Mapping], deals: Sequence[Mapping], *,
                  seeds: Sequence[str] = (), depth: int = 1, kinds: Iterable[str] | None = None,
                  statuses: Iterable[str] | None = None, as_of: _dt.date | None = None, roll_up: bool = False,
                  color_by: str = "kind", size_by: str = "mw", max_nodes: int | None = DEFAULT_MAX_NODES,
                  title: str | None = None, epoch: bool = False) -> dict:
    """Build a view from plain dicts: ``companies`` as from ``lookup.company_index``, ``facilities``
    as from the ``_facilities`` query (see :func:`build_view`), ``deals`` as from
    ``lookup.fetch_deals``; ``seeds`` are company ids."""
    if color_by not in COLOR_BY:
        raise BadValue(f"unknown colour scheme {color_by!r}", "choose one of: " + ", ".join(COLOR_BY))
    if size_by not in SIZE_BY:
        raise BadValue(f"unknown size measure {size_by!r}", "choose one of: " + ", ".join(SIZE_BY))
    if depth < 0:
        raise BadValue(f"depth must be 0 or more, got {depth}")
    kind_list, status_list = parse_kinds(kinds), parse_statuses(statuses)
    kind_set = set(kind_list) if kind_list is not None else None
    status_set = set(status_list) if status_list is not None else None

    by_company = {c["id"]: c for c in companies}
    by_facility = {f["id"]: f for f in facilities}
    # The one roll-up rule (graph.select): a subsidiary's deal is drawn as its parent's only if
    # the deal is in force, or was announced, on or after parent_since (on as_of, with --as-of).
    rollup = RollUp.from_companies(companies, as_of=as_of) if roll_up else None

    def rep_for(deal: Mapping | None):
        def rep(cid: str | None) -> str | None:
            return rollup.top(cid, deal) if rollup is not None and cid else cid
        return rep

    rep = rep_for(None)  # the structure on as_of (or as recorded): seeds and facility links

    # 1. deals kept by the filters
    kept = select_deals(deals, kinds=kind_list, statuses=status_list, as_of=as_of)

    # 2. company-to-company links of each deal (after the roll-up), for the neighbourhood
    intra_group = 0
    links: dict[str, list[tuple[str, str, str, bool, bool]]] = {}
    members_of: dict[str, set[str]] = defaultdict(set)
    for d in kept:
        rep_d = rep_for(d)
        ls = _deal_links(d, rep_d)
        if roll_up and not ls and len({rep_d(p) for p in d["parties"]}) == 1 and len(d["parties"]) > 1:
            intra_group += 1
        links[d["id"]] = ls
        for p in d["parties"]:
            if rep_d(p) != p:
                members_of[rep_d(p)].add(p)
    import networkx as nx

    cg = nx.MultiGraph()
    for d in kept:
        for a, b, *_ in links[d["id"]]:
            cg.add_edge(a, b)
    seed_ids = sorted({rep(s) for s in seeds})
    if seed_ids:
        chosen: set[str] = set(seed_ids)
        for s in seed_ids:
            if s in cg:
                chosen.update(nx.single_source_shortest_path_length(cg, s, cutoff=depth))
    else:
        chosen = set(cg.nodes)

    # 3. nodes and edges
    nodes: dict[str, dict] = {}
    edges: list[dict] = []
    view_deals: dict[str, dict] = {}
    deal_names = {}
    for d in kept:
        deal_names.update(d["parties"])

    def company_node(cid: str) -> str:
        nid = "c:" + cid
        if nid not in nodes:
            c = by_company.get(cid) or {"id": cid, "name": deal_names.get(cid, cid), "aliases": [], "kind": None,
                                        "parent": None, "parent_since": None, "country": None}
            nodes[nid] = {"id": nid, "group": "company", "ref": cid, "label": c["name"], "kind": c["kind"] or "other",
                          "facts": company_facts(c, by_company, sorted(members_of.get(cid, []))),
                          "search": " ".join([c["name"], cid, *c["aliases"],
                                              *(by_company[m]["name"] for m in members_of.get(cid, [])
                                                if m in by_company)]).lower(),
                          "deals": []}
        return nid

    def facility_node(fid: str) -> str:
        nid = "f:" + fid
        if nid not in nodes:
            f = by_facility[fid]
            nodes[nid] = {"id": nid, "group": "facility", "ref": fid, "label": f["name"], "kind": f["status"],
                          "facts": facility_facts(f, by_company), "search": (f["name"] + " " + fid).lower(),
                          "deals": []}
        return nid

    for s in seed_ids:
        company_node(s)
    for d in kept:
        ls = [(a, b, role, arrow, dashed) for a, b, role, arrow, dashed in links[d["id"]]
              if a in chosen and b in chosen]
        if not ls:
            continue
        deal_edges = []
        for i, (a, b, role, arrow, dashed) in enumerate(ls):
            deal_edges.append({"from": company_node(a), "to": company_node(b), "role": role, "arrows": arrow,
                               "dashes": dashed})
        anchor = deal_edges[0]["to"] if deal_edges[0]["role"] == "deal" and deal_edges[0]["arrows"] else \
            deal_edges[0]["from"]
        for fid in d["facilities"]:
            if fid in by_facility:
                deal_edges.append({"from": facility_node(fid), "to": anchor, "role": "site", "arrows": False,
                                   "dashes": True})
        year = ((d["announced"] or d["start"] or "")[:4]) or None
        for i, e in enumerate(deal_edges):
            e.update(id=f"{d['id']}:{e['role']}:{i}", deal=d["id"], kind=d["kind"], status=d["status"] or NO_STATUS,
                     year=year)
            edges.append(e)
            for end in (e["from"], e["to"]):
                if d["id"] not in nodes[end]["deals"]:
                    nodes[end]["deals"].append(d["id"])
        view_deals[d["id"]] = deal_card(d, by_company, by_facility)
    # facility operator/owner links
    for nid in sorted(n for n in nodes if n.startswith("f:")):
        f = by_facility[nodes[nid]["ref"]]
        ties: dict[str, list[str]] = defaultdict(list)
        for role, ids in (("operator", f["operators"]), ("owner", f["owners"])):
            for cid in ids:
                if rep(cid) in chosen and "c:" + rep(cid) in nodes:
                    if role not in ties["c:" + rep(cid)]:
                        ties["c:" + rep(cid)].append(role)
        for cnid, roles in sorted(ties.items()):
            role = " and ".join(roles)
            edges.append({"id": f"{nid}:{role}", "from": cnid, "to": nid, "role": role, "arrows": False,
                          "dashes": False, "deal": None, "kind": None, "status": None, "year": None})

    # 4. the cap: keep the best-connected nodes (and every named company)
    total_nodes, total_edges, total_deals = len(nodes), len(edges), len(view_deals)
    left_out: dict[str, Any] = {"nodes": 0, "edges": 0, "deals": 0, "examples": [], "max_nodes": max_nodes or None,
                                "intra_group_deals": intra_group}
    if max_nodes and len(nodes) > max_nodes:
        degree: dict[str, int] = defaultdict(int)
        for e in edges:
            degree[e["from"]] += 1
            degree[e["to"]] += 1
        seed_nodes = {"c:" + s for s in seed_ids}
        ranked = sorted(nodes, key=lambda n: (n not in seed_nodes, -degree[n], nodes[n]["label"].lower(), n))
        keep = set(ranked[:max(max_nodes, len(seed_nodes))])
        dropped = [n for n in ranked if n not in keep]
        left_out["examples"] = [nodes[n]["label"] for n in dropped[:10]]
        for n in dropped:
            del nodes[n]
        edges = [e for e in edges if e["from"] in keep and e["to"] in keep]
        still = {e["deal"] for e in edges if e["deal"]}
        view_deals = {k: v for k, v in view_deals.items() if k in still}
        for n in nodes.values():
            n["deals"] = [k for k in n["deals"] if k in still]
        left_out.update(nodes=len(dropped), edges=total_edges - len(edges), deals=total_deals - len(view_deals))

    # 5. sizes, colours, positions
    measure = _measure(size_by)
    deal_index = {d["id"]: d for d in kept}
    node_total: dict[str, float] = defaultdict(float)
    for n in nodes.values():
        if n["group"] == "facility" and size_by == "mw":
            node_total[n["id"]] = float(by_facility[n["ref"]]["power_mw"] or 0)
    for e in edges:
        if e["role"] != "deal" or not e["deal"]:
            continue
        v = measure(deal_index[e["deal"]])
        e["value"] = v
        for end in (e["from"], e["to"]):
            if nodes[end]["group"] == "company":
                node_total[end] += v
    top_edge = max([e.get("value", 0.0) for e in edges] + [0.0])
    top_node = max(list(node_total.values()) + [0.0])
    years = sorted({e["year"] for e in edges if e["year"]})
    for e in edges:
        v = e.pop("value", 0.0)
        if e["deal"] is None:
            e["width"] = 1.0
            e["color"] = LINK_COLOR
        else:
            e["width"] = round(1.0 + (9.0 * math.sqrt(v / top_edge) if top_edge and e["role"] == "deal" else 0.0), 2)
            e["color"] = _edge_color(e, color_by, years)
    for n in nodes.values():
        v = node_total.get(n["id"], 0.0)
        n["size"] = round(10.0 + (22.0 * math.sqrt(v / top_node) if top_node else 0.0), 2)
        if n["group"] == "company":
            n["shape"], n["color"] = "dot", COMPANY_COLORS.get(n["kind"], COMPANY_COLORS["other"])
        else:
            n["shape"], n["color"] = "square", FACILITY_COLORS.get(n["kind"], FACILITY_COLORS[None])
    positions = layout(list(nodes), [(e["from"], e["to"]) for e in edges])
    for nid, (x, y) in positions.items():
        nodes[nid]["x"], nodes[nid]["y"] = x, y
    n_nodes = len(nodes)
    _smooth_parallel(edges, curved=n_nodes <= CURVED_MAX_NODES)

    seed_names = [nodes["c:" + s]["label"] for s in seed_ids if "c:" + s in nodes]
    if title is None:
        title = ("computekg: " + ", ".join(seed_names) + f" (depth {depth})") if seed_names else \
            "computekg: AI compute deals"
    sources_dates = [s["date"] for d in deals for s in d["sources"] if s.get("date")]
    meta = {
        "title": title,
        "seeds": seed_ids, "depth": depth if seed_ids else None,
        "filters": {"kinds": sorted(kind_set) if kind_set is not None else None,
                    "statuses": sorted(status_set) if status_set is not None else None,
                    "as_of": as_of.isoformat() if as_of else None, "roll_up": roll_up},
        "color_by": color_by, "size_by": size_by,
        "data_as_of": max(sources_dates) if sources_dates else None,
        "licence": LICENCE, "licence_url": LICENCE_URL,
        "credits": [EPOCH_CREDIT] if epoch else [], "epoch": epoch,
        "counts": {"nodes": n_nodes, "edges": len(edges), "deals": len(view_deals),
                   "companies": sum(1 for n in nodes.values() if n["group"] == "company"),
                   "facilities": sum(1 for n in nodes.values() if n["group"] == "facility")},
        "totals": {"nodes": total_nodes, "edges": total_edges, "deals": total_deals},
        "left_out": left_out,
        "physics": n_nodes <= PHYSICS_MAX_NODES,
        "legend": _legend(nodes.values(), edges, color_by, size_by, years),
    }
    meta["summary"] = _summary(meta)
    node_list = [nodes[k] for k in sorted(nodes)]
    return {"nodes": node_list, "edges": edges, "deals": dict(sorted(view_deals.items())), "meta": meta}


def _deal_links(d: Mapping, rep) -> list[tuple[str, str, str, bool, bool]]:
    """(from, to, role, arrow?, dashed?) company links of a deal; self-links (same group) dropped."""
    out = []
    prov, cust = rep(d["provider"]), rep(d["customer"])
    members = []
    for m in d["members"]:
        if rep(m) not in members:
            members.append(rep(m))
    if prov and cust:
        out.append((prov, cust, "deal", True, False))
    elif len(members) >= 2:
        out.extend((members[0], m, "deal", False, False) for m in members[1:])
    target = cust or prov or (members[0] if members else None)
    if d["guarantor"] and target:
        out.append((rep(d["guarantor"]), target, "guarantor", True, True))
    if d["end_user"] and (cust or target):
        out.append((cust or target, rep(d["end_user"]), "end user", True, True))
    return [link for link in out if link[0] != link[1]]


def _measure(size_by: str):
    def mw(d: Mapping) -> float:
        return float(sum(v["value"] for v in d["power_mw"] if v["headline"] and v.get("value") is not None))

    def money(d: Mapping) -> float:
        total = [v["amount"] for v in d["total_value"] if v["headline"] and v.get("currency") == "USD"]
        if total:
            return float(sum(total))
        return float(sum(v["amount"] for v in d["price"]
                         if v["headline"] and v.get("currency") == "USD" and v.get("per") in (None, "once")))

    return {"mw": mw, "money": money, "deals": lambda d: 1.0}[size_by]


def _edge_color(e: Mapping, color_by: str, years: list[str]) -> str:
    if color_by == "kind":
        return DEAL_COLORS.get(e["kind"], DEAL_COLORS["other"])
    if color_by == "status":
        return STATUS_COLORS.get(None if e["status"] == NO_STATUS else e["status"], STATUS_COLORS[None])
    return _year_color(e["year"], years)


def _year_color(year: str | None, years: list[str]) -> str:
    if not year or year not in years:
        return "#ced4da"
    t = years.index(year) / (len(years) - 1) if len(years) > 1 else 1.0
    # from pale blue (oldest) to deep red (newest), through purple
    a, b = (116, 192, 252), (201, 42, 42)
    r, g, bl = (round(a[i] + (b[i] - a[i]) * t) for i in range(3))
    return f"#{r:02x}{g:02x}{bl:02x}"


def _smooth_parallel(edges: list[dict], *, curved: bool) -> None:
    """Straight edges, except that parallel edges between the same two nodes bend apart."""
    by_pair: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for e in edges:
        by_pair[tuple(sorted((e["from"], e["to"])))].append(e)  # type: ignore[arg-type]
    for pair, group in by_pair.items():
        for i, e in enumerate(group):
            if not curved or len(group) == 1:
                e["smooth"] = False
                continue
            flip = (e["from"], e["to"]) != pair
            clockwise = (i % 2 == 0) != flip
            e["smooth"] = {"enabled": True, "type": "curvedCW" if clockwise else "curvedCCW",
                           "roundness": round(0.12 + 0.12 * (i // 2), 2)}


def _legend(nodes: Iterable[Mapping], edges: Sequence[Mapping], color_by: str, size_by: str,
            years: list[str]) -> dict:
    node_items, facility_items = [], []
    kinds_seen = {n["kind"] for n in nodes if n["group"] == "company"}
    fac_seen = {n["kind"] for n in nodes if n["group"] == "facility"}
    for k in COMPANY_KINDS:
        if k in kinds_seen:
            node_items.append({"label": COMPANY_LABELS[k], "color": COMPANY_COLORS[k], "shape": "dot"})
    for k in list(FACILITY_STATUSES) + [None]:
        if k in fac_seen:
            facility_items.append({"label": "facility, " + (k or "status unknown").replace("_", " "),
                                   "color": FACILITY_COLORS[k], "shape": "square"})
    deal_edges = [e for e in edges if e["deal"]]
    if color_by == "kind":
        seen = {e["kind"] for e in deal_edges}
        edge_items = [{"label": k.replace("_", " "), "color": DEAL_COLORS[k]} for k in DEAL_KINDS if k in seen]
    elif color_by == "status":
        seen = {e["status"] for e in deal_edges}
        edge_items = [{"label": k.replace("_", " "), "color": STATUS_COLORS[k]} for k in DEAL_STATUSES if k in seen]
        if NO_STATUS in seen:
            edge_items.append({"label": "no status", "color": STATUS_COLORS[None]})
    else:
        edge_items = [{"label": y, "color": _year_color(y, years)} for y in years]
        if any(not e["year"] for e in deal_edges):
            edge_items.append({"label": "no date", "color": "#ced4da"})
    kind_counts: dict[str, set] = defaultdict(set)
    status_counts: dict[str, set] = defaultdict(set)
    for e in deal_edges:
        kind_counts[e["kind"]].add(e["deal"])
        status_counts[e["status"]].add(e["deal"])
    size_words = {"mw": "headline power (MW)", "money": "headline value (USD; other currencies not counted)",
                  "deals": "number of deals"}[size_by]
    return {
        "nodes": node_items + facility_items,
        "edges": edge_items,
        "edges_title": {"kind": "Deal kind", "status": "Deal status", "year": "Year announced (or started)"}[color_by],
        "notes": [
            "Arrows point from the provider (who supplies capacity, chips, power or money: lessor, seller, "
            "investor, acquirer) to the customer (who receives it). Joint ventures link their members "
            "without arrows.",
            "Dashed: a guarantor backing the customer, or the customer passing capacity to an end user. "
            "Dotted from a square: the facility a deal names, linked to the deal's customer. "
            "Thin grey: a facility's operator or owner.",
            f"Edge width and node size: {size_words}.",
        ],
        "kinds": [{"value": k, "label": k.replace("_", " "), "count": len(kind_counts[k])}
                  for k in DEAL_KINDS if k in kind_counts],
        "statuses": [{"value": s, "label": s.replace("_", " ") if s != NO_STATUS else "no status",
                      "count": len(status_counts[s])}
                     for s in [*DEAL_STATUSES, NO_STATUS] if s in status_counts],
    }


def _summary(meta: Mapping) -> str:
    c, lo = meta["counts"], meta["left_out"]
    text = (f"{c['companies']} companies, {c['facilities']} facilities, {c['deals']} deals "
            f"({c['nodes']} nodes, {c['edges']} edges).")
    if lo["nodes"]:
        text += (f" Left out to stay readable (cap {lo['max_nodes']} nodes, keeping the best connected): "
                 f"{lo['nodes']} nodes, {lo['edges']} edges and {lo['deals']} deals no longer drawn")
        if lo["examples"]:
            text += ", among them " + ", ".join(lo["examples"][:5])
        text += ". Raise --max-nodes (max_nodes) or name companies to see them."
    if lo.get("intra_group_deals"):
        text += f" {lo['intra_group_deals']} deals inside one rolled-up group are not drawn."
    return text
