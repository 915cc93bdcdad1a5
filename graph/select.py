"""Which deals a question is about, and whose they are: the selection and roll-up rules.

Every command, view and page selects deals here (kind, status, as-of, party and role) and
rolls subsidiaries up to their parents here, so ``company``, ``deals``, ``rank``, ``cycles``,
``path``, ``viz`` and the API answer the same question the same way. Deals are dicts as from
:func:`graph.lookup.fetch_deals`; companies as from :func:`graph.lookup.company_index`.

The as-of rule
    A deal is *in force* on a date when start <= date <= end (stored ends are the last day of
    their period, so a deal ending "2028-02" is in force on 2028-02-29); a deal lacking either
    date is not in force on any date.

The roll-up rule
    A subsidiary's deal belongs to its parent only if the deal is in force, or was announced,
    on or after ``parent_since``. With ``as_of=D`` (a question about one date) a parent link
    counts when ``parent_since <= D``. Without it, a link counts for a deal when the deal's
    *reach* (:func:`deal_reach`: the last day it is known to be live) is on or after
    ``parent_since``. A link without ``parent_since`` always counts. The same rule per date is
    the named query ``rollup`` (``-p date=D``), so for a deal, the group of a party is the
    ``rollup`` answer on ``deal_reach(deal)``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from .dates import PartialDate
from .errors import BadValue
from .choices import DEAL_KINDS, DEAL_STATUSES, NO_STATUS
from .suggest import choice_hint

ROLES = ("provider", "customer", "member", "guarantor", "end_user")


# ---------------------------------------------------------------------------- choices

def check_choice(value: str | None, allowed: Iterable[str], what: str) -> None:
    """BadValue (with did-you-mean) unless ``value`` is None or one of ``allowed``."""
    if value is not None and value not in allowed:
        raise BadValue(f"unknown {what} {value!r}", choice_hint(value, allowed))


def parse_list(values: str | Iterable[str] | None, allowed: Iterable[str], what: str) -> tuple[str, ...] | None:
    """``"a,b"`` or a list -> a checked tuple (order kept, duplicates dropped); None/empty -> None (all).

    >>> parse_list("lease, investment", DEAL_KINDS, "deal kind")
    ('lease', 'investment')
    """
    if values is None:
        return None
    items = [v.strip() for v in (values.split(",") if isinstance(values, str) else values)]
    items = [v for v in items if v]
    if not items:
        return None
    allowed = list(allowed)
    bad = [v for v in items if v not in allowed]
    if bad:
        raise BadValue(f"unknown {what}{'s' if len(bad) > 1 else ''} {', '.join(repr(b) for b in bad)}",
                       choice_hint(bad[0], allowed))
    return tuple(dict.fromkeys(items))


def parse_kinds(kinds: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """Deal kinds from ``"lease,investment"`` or a list; None (all kinds) when empty."""
    return parse_list(kinds, DEAL_KINDS, "deal kind")


def parse_statuses(statuses: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """Deal statuses (``(none)`` for deals without one) from a comma list or a list."""
    return parse_list(statuses, [*DEAL_STATUSES, NO_STATUS], "deal status")


# ---------------------------------------------------------------------------- as-of

def in_force(deal: Mapping, on: _dt.date) -> bool:
    """In force on a date: start <= date <= end; deals lacking either date are not in force."""
    s, e = deal.get("start_date"), deal.get("end_date")
    return s is not None and e is not None and s <= on <= e


def deal_reach(deal: Mapping) -> _dt.date:
    """The last day a deal is known to be live (compared with ``parent_since`` in roll-ups).

    End date if any; a start without an end means still running (``date.max``); otherwise the
    last day of the announced period; an undated deal counts as current (``date.max``).

    >>> deal_reach({"announced": "2025-10"})
    datetime.date(2025, 10, 31)
    """
    if deal.get("end_date") is not None:
        return deal["end_date"]
    if deal.get("start_date") is not None:
        return _dt.date.max
    if deal.get("announced"):
        return PartialDate.parse(deal["announced"]).last
    return _dt.date.max


# ---------------------------------------------------------------------------- selection

def select_deals(deals: Iterable[Mapping], *, kinds: Iterable[str] | str | None = None,
                 statuses: Iterable[str] | str | None = None, as_of: _dt.date | None = None,
                 provider: str | None = None, customer: str | None = None, party: str | None = None,
                 kind: str | None = None, status: str | None = None) -> list:
    """The deals matching every filter given (company arguments are resolved ids).

    ``kind``/``status`` are one value, ``kinds``/``statuses`` several (a comma list or a list);
    ``(none)`` among statuses keeps deals without a status; ``as_of`` keeps deals in force.
    """
    check_choice(kind, DEAL_KINDS, "deal kind")
    check_choice(status, DEAL_STATUSES, "deal status")
    kind_set = set(parse_kinds(kinds) or ()) | ({kind} if kind else set())
    status_set = set(parse_statuses(statuses) or ()) | ({status} if status else set())
    out = []
    for d in deals:
        if provider and d["provider"] != provider:
            continue
        if customer and d["customer"] != customer:
            continue
        if party and party not in d["parties"]:
            continue
        if kind_set and d["kind"] not in kind_set:
            continue
        if status_set and (d["status"] or NO_STATUS) not in status_set:
            continue
        if as_of is not None and not in_force(d, as_of):
            continue
        out.append(d)
    return out


def roles_of(deal: Mapping, ids: Iterable[str]) -> list[str]:
    """The roles (in :data:`ROLES` order) that any of the companies ``ids`` take in ``deal``."""
    ids = set(ids)
    return [r for r in ROLES
            if (deal.get(r) in ids if r != "member" else any(m in ids for m in deal.get("members") or ()))]


# ---------------------------------------------------------------------------- roll-up

@dataclass(frozen=True)
class RollUp:
    """Company -> ultimate parent, link by link, by the roll-up rule (see the module doc)."""

    parents: Mapping[str, tuple[str, _dt.date | None]]  # company -> (parent, parent_since)
    as_of: _dt.date | None = None

    @classmethod
    def from_companies(cls, companies: Iterable[Mapping], *, as_of: _dt.date | None = None) -> "RollUp":
        return cls({c["id"]: (c["parent"], c.get("parent_since")) for c in companies if c.get("parent")}, as_of)

    def chain(self, company: str, deal: Mapping | None = None) -> list[str]:
        """``company`` and the parents it counts as, upwards, for ``deal`` (by its reach) or on
        ``as_of``; with neither, every recorded parent link counts (the structure as recorded)."""
        on = self.as_of if self.as_of is not None or deal is None else deal_reach(deal)
        out = [company]
        while company in self.parents:
            parent, since = self.parents[company]
            if since is not None and on is not None and since > on:
                break
            if parent in out:  # a loop of parent links: stop rather than spin
                break
            out.append(parent)
            company = parent
        return out

    def top(self, company: str, deal: Mapping | None = None) -> str:
        """The group ``company`` counts as (its ultimate parent), for ``deal`` or on ``as_of``."""
        return self.chain(company, deal)[-1]

    def under(self, company: str, ancestor: str, deal: Mapping | None = None) -> bool:
        """Whether ``company`` counts as part of ``ancestor`` (or is it), for ``deal`` or on ``as_of``."""
        return ancestor in self.chain(company, deal)

    def below(self, top: str) -> list[str]:
        """Every company whose parent links lead up to ``top`` (any depth, links of any date)."""
        kids: dict[str, list[str]] = {}
        for c, (p, _since) in self.parents.items():
            kids.setdefault(p, []).append(c)
        out, todo = [], sorted(kids.get(top, []))
        while todo:
            c = todo.pop(0)
            if c in out or c == top:
                continue
            out.append(c)
            todo.extend(sorted(kids.get(c, [])))
        return out


def group_deals(rollup: RollUp, top: str, deals: Iterable[Mapping]) -> list[tuple[Mapping, list[str]]]:
    """The deals in which some party counts as part of ``top`` (by the roll-up rule), each with
    the ids of its parties that do."""
    out = []
    for d in deals:
        mine = sorted(p for p in d["parties"] if rollup.under(p, top, d))
        if mine:
            out.append((d, mine))
    return out


def ultimate_parents(companies: Sequence[Mapping], *, as_of: _dt.date | None = None) -> list[dict]:
    """Every company with its ultimate parent (itself when it has none), on ``as_of`` (or every
    recorded link). The same answer as the named query ``rollup``."""
    r = RollUp.from_companies(companies, as_of=as_of)
    return [{"company": c["id"], "parent": r.top(c["id"])} for c in sorted(companies, key=lambda c: c["id"])]
