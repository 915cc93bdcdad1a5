"""Writing rows: one streaming writer for ``--format table|csv|json|jsonl|tsv``, and the deal
columns of tables. Figures are worded by :mod:`graph.figures` (the one wording, shared with the
HTML views).
"""

from __future__ import annotations

import datetime as _dt
import sys
from decimal import Decimal
from typing import Any, Callable, Iterable, Sequence, TextIO

from .choices import FORMATS
from .figures import disputed, headline, money, number_text, plain, scaled
from .store import IRI


def money_text(m: dict) -> str:
    """A price or total value in the table style (``$1.25B/month``): :func:`graph.figures.money`."""
    return money(m)


def figure_text(v: dict, unit: str = "") -> str:
    """A figure's qualifier and number (``more than 300``): :func:`graph.figures.number_text`."""
    return number_text(v, unit)


def accelerators_text(a: dict) -> str:
    return f"{number_text(a)} {a['model']}".strip()


Column = tuple[str, Callable[[dict], Any]]



def _json_default(o: Any) -> Any:
    if isinstance(o, IRI):
        return o.value
    if isinstance(o, Decimal):
        return int(o) if o == o.to_integral_value() else float(o)
    if isinstance(o, (_dt.date, _dt.datetime)):
        return o.isoformat()
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    return str(o)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (float, Decimal)):
        return scaled(value) if abs(float(value)) >= 1e6 else f"{float(value):g}"
    return str(value)


def write_rows(rows: Iterable[dict], fmt: str, columns: Sequence[Column] | None = None,
               out: TextIO | None = None, *, max_width: int = 60) -> int:
    """Write rows; returns how many were written. ``columns`` shape table and CSV output."""
    import json

    out = out or sys.stdout
    rows = list(rows)
    if fmt == "json":
        out.write(json.dumps(rows, default=_json_default, ensure_ascii=False, indent=2) + "\n")
        return len(rows)
    if fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(r, default=_json_default, ensure_ascii=False) + "\n")
        return len(rows)
    if columns is None:
        keys: list[str] = []
        for r in rows:
            keys.extend(k for k in r if k not in keys)
        columns = [(k, (lambda k: lambda r: r.get(k))(k)) for k in keys]
    headers = [c[0] for c in columns]
    table = [[cell(fn(r)) for _, fn in columns] for r in rows]
    if fmt in ("csv", "tsv"):
        import csv

        w = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(headers)
        w.writerows(table)
        return len(rows)
    # table
    def clip(s: str) -> str:
        s = s.replace("\n", " ")
        return s if len(s) <= max_width else s[: max_width - 1] + "…"

    table = [[clip(c) for c in row] for row in table]
    widths = [max([len(h)] + [len(row[i]) for row in table]) for i, h in enumerate(headers)]
    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in table:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() + "\n")
    return len(rows)


# Columns for deal rows, shared by `company` and `deals`.
def _sources_text(d: dict) -> str:
    parts = []
    for s in d["sources"]:
        parts.append(f"{s['publisher']}" + (f" {s['date']}" if s.get("date") else "") + (" *" if s["primary"] else ""))
    return "; ".join(parts)


def _dates_text(d: dict) -> str:
    """The term, ``start..end`` by headline dates, marked ``(disputed)`` when sources disagree on
    either (issue 11: every value is in ``date_values``)."""
    if not d.get("start") and not d.get("end"):
        return ""
    dv = d.get("date_values") or {}
    dis = any(not v["headline"] for f in ("start", "end") for v in dv.get(f) or ())
    return f"{d.get('start') or '?'}..{d.get('end') or '?'}" + (" (disputed)" if dis else "")


term_text = _dates_text


def _mw_text(d: dict) -> str:
    text = "; ".join(figure_text(v) for v in headline(d["power_mw"]))
    return text + (" (disputed)" if disputed(d["power_mw"]) else "")


def _money_text(d: dict) -> str:
    parts = [money_text(m) for m in headline(d["price"])]
    parts += [money_text(m) + " total" for m in headline(d["total_value"])]
    text = "; ".join(parts)
    return text + (" (disputed)" if disputed(d["price"]) or disputed(d["total_value"]) else "")


DEAL_COLUMNS: list[Column] = [
    ("id", lambda d: d["id"]),
    ("kind", lambda d: d["kind"]),
    ("provider", lambda d: d["provider"] or ("; ".join(d["members"]) if d["members"] else "")),
    ("customer", lambda d: d["customer"]),
    ("facilities", lambda d: d["facilities"]),
    ("mw", _mw_text),
    ("accelerators", lambda d: "; ".join(accelerators_text(a) for a in headline(d["accelerators"]))),
    ("money", _money_text),
    ("announced", lambda d: d["announced"]),
    ("term", _dates_text),
    ("status", lambda d: d["status"]),
    ("sources", _sources_text),
]

COMPANY_DEAL_COLUMNS: list[Column] = [
    ("id", lambda d: d["id"]),
    ("role", lambda d: d["role"]),
    ("counterparty", lambda d: d["counterparty"]),
    *DEAL_COLUMNS[1:2],
    *DEAL_COLUMNS[4:],
]


def public_deal(d: dict) -> dict:
    """A deal dict as written in JSON output (internal fields dropped)."""
    return {k: v for k, v in d.items() if k not in ("start_date", "end_date")}


# ---------------------------------------------------------------------------- the other commands' tables

def _key(k: str) -> Column:
    return (k, lambda r: r[k])


COMPANY_COLUMNS: list[Column] = [_key(k) for k in ("id", "name", "kind", "parent", "aliases")]
FACILITY_COLUMNS: list[Column] = [_key(k) for k in (
    "id", "name", "status", "owners", "operators", "mw", "epoch_mw", "h100_equivalents", "housed_in")]


def figure_cell(v: dict | None, unit: str = "") -> str:
    """A headline figure dict (MW or money) as a table cell; empty when there is none."""
    if not v:
        return ""
    return money(v) if "amount" in v else number_text(v, unit)


PATH_COLUMNS: list[Column] = [_key(k) for k in ("path", "hop", "from", "direction", "to", "deal", "kind")] + [
    ("mw", lambda r: figure_cell(r["mw"])), ("money", lambda r: figure_cell(r["money"])), _key("date"),
    ("source", lambda r: r["publisher"]), ("url", lambda r: r["source"])]

CYCLE_COLUMNS: list[Column] = [_key(k) for k in ("cycle", "length", "step", "from", "to")] + [
    ("deals", lambda r: [d["id"] for d in r["deals"]]),
    ("money", lambda r: [figure_cell(d["money"]) or "?" for d in r["deals"]])]


def cycle_rows(found) -> list[dict]:
    """One row per step of each cycle (``found``: :class:`graph.models.Cycles`)."""
    return [{"cycle": c.cycle, "length": c.length, "step": i, **s.as_dict()}
            for c in found.cycles for i, s in enumerate(c.steps, 1)]


def rank_columns(by: str, *, roll_up: bool = False) -> list[Column]:
    total = (lambda r: scaled(r["total"])) if by == "money" else (lambda r: plain(r["total"]))
    columns = [_key("rank"), _key("company"), _key("name"), ("total", total), _key("unit"), _key("deals"),
               _key("qualified"), _key("missing")]
    return columns + ([_key("includes")] if roll_up else [])


def company_note(report) -> str:
    """The line after ``company NAME``: how many deals (and sites) for whom."""
    c = report.company
    what = f"{c.name} ({c.id})" + (f" with {len(report.subsidiaries)} subsidiaries" if report.roll_up else "")
    return (f"{len(report.deal_rows)} deal(s) for {what}" + (f" in force on {report.as_of}" if report.as_of else "")
            + (f"; {len(report.site_rows)} site(s) it owns or uses, per Epoch AI" if report.site_rows else ""))


def facility_note(report: dict) -> str:
    """The line after ``facility NAME``: the capacity on the date asked, or what the report holds."""
    f, a = report["facility"], report["as_of"]
    if a is None:
        return (f"{f['name']} ({f['id']}): {len(report['users'])} user(s), {len(report['deals'])} deal(s), "
                f"{len(report['timeline'])} timeline reading(s)")
    s, p, on = a["observed"], a["projected"], a["date"]
    return (f"{f['name']} ({f['id']}) on {on}: "
            + (f"{s['power_mw']:g} MW observed on {s['date']} (latest Epoch AI reading on or before {on})"
               if s is not None and s["power_mw"] is not None else "no observed capacity reading on or before that date")
            + (f"; projected {p['power_mw']:g} MW for {p['date']}" if p is not None and p["power_mw"] is not None else ""))


def stats_rows(s: dict) -> list[dict]:
    """``stats`` as (section, key, value) rows."""
    rows = [{"section": "total", "key": key, "value": s[key]} for key in (
        "companies", "facilities", "deals", "sources", "data_as_of", "deals_with_primary_source",
        "primary_source_share", "deals_primary_source_none_found", "deals_primary_source_not_searched") if key in s]
    listed = ("deals_by_kind", "deals_by_status", "deals_by_year", "deals_by_month", "fields_missing")
    # then what data sources add (Epoch AI's counts...), each a table of its own
    for section in (*listed, *sorted(k for k, v in s.items() if isinstance(v, dict) and k not in listed)):
        rows.extend({"section": section, "key": k, "value": v} for k, v in s[section].items())
    return rows
