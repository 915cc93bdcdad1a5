"""What a person reads at a terminal: the company summary, the deal card, and the columns (with
their priorities) of every tabular command. Used only when stdout is a terminal; pipes and
files get :mod:`graph.output`'s whole-value tables, unchanged.

Figures are worded by :mod:`graph.figures`, colour and fitting are :mod:`graph.terminal`'s.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from .figures import headline, money, number_text, plain, qualifier as qualifier_words, scaled, totals
from .output import cell, term_text
from .terminal import Col, Terminal, disputed_colour, role_colour, status_colour, table


def _names(d: dict, ids: Sequence[str]) -> str:
    return "; ".join(d["parties"].get(i, i) for i in ids)


def _mw(d: dict) -> str:
    text = "; ".join(number_text(v) for v in headline(d["power_mw"]))
    return text + (" (disputed)" if any(not v.get("headline", True) for v in d["power_mw"]) else "")


def _money(d: dict) -> str:
    parts = [money(m) for m in headline(d["price"])] + [money(m) + " total" for m in headline(d["total_value"])]
    dis = any(not v.get("headline", True) for f in ("price", "total_value") for v in d[f])
    return "; ".join(parts) + (" (disputed)" if dis else "")


def _term(d: dict) -> str:
    return term_text(d)


def _primary(d: dict) -> str:
    return "*" if any(s.get("primary") for s in d["sources"]) else ""


def _party(d: dict, role: str) -> str:
    if role == "provider" and not d["provider"] and d["members"]:
        return _names(d, d["members"])
    return _names(d, [d[role]]) if d[role] else ""


# Person's columns: lower priority numbers are kept longer when the window is narrow.
COMPANY_DEAL_COLS = [
    Col("counterparty", lambda d: _names(d, d["counterparty"]), 1, 12, want=18),
    Col("role", lambda d: d["role"], 2, 8, role_colour, want=12),
    Col("kind", lambda d: d["kind"], 3, 8, want=14),
    Col("mw", _mw, 4, 6, disputed_colour, want=10),
    Col("money", _money, 5, 9, disputed_colour, want=16),
    Col("term", _term, 7, 7, want=16),
    Col("status", lambda d: d["status"], 6, 9, status_colour, want=10),  # "announced" whole
    Col("src", _primary, 9, 3),
    Col("id", lambda d: d["id"], 8, 10, want=14),  # last: the key for `computekg deal ID`
]
SITE_COLS = [
    Col("site", lambda s: s["name"], 1, 12, want=30),
    Col("role", lambda s: s["role"], 2, 8, role_colour, want=22),
    # numbers are not cut mid-figure where room allows ("275,7…" would read as a smaller number)
    Col("mw", lambda s: "; ".join(number_text(v) for v in s["power_mw"]), 3, 7, want=10),
    Col("h100e", lambda s: "; ".join(plain(a["count"]) for a in s["accelerators"]
                                     if a["model"] == "H100-equivalents" and a["count"] is not None), 4, 9, want=10),
    Col("status", lambda s: s["status"], 5, 11, status_colour, want=18),
    Col("counterparty", lambda s: "; ".join(s["counterparty"]), 7, 8),
    Col("id", lambda s: s["id"], 6, 10, want=36),
]
DEAL_COLS = [
    Col("id", lambda d: d["id"], 1, 14, want=30),
    Col("kind", lambda d: d["kind"], 4, 8, want=14),
    Col("provider", lambda d: _party(d, "provider"), 2, 10, want=18),
    Col("customer", lambda d: _party(d, "customer"), 3, 10, want=18),
    Col("mw", _mw, 5, 6, disputed_colour, want=10),
    Col("money", _money, 6, 9, disputed_colour, want=16),
    Col("term", _term, 8, 7, want=16),
    Col("status", lambda d: d["status"], 7, 6, status_colour, want=10),
    Col("src", _primary, 9, 3),
]


def columns_of(columns: Sequence[tuple[str, Callable[[dict], Any]]]) -> list[Col]:
    """A person's columns from a table's (name, getter) columns: left ones kept longest."""
    return [Col(name, (lambda fn: lambda r: cell(fn(r)))(fn), i, 6,
                status_colour if name == "status" else role_colour if name == "role" else None)
            for i, (name, fn) in enumerate(columns)]


# ---------------------------------------------------------------------------- company NAME

def _count(n: int, what: str) -> str:
    return f"{n} {what}"


def company_header(report, term: Terminal) -> list[str]:
    """The lines above a company's deals: who it is, its deals by role, what they add up to."""
    c = report.company
    first = f"{c.name} ({c.id})"
    facts = [x for x in (c.kind, c.country) if x]
    if c.parent:
        facts.append(f"part of {c.parent}" + (f" since {c.parent_since}" if c.parent_since else ""))
    lines = [first + (" · " + " · ".join(facts) if facts else "")]
    if c.aliases:
        lines.append("also known as: " + ", ".join(c.aliases))
    if report.roll_up and report.subsidiaries:
        lines.append("with its subsidiaries: " + ", ".join(s.id for s in report.subsidiaries))
    deals = [d.row() for d in report.deals]
    by_role: dict[str, int] = {}
    for d in deals:
        for r in (d["role"] or "").split("+"):
            if r:
                by_role[r] = by_role.get(r, 0) + 1
    lines.append(f"{len(deals)} deal(s)" + (": " + ", ".join(f"{n} as {r}" for r, n in by_role.items())
                                            if by_role else "")
                 + (f", in force on {report.as_of}" if report.as_of else ""))
    t = totals(deals)
    if t["not_added"]:
        lines.append(f"{t['not_added']} deal(s) amended or overlapped by another listed: their figures are not added again")
    mw = t["mw"]
    lines.append(f"power: {plain(mw['total'])} MW in all ({mw['qualified']} qualified figure(s); "
                 f"{mw['missing']} deal(s) give none)")
    money_parts = [f"{scaled(v['total'])} {cur} ({v['qualified']} qualified)"
                   for cur, v in t["money"].items() if cur != "missing"]
    lines.append("total value: " + ("; ".join(money_parts) if money_parts else "none given")
                 + f"; {t['money']['missing']} deal(s) give none")
    lines = [term.cut(line) for line in lines]
    if lines[0].startswith(c.name):
        lines[0] = term.paint(c.name, "bold") + lines[0][len(c.name):]
    return lines


def company_text(report, term: Terminal) -> str:
    """``company NAME`` for a person: header, fitted deals table, then Epoch AI's sites."""
    out = "\n".join(company_header(report, term)) + "\n\n"
    if report.deals:
        out += table([d.row() for d in report.deals], COMPANY_DEAL_COLS, term)
    if report.sites:
        out += "\n" + term.paint(f"Sites it owns or uses, per Epoch AI ({len(report.sites)})", "bold") + "\n"
        out += table([s.as_dict() for s in report.sites], SITE_COLS, _without_columns(term))
    return out


def _without_columns(term: Terminal) -> Terminal:
    """The sites section has its own columns: --columns picks the deals' only."""
    from dataclasses import replace

    return replace(term, columns=None)


# ---------------------------------------------------------------------------- deal ID

_PRECISION = {4: "year", 7: "month", 10: "day"}


def _dated(text: str | None) -> str:
    return f"{text} ({_PRECISION.get(len(text), 'date')})" if text else ""


def deal_card(deal, term: Terminal, *, superseded_by: Sequence[str] = ()) -> str:
    """One deal, whole: parties and roles, facilities, every figure with every sourced value
    (disputed ones marked), dates with their precision, status and supersession, terms, notes,
    and the sources numbered."""
    d = deal.row()
    number = {s["url"]: i for i, s in enumerate(d["sources"], 1)}
    lines = [term.paint(d["id"], "bold") + f" · {d['kind']}"
             + (" · " + term.paint(d["status"], status_colour(d["status"])) if d["status"] else "")]

    def fact(label: str, value: str, colour: str | None = None) -> None:
        if not value:
            return
        import textwrap

        for k, part in enumerate(textwrap.wrap(" ".join(value.split()), max(term.width - 15, 20)) or [""]):
            lines.append(f"  {label if k == 0 else '':<13}" + term.paint(part, colour))

    for role in ("provider", "customer", "guarantor", "end_user"):
        if d[role]:
            fact(role.replace("_", " "), f"{d['parties'].get(d[role], d[role])} ({d[role]})", role_colour(role))
    if d["members"]:
        fact("members", ", ".join(f"{d['parties'].get(m, m)} ({m})" for m in d["members"]), "magenta")
    fact("facilities", ", ".join(d["facilities"]))
    for f, label in (("power_mw", "power"), ("accelerators", "accelerators"), ("price", "price"),
                     ("total_value", "total value")):
        values = getattr(deal, f)
        disputed = any(not v.headline for v in values)
        for k, v in enumerate(values):
            src = f" [{number[v.source]}]" if v.source in number else ""
            mark = " (headline)" if disputed and v.headline else " (disputed)" if not v.headline else ""
            fact(label if k == 0 else "", v.text(style="long") + src + mark, "yellow" if disputed else None)
    for key in ("announced", "start", "end"):
        values = (d.get("date_values") or {}).get(key)
        if not values:
            fact(key, _dated(d[key]))
            continue
        disputed = any(not v["headline"] for v in values)  # every sourced value, as for figures
        for k, v in enumerate(values):
            src = f" [{number[v['source']]}]" if v["source"] in number else ""
            mark = " (headline)" if disputed and v["headline"] else " (disputed)" if not v["headline"] else ""
            fact(key if k == 0 else "", qualifier_words(v["qualifier"]) + _dated(v["value"]) + src + mark,
                 "yellow" if disputed else None)
    fact("supersedes", d["supersedes"] or "")
    for link in ("amends", "expands", "overlaps"):
        fact(link, ", ".join(d.get(link) or ()))
    ps = d.get("primary_source")
    if ps:
        fact("primary src", f"none found (searched {ps['searched']})" + (f": {ps['note']}" if ps.get("note") else ""))
    fact("superseded by", ", ".join(superseded_by))
    fact("terms", d["terms"] or "")
    fact("notes", d["notes"] or "")
    if d["sources"]:
        lines.append("sources")
        for i, s in enumerate(d["sources"], 1):
            what = ", ".join(x for x in (s["publisher"], s["date"], (s["kind"] or "").replace("_", " ")) if x)
            lines.append(term.cut(f"  [{i}] {what}" + (" *" if s["primary"] else "") + f": {s['title']}"))
            lines.append(f"      {s['url']}")
    return "\n".join(lines) + "\n"
