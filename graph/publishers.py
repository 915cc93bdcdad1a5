"""The publisher registry (``data/publishers.yaml``) and the check of sources against it.

Each entry describes one publisher (a site, or a section of one): ``name``, ``domains`` (host
names, or ``host/path`` prefixes for a section), ``kind`` (the kind of its pages, a source kind),
``primary`` (the publisher itself is an original source: a party's own site, a regulator, a
government), optional ``aliases`` (other spellings sources use), ``mirror_of`` (the publisher
whose pages it copies) and ``credit: author`` (sources name the page's author, as the filer on
SEC EDGAR, not the site).

A source is matched to an entry by its URL: the longest domain or ``domain/path`` prefix that
matches (``sec.gov`` also covers ``www.sec.gov`` and ``efts.sec.gov``). Then:

* no entry matches: a **note** (warning), "add it to the registry";
* the source's ``kind`` differs from its publisher's and the source gives no ``kind_why``: a
  **problem** (error) — the same publisher must not be ``news`` in one file and ``aggregator`` in
  another, nor a copy of an 8-K ``filing`` in one deal and ``aggregator`` in another;
* the source credits (as ``publisher``, before any bracket) another publisher of the registry, or
  the original that this site mirrors: a **problem** — the page is the site's; the original goes
  in brackets (``Stock Titan (TeraWulf release)``, not ``TeraWulf (release via Stock Titan)``);
* the source credits a name that is neither the entry's name nor an alias: a **note**.

The registry takes part only when its records are among the files validated (a folder holding
``publishers.yaml``, or the file itself); a file validated alone is not checked against it.
The registry's own entries are checked too (fields, kinds, duplicate names and domains).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import urlparse

from .errors import Problem, Report
from .loaders import RawRecord, ReadResult
from .records import Catalog
from .suggest import close, did_you_mean
from .vocab import PRIMARY_SOURCE_KINDS, SOURCE_KINDS

SECTION = "publishers"
FIELDS = {"name", "domains", "kind", "primary", "aliases", "mirror_of", "credit", "notes"}
CREDITS = ("site", "author")
SOURCE_SECTIONS = ("companies", "facilities", "deals")
_BRACKET = re.compile(r"\s*\(.*$", re.S)
_DOMAIN = re.compile(r"^[a-z0-9.-]+\.[a-z0-9-]+(/[^\s]*)?$")


@dataclass
class Publisher:
    name: str
    domains: list[str]
    kind: str
    primary: bool
    aliases: list[str] = field(default_factory=list)
    mirror_of: str | None = None
    credit: str = "site"
    file: str = ""
    line: int = 0

    def names(self) -> set[str]:
        return {norm(n) for n in (self.name, *self.aliases)}


def norm(name: str) -> str:
    return " ".join(name.lower().split())


def credited(publisher: str) -> str:
    """The name a source credits: its ``publisher`` before any bracket.

    >>> credited("Stock Titan (summary of TeraWulf 8-K)")
    'Stock Titan'
    """
    return _BRACKET.sub("", publisher).strip() or publisher.strip()


def url_key(url: str) -> tuple[str, str]:
    """(host without ``www.``, path) of a URL, lower-cased host."""
    u = urlparse(url)
    host = (u.hostname or "").lower()
    return host.removeprefix("www."), u.path or "/"


class Registry:
    """Publishers by domain; :meth:`match` finds a URL's publisher (longest prefix wins)."""

    def __init__(self, publishers: Iterable[Publisher]):
        self.publishers = list(publishers)
        self._by_domain: dict[str, Publisher] = {}
        for p in self.publishers:
            for d in p.domains:
                self._by_domain.setdefault(d.lower().removeprefix("www.").rstrip("/"), p)
        self._by_name: dict[str, Publisher] = {}
        for p in self.publishers:
            for n in p.names():
                self._by_name.setdefault(n, p)

    def match(self, url: str) -> Publisher | None:
        host, path = url_key(url)
        best: tuple[int, Publisher] | None = None
        for key, p in self._by_domain.items():
            dom, _, prefix = key.partition("/")
            if host != dom and not host.endswith("." + dom):
                continue
            if prefix and not (path.strip("/") + "/").startswith(prefix.strip("/") + "/"):
                continue
            score = len(dom) * 1000 + len(prefix)
            if best is None or score > best[0]:
                best = (score, p)
        return best[1] if best else None

    def named(self, name: str) -> Publisher | None:
        return self._by_name.get(norm(name))


# ---------------------------------------------------------------------------- the registry's records

def _entry(rec: RawRecord, problems: list[Problem]) -> Publisher | None:
    d = rec.data
    rid = str(d.get("name") or f"publishers#{rec.line}")

    def add(key: str, message: str) -> None:
        problems.append(Problem(rec.file, d.line_of(key), rid, key, message))

    for key in d:
        if key not in FIELDS:
            add(str(key), f"unknown field{did_you_mean(close(str(key), FIELDS))}")
    name = d.get("name")
    if not isinstance(name, str) or not name.strip():
        add("name", "required text field is missing")
        return None
    domains = d.get("domains")
    if isinstance(domains, str):
        domains = [domains]
    if not isinstance(domains, list) or not domains or not all(isinstance(x, str) for x in domains):
        add("domains", "must be a list of one or more domains (example.com, or example.com/section)")
        return None
    bad = [x for x in domains if not _DOMAIN.match(x.lower())]
    if bad:
        add("domains", f"not a domain or domain/path: {bad[0]!r} (write example.com, without https://)")
    kind = d.get("kind")
    if kind not in SOURCE_KINDS:
        add("kind", f"{kind!r} is not one of: {' | '.join(SOURCE_KINDS)}{did_you_mean(close(str(kind), SOURCE_KINDS))}")
        return None
    primary = d.get("primary")
    if not isinstance(primary, bool):
        add("primary", "must be true or false")
        return None
    if primary and kind not in PRIMARY_SOURCE_KINDS:
        add("primary", f"a primary publisher's kind is one of {', '.join(PRIMARY_SOURCE_KINDS)}, not {kind}")
    credit = d.get("credit") or "site"
    if credit not in CREDITS:
        add("credit", f"{credit!r} is not one of: {' | '.join(CREDITS)}")
        credit = "site"
    aliases = d.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        add("aliases", "must be a list of names")
        aliases = []
    mirror = d.get("mirror_of")
    if mirror is not None and not isinstance(mirror, str):
        add("mirror_of", "must be the name of a publisher")
        mirror = None
    return Publisher(name.strip(), [x.lower().removeprefix("www.").rstrip("/") for x in domains if x not in bad],
                     kind, primary, [a.strip() for a in aliases], mirror, credit, rec.file, rec.line)


def read_registry(records: Iterable[RawRecord], problems: list[Problem]) -> Registry | None:
    """The registry from the ``publishers`` records read (None when there are none)."""
    entries: list[Publisher] = []
    names: dict[str, Publisher] = {}
    domains: dict[str, Publisher] = {}
    seen_any = False
    for rec in records:
        if rec.section != SECTION:
            continue
        seen_any = True
        p = _entry(rec, problems)
        if p is None:
            continue
        for n in p.names():
            other = names.get(n)
            if other is not None and other is not p and not _same_site(other, p):
                problems.append(Problem(rec.file, rec.line, p.name, "name",
                                        f"name {n!r} is already used by {other.name} ({other.file}:{other.line})"))
            names.setdefault(n, p)
        for dom in p.domains:
            other = domains.get(dom)
            if other is not None:
                problems.append(Problem(rec.file, rec.line, p.name, "domains",
                                        f"domain {dom!r} is already {other.name}'s ({other.file}:{other.line})"))
            domains.setdefault(dom, p)
        entries.append(p)
    return Registry(entries) if seen_any else None


def _same_site(a: Publisher, b: Publisher) -> bool:
    """Two entries for sections of one site (``stocktitan.net/news``, ``stocktitan.net/sec-filings``)
    may share a name: they are one publisher whose sections differ in kind."""
    return bool({d.partition("/")[0] for d in a.domains} & {d.partition("/")[0] for d in b.domains})


# ---------------------------------------------------------------------------- sources against it

def check_source(reg: Registry, src: Any, where: tuple[str, int, str, str]) -> tuple[list[Problem], list[Problem]]:
    """(problems, notes) for one raw source mapping; ``where`` is (file, line, record id, field path)."""
    file, line, rid, path = where
    problems: list[Problem] = []
    notes: list[Problem] = []
    url, publisher, kind = src.get("url"), src.get("publisher"), src.get("kind")
    if not isinstance(url, str) or not isinstance(publisher, str):
        return problems, notes  # the field checks report these
    pub = reg.match(url)
    host = url_key(url)[0]
    if pub is None:
        notes.append(Problem(file, line, rid, f"{path}.publisher",
                             f"unknown publisher {publisher!r} ({host}): add it to data/publishers.yaml "
                             "(name, domains, kind, primary)"))
        return problems, notes
    why = src.get("kind_why")
    has_why = isinstance(why, str) and why.strip()
    if kind is not None and kind != pub.kind and not has_why:
        problems.append(Problem(file, _line(src, "kind", line), rid, f"{path}.kind",
                                f"{kind!r} contradicts its publisher {pub.name} ({host}), whose pages are "
                                f"{pub.kind!r} (data/publishers.yaml); use {pub.kind!r}, or say why this page "
                                "differs in kind_why"))
    if pub.credit == "author":
        return problems, notes
    name = credited(publisher)
    if norm(name) in pub.names():
        return problems, notes
    other = reg.named(name)
    if (pub.mirror_of and norm(name) == norm(pub.mirror_of)) or (other is not None and other is not pub):
        problems.append(Problem(file, _line(src, "publisher", line), rid, f"{path}.publisher",
                                f"credits {name!r}, but the page is on {pub.name}'s site ({host}"
                                f"{', a mirror of ' + pub.mirror_of if pub.mirror_of else ''}): name {pub.name} "
                                f"as publisher, with the original in brackets ({pub.name} ({name}))"))
    else:
        notes.append(Problem(file, _line(src, "publisher", line), rid, f"{path}.publisher",
                             f"credits {name!r}, but data/publishers.yaml calls the publisher of {host} "
                             f"{pub.name!r}: use that name (or add {name!r} to its aliases)"))
    return problems, notes


def _line(m: Any, key: str, default: int) -> int:
    return m.line_of(key) if hasattr(m, "line_of") else default


def check_publishers(cat: Catalog, read: ReadResult, report: Report) -> None:
    """Validation hook (:func:`graph.validate.validate`): the registry's entries, then every
    source of every company, facility and deal against it."""
    reg = read_registry(read.records, report.problems)
    if reg is None:
        return
    for rec in read.records:
        if rec.section not in SOURCE_SECTIONS:
            continue
        sources = rec.data.get("sources")
        if not isinstance(sources, list):
            continue
        rid = rec.rid or f"{rec.section}#{rec.line}"
        for i, src in enumerate(sources):
            if not isinstance(src, dict):
                continue
            problems, notes = check_source(reg, src, (rec.file, _line(src, "url", rec.line), rid, f"sources[{i + 1}]"))
            report.problems.extend(problems)
            report.notes.extend(notes)


def publisher_rows(reg: Registry) -> list[dict]:
    """The registry as plain rows (name, domains, kind, primary, mirror_of)."""
    return [{"name": p.name, "domains": list(p.domains), "kind": p.kind, "primary": p.primary,
             "mirror_of": p.mirror_of} for p in sorted(reg.publishers, key=lambda p: p.name.lower())]
