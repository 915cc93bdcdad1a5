"""Loaders: read record files into raw records (dicts that remember their line numbers).

One module per input format of the curated records, registered in :data:`LOADERS`; a data source
with files of its own (:mod:`graph.sources`) passes its loaders in. A loader never raises on bad
input: it returns the records it could read and a list of :class:`~graph.errors.Problem`.
Which loader reads a file is decided by :func:`loader_for`: by extension, and for CSV files by
the header row, read once per file (the deal CSV, or a source's dataset).
"""

from __future__ import annotations

import re

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Protocol, Sequence

from ..errors import Problem

SECTIONS = ("companies", "facilities", "deals")


class LineDict(dict):
    """A dict that remembers the line of each key (1-based; 0 when unknown).

    Slotted, and its table of lines made only when a line is set: a million-deal file holds
    millions of these."""

    __slots__ = ("line", "_lines")

    def __init__(self, *args, line: int = 0, lines: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        self._lines = dict(lines) if lines else None

    @property
    def lines(self) -> dict:
        if self._lines is None:
            self._lines = {}
        return self._lines

    def line_of(self, key: str) -> int:
        return self._lines.get(key, self.line) if self._lines else self.line


@dataclass
class RawRecord:
    """One record as read: its section (companies, facilities, deals...) and its fields."""

    section: str
    data: LineDict
    file: str
    line: int

    @property
    def rid(self) -> str:
        value = self.data.get("id")
        return str(value) if value is not None else ""


@dataclass
class ReadResult:
    records: list[RawRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def extend(self, other: "ReadResult") -> None:
        self.records.extend(other.records)
        self.problems.extend(other.problems)
        self.files.extend(other.files)


class Loader(Protocol):
    name: str
    extensions: tuple[str, ...]

    def detect(self, path: Path, head: str) -> bool: ...

    def read(self, path: Path, display: str) -> ReadResult: ...


LOADERS: dict[str, Loader] = {}


def register(loader: Loader) -> Loader:
    LOADERS[loader.name] = loader
    return loader


def _load_builtin() -> None:
    from . import csv_deals, json_records, yaml_records  # noqa: F401  (they register themselves)


def loader_for(path: Path, loaders: Sequence[Loader] | None = None) -> Loader | None:
    """The loader for a file (among ``loaders``, default :data:`LOADERS`), or None when the file is
    not a record file (README.md, or a JSON Schema such as data/schema/records.schema.json). The
    header line is read once, here, for every candidate."""
    if path.name.lower().endswith(".schema.json"):
        return None
    ext = path.suffix.lower()
    candidates = [ld for ld in (LOADERS.values() if loaders is None else loaders) if ext in ld.extensions]
    if not candidates:
        return None
    if len(candidates) == 1 and candidates[0].name in ("yaml", "json"):
        return candidates[0]
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            head = fh.readline()
    except (OSError, UnicodeDecodeError):
        head = ""
    # Most specific first: a loader that recognises the header wins over the generic one.
    for ld in sorted(candidates, key=lambda ld: ld.name == "csv"):
        if ld.detect(path, head):
            return ld
    return None


def find_files(paths: Iterable[str | os.PathLike], loaders: Sequence[Loader] | None = None
               ) -> tuple[list[tuple[Path, Loader | None]], list[Problem]]:
    """Expand folders recursively (sorted, hidden files skipped) into record files, each with its
    loader (None for a file named directly that no loader reads)."""
    files: list[tuple[Path, Loader | None]] = []
    problems: list[Problem] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                rel = sub.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or not sub.is_file():
                    continue
                loader = loader_for(sub, loaders)
                if loader is not None:
                    files.append((sub, loader))
        elif path.is_file():
            files.append((path, loader_for(path, loaders)))
        else:
            problems.append(Problem(str(path), 0, "", "", "no such file or folder"))
    return files, problems


def iter_files(paths: Iterable[str | os.PathLike], loaders: Sequence[Loader] | None = None
               ) -> tuple[list[Path], list[Problem]]:
    """The record files under ``paths`` (see :func:`find_files`) and the problems finding them."""
    found, problems = find_files(paths, loaders)
    return [f for f, _ in found], problems


def read_paths(paths: Iterable[str | os.PathLike], loaders: Sequence[Loader] | None = None) -> ReadResult:
    """Read every record file under ``paths`` with ``loaders`` (default :data:`LOADERS`); collect
    every problem."""
    found, problems = find_files(paths, loaders)
    result = ReadResult(problems=problems)
    for f, loader in found:
        display = str(f)
        if loader is None:
            known = LOADERS.values() if loaders is None else loaders
            kinds = ", ".join(sorted({e for ld in known for e in ld.extensions}))
            result.problems.append(
                Problem(display, 0, "", "", f"not a record file this tool can read (it reads {kinds}; "
                        "CSV files need a known header row)"))
            continue
        result.files.append(display)
        result.extend(loader.read(f, display))
    return result

MAX_NESTING = 64  # far deeper than any record needs; parsers recurse per level


_QUOTED = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*\\?(?:"|\Z)|\'[^\']*(?:\'|\Z)', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


def nesting_problem(text: str, display: str, limit: int = MAX_NESTING) -> Problem | None:
    """A problem naming the line where brackets (``[`` ``{``, outside quoted strings) nest deeper
    than ``limit``, before a recursive parser runs out of stack on it; None when the text is fine.
    Quoted strings (a backslash escapes in double quotes) are cut out by a regular expression,
    in C, and only the brackets left are counted in Python: a 500 MB file takes seconds."""
    depth = 0
    for m in _BRACKETS.finditer(_QUOTED.sub("", text)):
        if m.group() in "[{":
            depth += 1
            if depth > limit:
                return Problem(display, _deep_line(text, limit), "", "", f"nested more than {limit} levels "
                               "deep; records need only a few levels, so the file is not read")
        else:
            depth = max(0, depth - 1)
    return None


def _deep_line(text: str, limit: int) -> int:
    """The line of the bracket that goes deeper than ``limit`` (only when one does)."""
    depth, line, quote, i, n = 0, 1, "", 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in "[{":
            depth += 1
            if depth > limit:
                return line
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return 0


def header_columns(head: str) -> set[str]:
    """The column names in a CSV header line (for ``detect``)."""
    import csv

    try:
        return {c.strip() for c in next(csv.reader([head]), [])}
    except csv.Error:
        return set()


def read_csv(path: Path, display: str, *, required: Sequence[str], known: Sequence[str] | None = None,
             what: str = "") -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Rows of a CSV file as (line, {column: cell}) with stripped column names, and problems.

    Checks the header (``required`` columns present; with ``known``, no other columns), rows with
    more cells than the header, and CSV syntax. Blank rows are skipped. Nothing is raised.
    """
    import csv

    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        return rows, [Problem(display, 0, "", "", f"cannot read file: {exc}")]
    with fh:
        reader = csv.DictReader(fh)
        try:
            header = [h.strip() for h in (reader.fieldnames or [])]
            if known is not None:
                problems += [Problem(display, 1, "", h, f"unknown column; see the README for the {what} columns")
                             for h in header if h not in known]
            problems += [Problem(display, 1, "", h, f"required column of the {what} file is missing")
                         for h in required if h not in header]
            if problems:
                return rows, problems
            start = 2
            for row in reader:
                line, start = start, reader.line_num + 1
                if None in row:
                    problems.append(Problem(display, line, "", "", "row has more cells than the header has columns"))
                cells = {k.strip(): (v or "") for k, v in row.items() if k is not None}
                if any(v.strip() for v in cells.values()):
                    rows.append((line, cells))
        except (csv.Error, UnicodeDecodeError) as exc:
            problems.append(Problem(display, reader.line_num, "", "", f"CSV syntax error: {exc}"))
    return rows, problems


_load_builtin()
