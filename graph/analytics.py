"""Relationship analytics on the company graph: paths, money cycles, roll-ups, rankings, exports.

The graph is built from store query results (:func:`graph.lookup.fetch_deals` and
:func:`graph.lookup.company_index`), never from record files. networkx is imported inside the
functions that need it, so importing this module stays cheap.

Graph model (a ``networkx.MultiDiGraph``)
-----------------------------------------
* **Nodes** are companies (their ids), with ``name``, ``kind``, ``parent`` and ``country``.
  Every company is a node, with or without deals.
* **One edge per deal**, keyed by the deal id, so two deals between the same pair are two edges
  (never merged). An edge carries the deal's attributes (:func:`edge_attributes`: ``deal`` is the
  deal id), ``flow`` (money, assumed or tie), ``payer``/``payee``, and the deal dict itself
  under ``deal_dict`` (dropped on export).
* **Direction is the flow of money**, payer -> payee (:data:`PAYER` names the paying party):

  - ``lease``, ``cloud_capacity``, ``colocation``, ``power_purchase``, ``chip_supply``:
    customer -> provider (the customer pays for capacity, power or chips);
  - ``investment``: provider (the investor) -> customer (the investee);
  - ``acquisition``: provider (the acquirer) -> customer (the company acquired, or the seller
    of the assets bought): the acquirer pays;
  - ``other``: customer -> provider, assumed (the customer receives something); such edges are
    marked ``flow="assumed"`` and left out of cycles unless ``kinds`` names ``other``;
  - ``joint_venture``: no money flows between members, so a venture is a **tie**
    (``flow="tie"``): one edge per pair of members, from the smaller id to the larger (a
    two-member venture is one edge). Ties link companies in :func:`paths` and exports; they
    never take part in cycles or rankings.

  Deals lacking a provider or a customer (and ventures with fewer than two members) give no
  edge; their ids are listed in ``G.graph["left_out"]``.

Roll-up (``roll_up=True``)
--------------------------
Each party is replaced by its *ultimate parent* by the one roll-up rule, that of
:mod:`graph.select` (:class:`~graph.select.RollUp`): a subsidiary's deal belongs to its parent
only if the deal is in force, or was announced, on or after ``parent_since`` (with ``as_of=D``:
if the link began on or before D). So xAI's 2024 cloud deal ending in 2027 counts as SpaceX's
after the 2026 merger, while a one-off investment in xAI announced in 2025 stays xAI's.

A deal whose two parties fall in the same group becomes a self-loop; cycles ignore self-loops.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from .choices import DEAL_KINDS, GRAPH_FORMATS, RANK_MEASURES, RANK_ROLES
from .errors import BadValue, ComputeKGError
from .graphio import read_graph, serialize_graph
from .figures import NOT_QUALIFIED, headline_value, is_qualified, not_added
from .lookup import company_index, fetch_deals, resolve_company
from .select import RollUp, deal_reach, parse_kinds, select_deals, ultimate_parents

# ---------------------------------------------------------------------------- the model

# Which party pays, per deal kind: the edge runs from that party to the other one.
PAYER: dict[str, str] = {
    "lease": "customer",
    "cloud_capacity": "customer",
    "chip_supply": "customer",
    "colocation": "customer",
    "power_purchase": "customer",
    "investment": "provider",
    "acquisition": "provider",
    "other": "customer",  # assumed: see flow "assumed"
}
# Kinds whose edges are ties between members, not money flows.
TIE_KINDS = ("joint_venture",)
# Kinds whose money direction is only assumed; kept out of cycles unless asked for.
ASSUMED_KINDS = ("other",)
# The default kinds for cycles: every kind with a known money direction.
MONEY_KINDS = tuple(k for k in DEAL_KINDS if k in PAYER and k not in ASSUMED_KINDS)

# How a hop reads, provider first ("oracle sells cloud capacity to openai").
RELATION: dict[str, str] = {
    "lease": "leases capacity to",
    "cloud_capacity": "sells cloud capacity to",
    "chip_supply": "supplies chips to",
    "colocation": "hosts in colocation",
    "power_purchase": "sells power to",
    "investment": "invests in",
    "acquisition": "acquires (company or assets of)",
    "other": "has a deal with",
    "joint_venture": "is in a joint venture with",
}

EXPORT_FORMATS = GRAPH_FORMATS


class NoPath(ComputeKGError):
    """No chain of deals links two companies (within the hop limit)."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def deal_money(deal: dict) -> dict | None:
    """The money of a deal: its headline total value (a per-month/year price is not a total)."""
    return headline_value(deal.get("total_value") or [])


def deal_date(deal: dict) -> str | None:
    """The date shown for a deal: announced, else start."""
    return deal.get("announced") or deal.get("start")


def _primary_source(deal: dict) -> dict | None:
    return deal["sources"][0] if deal.get("sources") else None


def edge_attributes(deal: dict) -> dict[str, Any]:
    """Flat attributes of a deal's edge (numbers, strings, lists; ``None`` when unknown)."""
    mw = headline_value(deal.get("power_mw") or [])
    money = deal_money(deal)
    src = _primary_source(deal)
    return {
        "deal": deal["id"], "kind": deal["kind"], "status": deal.get("status"),
        "provider": deal.get("provider"), "customer": deal.get("customer"),
        "members": list(deal.get("members") or []), "guarantor": deal.get("guarantor"),
        "end_user": deal.get("end_user"), "facilities": list(deal.get("facilities") or []),
        "mw": mw["value"] if mw else None, "mw_qualifier": (mw.get("qualifier") or "exact") if mw else None,
        "money": money["amount"] if money else None, "currency": money.get("currency") if money else None,
        "money_qualifier": (money.get("qualifier") or "exact") if money else None,
        "announced": deal.get("announced"), "start": deal.get("start"), "end": deal.get("end"),
        "source": src["url"] if src else None, "publisher": src["publisher"] if src else None,
        "sources": [s["url"] for s in deal.get("sources") or []],
    }


# ---------------------------------------------------------------------------- roll-up

def rollup_table(store, *, as_of: _dt.date | None = None) -> list[dict]:
    """:func:`ultimate_parents` of the store's companies, with names."""
    companies = company_index(store)
    names = {c["id"]: c["name"] for c in companies}
    return [{**row, "parent_name": names.get(row["parent"])} for row in ultimate_parents(companies, as_of=as_of)]


# ---------------------------------------------------------------------------- the graph

def build_graph(companies: Sequence[dict], deals: Iterable[dict], *, kinds: Sequence[str] | None = None,
                as_of: _dt.date | None = None, roll_up: bool = False):
    """The company MultiDiGraph of ``deals`` (dicts as from ``fetch_deals``): see the module doc.

    With ``roll_up`` each party is replaced by its group; edges keep the original parties in
    their ``provider``/``customer``/``members`` attributes, and nodes absorbed into a group are
    left out.
    """
    import networkx as nx

    kinds = parse_kinds(kinds)
    g = nx.MultiDiGraph(model="companies; one edge per deal; payer -> payee; joint ventures as ties",
                        roll_up=roll_up, as_of=as_of.isoformat() if as_of else None)
    r = RollUp.from_companies(companies, as_of=as_of) if roll_up else None
    tops = {c["id"]: r.top(c["id"]) if r else c["id"] for c in companies}
    for c in sorted(companies, key=lambda c: c["id"]):
        if not roll_up or tops[c["id"]] == c["id"]:
            g.add_node(c["id"], name=c["name"], kind=c.get("kind"), parent=c.get("parent"),
                       country=c.get("country"))
    left_out: list[str] = []
    for d in sorted(select_deals(deals, kinds=kinds, as_of=as_of), key=lambda d: d["id"]):
        group = (lambda cid: r.top(cid, d)) if r else (lambda cid: cid)
        attrs = edge_attributes(d)
        if d["kind"] in TIE_KINDS:
            members = sorted(dict.fromkeys(group(m) for m in d.get("members") or []))
            if len(members) < 2:
                left_out.append(d["id"])
                continue
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    _ensure_node(g, a)
                    _ensure_node(g, b)
                    g.add_edge(a, b, key=d["id"], flow="tie", payer=None, payee=None, deal_dict=d, **attrs)
            continue
        if not d.get("provider") or not d.get("customer"):
            left_out.append(d["id"])
            continue
        payer_role = PAYER.get(d["kind"], "customer")
        payee_role = "provider" if payer_role == "customer" else "customer"
        u, v = group(d[payer_role]), group(d[payee_role])
        _ensure_node(g, u)
        _ensure_node(g, v)
        g.add_edge(u, v, key=d["id"], flow="assumed" if d["kind"] in ASSUMED_KINDS else "money",
                   payer=d[payer_role], payee=d[payee_role], deal_dict=d, **attrs)
    g.graph["left_out"] = left_out
    return g


def _ensure_node(g, cid: str) -> None:
    if cid not in g:
        g.add_node(cid, name=cid, kind=None, parent=None, country=None)


def company_graph(store, *, kinds: Sequence[str] | str | None = None, as_of: _dt.date | None = None,
                  roll_up: bool = False):
    """The company MultiDiGraph of every deal in the store (see the module doc)."""
    return build_graph(company_index(store), fetch_deals(store), kinds=parse_kinds(kinds), as_of=as_of,
                       roll_up=roll_up)


# ---------------------------------------------------------------------------- paths

def _hop(path_no: int, hop_no: int, a: str, b: str, data: dict) -> dict:
    d = data["deal_dict"]
    if data["flow"] == "tie":
        direction = "--"
        relation = f"{a} {RELATION['joint_venture']} {b}"
    else:
        direction = "->" if data["_u"] == a else "<-"
        relation = f"{d['provider']} {RELATION.get(d['kind'], 'has a deal with')} {d['customer']}"
    return {
        "path": path_no, "hop": hop_no, "from": a, "to": b, "deal": d["id"], "kind": d["kind"],
        "direction": direction, "relation": relation,
        "mw": headline_value(d.get("power_mw") or []), "money": deal_money(d),
        "date": deal_date(d), "status": d.get("status"), "source": data["source"], "publisher": data["publisher"],
    }


def paths(store, a: str, b: str, *, max_hops: int = 4, kinds: Sequence[str] | str | None = None,
          as_of: _dt.date | None = None, limit: int = 20) -> list[dict]:
    """The shortest chains of deals linking companies ``a`` and ``b`` (names, ids or aliases).

    Edges are followed either way (a chain of ties, not of payments). One row per hop and deal:
    a hop between two companies with several deals gives one row per deal. ``direction`` is
    ``->`` when money flows from ``from`` to ``to``, ``<-`` the other way, ``--`` for a joint
    venture. At most ``limit`` company paths are returned. Raises :class:`NoPath`.
    """
    import networkx as nx

    if max_hops < 1:
        raise BadValue(f"--max-hops must be at least 1, got {max_hops}", "e.g. --max-hops 4")
    ca, cb = resolve_company(store, a), resolve_company(store, b)
    if ca["id"] == cb["id"]:
        raise BadValue(f"both ends are {ca['name']} ({ca['id']})", "give two different companies")
    g = company_graph(store, kinds=kinds, as_of=as_of)
    simple = nx.Graph()
    simple.add_nodes_from(g.nodes)
    simple.add_edges_from((u, v) for u, v in g.edges() if u != v)
    what = f"{ca['name']} ({ca['id']}) and {cb['name']} ({cb['id']})"
    try:
        n = nx.shortest_path_length(simple, ca["id"], cb["id"])
    except nx.NetworkXNoPath:
        filters = _filters_text(kinds, as_of)
        raise NoPath(f"no chain of deals links {what}" + filters,
                     "try other --kinds or no --as-of" if filters else
                     "no deal or counterparty connects them, at any distance") from None
    if n > max_hops:
        raise NoPath(f"no chain of at most {max_hops} deal(s) links {what}; the shortest takes {n}",
                     f"raise --max-hops to {n}")
    rows: list[dict] = []
    found = sorted(nx.all_shortest_paths(simple, ca["id"], cb["id"]))[:limit]
    for p_no, nodes in enumerate(found, 1):
        for h_no, (x, y) in enumerate(zip(nodes, nodes[1:]), 1):
            edges = [(x, y, k, dd) for k, dd in (g.get_edge_data(x, y) or {}).items()]
            edges += [(y, x, k, dd) for k, dd in (g.get_edge_data(y, x) or {}).items()]
            for u, _v, k, dd in sorted(edges, key=lambda e: e[2]):
                rows.append(_hop(p_no, h_no, x, y, {**dd, "_u": u}))
    return rows


def _filters_text(kinds, as_of) -> str:
    parts = []
    if kinds:
        parts.append("kinds " + ",".join(parse_kinds(kinds) or ()))
    if as_of:
        parts.append(f"in force on {as_of}")
    return f" ({'; '.join(parts)})" if parts else ""


# ---------------------------------------------------------------------------- cycles

@dataclass
class Cycles:
    """Circular money chains found, and whether the search stopped at the limit."""

    cycles: list[dict] = field(default_factory=list)
    truncated: bool = False
    max_length: int = 6
    limit: int = 0


def find_cycles(g, *, max_length: int = 6, limit: int | None = 1000) -> tuple[list[list[str]], bool]:
    """Simple directed cycles of 2..``max_length`` companies on the payer -> payee edges of ``g``.

    Parallel edges are one step; self-loops (intra-group deals after a roll-up) are skipped.
    Each cycle is listed once, starting at its smallest company id. The search is a bounded
    depth-first search by increasing length (all 2-cycles, then all 3-cycles...), each from a
    canonical start ``s`` through companies greater than ``s`` only, closing the last two steps
    with set lookups (successors of the current company that precede ``s``). So with ``limit``
    the shortest cycles are the ones reported, and the result is sorted by length, then
    companies. Stops after ``limit`` cycles (the flag is then True).
    """
    succ: dict[str, set[str]] = {}
    pred: dict[str, set[str]] = {}
    for u, v, f in g.edges(data="flow"):
        if u != v and f in ("money", "assumed"):
            succ.setdefault(u, set()).add(v)
            pred.setdefault(v, set()).add(u)
    ordered = {u: sorted(vs) for u, vs in succ.items()}
    starts = sorted(u for u in succ if u in pred)
    found: list[list[str]] = []
    empty: set[str] = set()

    def extend(s: str, path: list[str], on: set[str], left: int, into_s: set[str]):
        """Paths from ``path`` closing back at ``s`` in exactly ``left`` more edges."""
        node = path[-1]
        if left == 1:
            if s in succ.get(node, empty):
                yield list(path)
            return
        if left == 2:
            for x in sorted(succ.get(node, empty) & into_s):
                if x > s and x not in on:
                    yield path + [x]
            return
        for x in ordered.get(node, ()):
            if x > s and x not in on:
                path.append(x)
                on.add(x)
                yield from extend(s, path, on, left - 1, into_s)
                on.discard(x)
                path.pop()

    for length in range(2, max_length + 1):
        for s in starts:
            for cyc in extend(s, [s], {s}, length, pred[s]):
                if limit is not None and len(found) >= limit:
                    return found, True
                found.append(cyc)
    return found, False


def cycles(store, *, roll_up: bool = False, kinds: Sequence[str] | str | None = None,
           as_of: _dt.date | None = None, max_length: int = 6, limit: int = 100) -> Cycles:
    """Circular chains of money: closed loops of payer -> payee edges (see the module doc).

    ``kinds`` defaults to :data:`MONEY_KINDS` (joint ventures never take part). Each cycle lists
    its companies and, for each step, the deals carrying money that way with their amounts.
    """
    if max_length < 2:
        raise BadValue(f"--max-length must be at least 2, got {max_length}", "a cycle needs two companies")
    if limit < 1:
        raise BadValue(f"--limit must be at least 1, got {limit}")
    chosen = parse_kinds(kinds) or MONEY_KINDS
    g = company_graph(store, kinds=chosen, as_of=as_of, roll_up=roll_up)
    found, truncated = find_cycles(g, max_length=max_length, limit=limit)
    out = Cycles(max_length=max_length, limit=limit, truncated=truncated)
    for n, nodes in enumerate(found, 1):
        steps = []
        for x, y in zip(nodes, nodes[1:] + nodes[:1]):
            deals = []
            for key, dd in sorted((g.get_edge_data(x, y) or {}).items()):
                if dd["flow"] not in ("money", "assumed"):
                    continue
                deals.append({"id": key, "kind": dd["kind"], "payer": dd["payer"], "payee": dd["payee"],
                              "money": deal_money(dd["deal_dict"]),
                              "mw": headline_value(dd["deal_dict"].get("power_mw") or []),
                              "date": deal_date(dd["deal_dict"]), "source": dd["source"]})
            steps.append({"from": x, "to": y, "deals": deals})
        out.cycles.append({"cycle": n, "length": len(nodes), "companies": nodes + nodes[:1], "steps": steps})
    return out


# ---------------------------------------------------------------------------- rankings

def _measure(deal: dict, by: str, currency: str) -> tuple[float, bool, bool]:
    """(amount, qualified?, missing?) of one deal for a ranking."""
    if by == "deals":
        return 1.0, False, False
    if by == "mw":
        v = headline_value(deal.get("power_mw") or [])
        if v is None or v.get("value") is None:
            return 0.0, False, True
        return float(v["value"]), is_qualified(v), False
    m = deal_money(deal)
    if m is None or m.get("amount") is None or m.get("currency") != currency:
        return 0.0, False, True
    return float(m["amount"]), is_qualified(m), False


def rank_deals(companies: Sequence[dict], deals: Iterable[dict], *, by: str, role: str,
               kinds: Sequence[str] | str | None = None, as_of: _dt.date | None = None, roll_up: bool = False,
               currency: str = "USD") -> list[dict]:
    """A league table of companies in ``role`` by ``by`` (the pure part of :func:`rank`)."""
    if by not in RANK_MEASURES:
        raise BadValue(f"unknown measure {by!r}", "choose one of: " + ", ".join(RANK_MEASURES))
    if role not in RANK_ROLES:
        raise BadValue(f"unknown role {role!r}", "choose one of: " + ", ".join(RANK_ROLES))
    r = RollUp.from_companies(companies, as_of=as_of) if roll_up else None
    names = {c["id"]: c["name"] for c in companies}
    rows: dict[str, dict] = {}
    in_row: dict[str, list] = {}
    for d in select_deals(deals, kinds=kinds, as_of=as_of):
        who = d.get(role)
        if who:
            in_row.setdefault(r.top(who, d) if r else who, []).append(d)
    for top, row_deals in sorted(in_row.items()):
        skip = not_added(row_deals)  # money counted once per row (figures.not_added)
        for d in row_deals:
            _add_to_row(rows, top, names, d, d[role], by, currency, not_added_here=d["id"] in skip)
    out = []
    for row in rows.values():
        if by != "deals" and row["missing"] == row["deals"]:
            continue  # no figure in this measure (or currency) at all: not in the table, rather than a tie at 0
        total = round(row["total"], 6)
        row["total"] = int(total) if total == int(total) else total
        row["includes"] = sorted(row["includes"])
        out.append(row)
    out.sort(key=lambda row: (-row["total"], row["company"]))
    # Competition ranking: equal totals share a rank ("1, 2, 2, 4").
    for i, row in enumerate(out):
        row["rank"] = out[i - 1]["rank"] if i and row["total"] == out[i - 1]["total"] else i + 1
    return [{"rank": row.pop("rank"), **row} for row in out]


def _add_to_row(rows: dict, top: str, names: dict, d: dict, who: str, by: str, currency: str, *,
                not_added_here: bool) -> None:
    row = rows.setdefault(top, {"company": top, "name": names.get(top, top), "total": 0.0,
                                "unit": {"mw": "MW", "money": currency, "deals": "deals"}[by],
                                "deals": 0, "qualified": 0, "missing": 0, "includes": set()})
    # a deal another deal of the row amends or overlaps counts as a deal, its figures not added
    amount, qualified, missing = (0.0, False, False) if not_added_here and by != "deals" else _measure(d, by, currency)
    row["total"] += amount
    row["deals"] += 1
    row["qualified"] += qualified
    row["missing"] += missing
    row["includes"].add(who)


def rank(store, *, by: str, role: str, kinds: Sequence[str] | str | None = None, as_of: _dt.date | None = None,
         roll_up: bool = False, currency: str = "USD") -> list[dict]:
    """League table: each company's total in ``role`` (provider or customer), highest first.

    ``by``: ``mw`` (headline MW), ``money`` (headline total value in ``currency``; figures in
    another currency, and per-period prices without a total, count as missing) or ``deals``.
    Each row counts the deals behind the total, how many of their figures are qualified (a
    qualifier other than exact: "up to", "about"...) and how many are missing. Equal totals
    share a rank; ties are listed by company id. A company none of whose deals has a figure in
    the measure (for money: in ``currency``) is left out, not listed at 0.
    """
    return rank_deals(company_index(store), fetch_deals(store), by=by, role=role, kinds=kinds, as_of=as_of,
                      roll_up=roll_up, currency=currency)


# ---------------------------------------------------------------------------- export

def export_graph(store, fmt: str, *, kinds: Sequence[str] | str | None = None, as_of: _dt.date | None = None,
                 roll_up: bool = False) -> bytes:
    """The company graph as GraphML, GEXF or node-link JSON, deal attributes on the edges.

    GraphML and GEXF hold flat values: lists become ``"a; b"`` strings and unknown values are
    left out. JSON keeps lists, writes ``null`` for unknowns, and uses networkx's node-link
    layout with ``links`` (each link has ``key``, the deal id).
    """
    if fmt not in EXPORT_FORMATS:
        raise BadValue(f"unknown graph format {fmt!r}", "choose one of: " + ", ".join(EXPORT_FORMATS))
    return serialize_graph(company_graph(store, kinds=kinds, as_of=as_of, roll_up=roll_up), fmt)


__all__ = [
    "PAYER", "TIE_KINDS", "MONEY_KINDS", "RELATION", "EXPORT_FORMATS", "RANK_MEASURES", "RANK_ROLES", "NoPath",
    "parse_kinds", "build_graph", "company_graph", "paths", "find_cycles", "cycles", "Cycles", "rank",
    "rank_deals", "RollUp", "ultimate_parents", "rollup_table", "deal_reach", "export_graph", "serialize_graph",
    "read_graph", "edge_attributes", "GRAPH_FORMATS", "parse_kinds", "headline_value", "NOT_QUALIFIED",
]
