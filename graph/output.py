"""Writing rows: one streaming writer for ``--format table|csv|json|jsonl|tsv``, and the
text forms of figures (money, MW, accelerators) used in tables.
"""

from __future__ import annotations

import datetime as _dt
import sys
from decimal import Decimal
from typing import Any, Callable, Iterable, Sequence, TextIO

from .store import IRI

FORMATS = ("table", "csv", "json", "jsonl")
Column = tuple[str, Callable[[dict], Any]]

_QUAL = {"approx": "about ", "up_to": "up to ", "at_least": "at least ", "more_than": "more than ", "exact": ""}
_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


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


def scaled(n: float) -> str:
    """1.25e9 -> '1.25B'; 300 -> '300'."""
    n = float(n)
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(n) >= div:
            return f"{n / div:.3f}".rstrip("0").rstrip(".") + suffix
    return f"{n:.3f}".rstrip("0").rstrip(".")


def money_text(m: dict) -> str:
    cur = m.get("currency") or ""
    sym = _SYMBOL.get(cur)
    amount = scaled(m["amount"])
    text = f"{sym}{amount}" if sym else f"{amount} {cur}"
    per = m.get("per")
    if per in ("month", "year"):
        text += f"/{per}"
    return _QUAL.get(m.get("qualifier") or "", "") + text


def plain(n: float) -> str:
    """300 -> '300'; 220000 -> '220,000'; 3.5 -> '3.5'."""
    text = f"{float(n):,.3f}".rstrip("0").rstrip(".")
    return text


def figure_text(v: dict, unit: str = "") -> str:
    value = v.get("value") if "value" in v else v.get("count")
    if value is None:
        return ""
    return _QUAL.get(v.get("qualifier") or "", "") + plain(value) + unit


def accelerators_text(a: dict) -> str:
    count = figure_text(a)
    return f"{count} {a['model']}".strip()


def headline(values: Sequence[dict]) -> list[dict]:
    return [v for v in values if v.get("headline", True)]


def disputed(values: Sequence[dict]) -> bool:
    return any(not v.get("headline", True) for v in values)


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
    if not d.get("start") and not d.get("end"):
        return ""
    return f"{d.get('start') or '?'}..{d.get('end') or '?'}"


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
