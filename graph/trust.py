"""Issue 11 checks on deals, run after the records are typed (hooks of :func:`graph.validate.validate`):

* **links** ``amends``, ``expands``, ``overlaps``: an id or a list of ids of other deals (in the
  batch or already in the store). Each must name a known deal other than itself; a deal does not
  both amend and overlap the same deal; ``amends``/``overlaps`` links must not form a loop (they
  decide which deal's money a total keeps: :func:`graph.figures.not_added`; a loop would keep none).
* **primary_source** ``{status: none_found, searched: YYYY-MM-DD, note: ...}``: a primary source
  was looked for on that day and none found (absence recorded, not assumed). ``searched`` is a
  full date; a deal that says so but lists a primary source is a contradiction.

Each check reads the raw record (for line numbers) and sets the typed deal's fields, so that the
triples carry them. Nothing is raised; problems go into the report.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from .dates import PartialDate
from .errors import Problem, Report
from .loaders import RawRecord, ReadResult
from .records import Catalog, Deal
from .suggest import close, did_you_mean

LINK_FIELDS = ("amends", "expands", "overlaps")
PRIMARY_SOURCE_FIELDS = ("status", "searched", "note")
PRIMARY_SOURCE_STATUSES = ("none_found",)

Hook = Callable[[Catalog, ReadResult, Report], None]


def hooks(known: dict | None = None) -> list[Hook]:
    """The checks, with the deal ids a store already holds (``known["deals"]``) as valid targets."""
    known_deals = {rid for rid, _ in (known or {}).get("deals", [])}

    def links(cat: Catalog, read: ReadResult, report: Report) -> None:
        check_links(cat, read, report, known_deals)

    return [links, check_primary_source]


def _raw_deals(read: ReadResult, cat: Catalog) -> dict[str, RawRecord]:
    out: dict[str, RawRecord] = {}
    for rec in read.records:
        if rec.section == "deals" and rec.rid in cat.deals and cat.deals[rec.rid].file == rec.file \
                and cat.deals[rec.rid].line == rec.line:
            out[rec.rid] = rec
    return out


def _line(rec: RawRecord, key: str) -> int:
    return rec.data.line_of(key)


# ---------------------------------------------------------------------------- links

def _ids(value: Any) -> list[str] | None:
    """An id or a list of ids as a list; None when it is neither."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return [x.strip() for x in value if x.strip()]
    return None


def check_links(cat: Catalog, read: ReadResult, report: Report, known_deals: Iterable[str] = ()) -> None:
    deal_ids = set(cat.deals) | set(known_deals)
    for rid, rec in sorted(_raw_deals(read, cat).items()):
        d = cat.deals[rid]
        for key in LINK_FIELDS:
            targets = _ids(rec.data.get(key))
            if targets is None:
                continue  # not an id or a list of ids: the record schema (graph.schema) reports it
            kept: list[str] = []
            for target in targets:
                if target == rid:
                    report.problems.append(Problem(rec.file, _line(rec, key), rid, key,
                                                   f"a deal cannot {key[:-1]} itself"))
                elif target not in deal_ids:
                    report.problems.append(Problem(rec.file, _line(rec, key), rid, key, f"unknown deal {target!r}"
                                                   + did_you_mean(close(target, deal_ids))))
                elif target not in kept:
                    kept.append(target)
            setattr(d, key, kept)
        both = set(d.amends) & set(d.overlaps)
        if both:
            report.problems.append(Problem(rec.file, _line(rec, "overlaps"), rid, "overlaps",
                                           f"{', '.join(sorted(both))} is also in amends: give one link"))
    _check_loops(cat, report.problems)


def _check_loops(cat: Catalog, problems: list[Problem]) -> None:
    """amends/overlaps decide which deal's money a total keeps: a loop would keep none."""
    links = {d.id: sorted(t for t in (*d.amends, *d.overlaps) if t in cat.deals) for d in cat.deals.values()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    reported: set[frozenset[str]] = set()

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        path.append(node)
        for nxt in links.get(node, ()):
            if state.get(nxt) == 1:
                loop = path[path.index(nxt):]
                if frozenset(loop) not in reported:
                    reported.add(frozenset(loop))
                    first = min(loop)
                    ring = loop[loop.index(first):] + loop[:loop.index(first)]
                    d: Deal = cat.deals[first]
                    problems.append(Problem(d.file, d.line, d.id, "overlaps",
                                            "amends/overlaps links form a loop: " + " -> ".join(ring + [first])))
            elif nxt not in state:
                visit(nxt, path)
        path.pop()
        state[node] = 2

    for rid in sorted(links):
        if rid not in state:
            visit(rid, [])


# ---------------------------------------------------------------------------- primary source searched

def check_primary_source(cat: Catalog, read: ReadResult, report: Report) -> None:
    for rid, rec in sorted(_raw_deals(read, cat).items()):
        raw = rec.data.get("primary_source")
        if raw is None:
            continue
        problems = report.problems
        line = _line(rec, "primary_source")

        def add(field: str, message: str, at: int = line) -> None:
            problems.append(Problem(rec.file, at, rid, field, message))

        if not isinstance(raw, dict):
            add("primary_source", "must be a mapping {status: none_found, searched: YYYY-MM-DD}")
            continue
        at = raw.line_of if hasattr(raw, "line_of") else (lambda k: line)
        for key in raw:
            if key not in PRIMARY_SOURCE_FIELDS:
                add(f"primary_source.{key}", "unknown field" + did_you_mean(close(str(key), PRIMARY_SOURCE_FIELDS)),
                    at(key))
        status = raw.get("status")
        if status is None:
            add("primary_source.status", "required field is missing", at("status"))
        elif status not in PRIMARY_SOURCE_STATUSES:
            add("primary_source.status", f"{status!r} is not one of: {' | '.join(PRIMARY_SOURCE_STATUSES)}",
                at("status"))
            status = None
        searched = None
        if raw.get("searched") is None:
            add("primary_source.searched", "required field is missing: the day the primary source was searched for",
                at("searched"))
        else:
            try:
                searched = PartialDate.parse(raw["searched"])
            except ValueError as exc:
                add("primary_source.searched", str(exc), at("searched"))
            if searched is not None and searched.precision != "day":
                add("primary_source.searched", f"give the day of the search (YYYY-MM-DD), got {searched}",
                    at("searched"))
                searched = None
        note = raw.get("note")
        if note is not None and not isinstance(note, str):
            add("primary_source.note", "must be text", at("note"))
            note = None
        if status is None or searched is None:
            continue
        d = cat.deals[rid]
        found = [i for i, s in enumerate(d.sources, 1) if s.primary]
        if found:
            add("primary_source", f"says none was found, but source {found[0]} is a primary source "
                f"({d.sources[found[0] - 1].kind}): remove primary_source")
            continue
        d.primary_searched, d.primary_search_note = searched, (note or "").strip() or None
