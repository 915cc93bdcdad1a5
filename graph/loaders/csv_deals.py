"""Deals as CSV: one row per deal, flat columns (documented in the README).

List cells (``members``, ``facilities``) are separated by ``;``. ``accelerators`` holds
``MODEL:COUNT`` pairs separated by ``;``. Up to five sources: ``source_*`` and ``source2_*`` ...
``source5_*``. An empty cell means the field is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import LineDict, RawRecord, ReadResult, header_columns, read_csv, register

SIMPLE = ["id", "kind", "provider", "customer", "guarantor", "end_user", "announced", "start",
          "end", "status", "supersedes", "terms", "notes"]
LISTS = ["members", "facilities"]
MONEY = {"price": ["amount", "currency", "per", "qualifier"],
         "total_value": ["amount", "currency", "qualifier"]}
SOURCE_FIELDS = ["publisher", "title", "url", "date", "kind"]
SOURCE_PREFIXES = ["source"] + [f"source{i}" for i in range(2, 6)]

COLUMNS: list[str] = (
    SIMPLE + LISTS + ["power_mw", "power_mw_qualifier", "accelerators"]
    + [f"{m}_{f}" for m, fs in MONEY.items() for f in fs]
    + [f"{p}_{f}" for p in SOURCE_PREFIXES for f in SOURCE_FIELDS]
)
REQUIRED_COLUMNS = ("id", "kind")
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def _number(text: str) -> object:
    t = text.strip().replace(",", "").replace("_", "")
    if _NUMBER.match(t):
        v = float(t)
        return int(v) if v.is_integer() and "e" not in t.lower() and "." not in t else v
    return text


def row_to_record(row: dict[str, str], line: int) -> LineDict:
    rec = LineDict(line=line)

    def put(key: str, value: object) -> None:
        rec[key] = value
        rec.lines[key] = line

    for col in SIMPLE:
        if row.get(col, "").strip():
            put(col, row[col].strip())
    for col in LISTS:
        if row.get(col, "").strip():
            put(col, [x.strip() for x in row[col].split(";") if x.strip()])
    capacity = LineDict(line=line)
    if row.get("power_mw", "").strip():
        value = _number(row["power_mw"])
        q = row.get("power_mw_qualifier", "").strip()
        capacity["power_mw"] = LineDict({"value": value, "qualifier": q}, line=line) if q else value
    if row.get("accelerators", "").strip():
        accs = []
        for part in row["accelerators"].split(";"):
            if not part.strip():
                continue
            model, sep, count = part.rpartition(":")
            accs.append(LineDict({"model": model.strip(), "count": _number(count)} if sep
                                 else {"model": part.strip()}, line=line))
        capacity["accelerators"] = accs
    if capacity:
        put("capacity", capacity)
    for name, fields in MONEY.items():
        m = LineDict(line=line)
        for f in fields:
            cell = row.get(f"{name}_{f}", "").strip()
            if cell:
                m[f] = _number(cell) if f == "amount" else cell
        if m:
            put(name, m)
    sources = []
    for prefix in SOURCE_PREFIXES:
        s = LineDict(line=line)
        for f in SOURCE_FIELDS:
            cell = row.get(f"{prefix}_{f}", "").strip()
            if cell:
                s[f] = cell
        if s:
            sources.append(s)
    if sources:
        put("sources", sources)
    return rec


class CsvDealsLoader:
    name = "csv"
    extensions = (".csv",)

    def detect(self, path: Path, head: str) -> bool:
        return all(c in header_columns(head) for c in REQUIRED_COLUMNS)

    def read(self, path: Path, display: str) -> ReadResult:
        rows, problems = read_csv(path, display, required=REQUIRED_COLUMNS, known=COLUMNS, what="deal CSV")
        result = ReadResult(problems=problems)
        for line, cells in rows:
            result.records.append(RawRecord("deals", row_to_record(cells, line), display, line))
        return result


register(CsvDealsLoader())
