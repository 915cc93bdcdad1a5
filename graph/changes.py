"""Deal events over time: what was announced, started, ended, terminated or superseded when.

An event's date is a partial date and counts by its whole period: a deal announced "2026-06"
is in June, so it is in a window that overlaps June at all. The events come from the deals'
own dates:

- ``announced``: the deal's announcement date;
- ``started``: its start date;
- ``ended`` (or ``terminated``, for a deal whose status is terminated): its end date;
- ``superseded``: the announcement date of the deal that supersedes it.

A terminated deal without an end date has no dated termination, so no ``terminated`` event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Sequence

from .dates import PartialDate, parse_or_none

EVENTS = ("announced", "started", "ended", "terminated", "superseded")


@dataclass(frozen=True)
class Event:
    """One thing that happened to one deal, on a (partial) date."""

    date: PartialDate
    event: str
    deal: dict

    @property
    def id(self) -> str:
        """Stable: the same deal and kind of event keep the same id when a date is corrected."""
        return f"{self.deal['id']}/{self.event}"


_pd = parse_or_none


def deal_events(deals: Iterable[dict]) -> list[Event]:
    """Every event of every deal (undated ones left out), in no particular order."""
    deals = list(deals)
    announced = {d["id"]: _pd(d.get("announced")) for d in deals}
    superseded_on: dict[str, PartialDate] = {}
    for d in deals:
        old = d.get("supersedes")
        if old and announced.get(d["id"]) is not None:
            superseded_on[old] = announced[d["id"]]
    out: list[Event] = []
    for d in deals:
        for event, when in (("announced", announced[d["id"]]), ("started", _pd(d.get("start"))),
                            ("terminated" if d.get("status") == "terminated" else "ended", _pd(d.get("end"))),
                            ("superseded", superseded_on.get(d["id"]))):
            if when is not None:
                out.append(Event(when, event, d))
    return out


def window(since: str | None = None, until: str | None = None, *, today: dt.date | None = None
           ) -> tuple[dt.date, dt.date]:
    """The days a ``--since`` / ``--until`` pair covers (partial dates by their period:
    ``--since 2026-06`` from June 1st, ``--until 2026-06`` to June 30th). Without ``--until``
    the window ends today, so scheduled starts and ends are left out unless asked for."""
    first = PartialDate.parse(since).first if since else dt.date.min
    last = PartialDate.parse(until).last if until else (today or dt.date.today())
    return first, last


def select(events: Iterable[Event], *, first: dt.date, last: dt.date, kinds: Sequence[str] = (),
           company: str | None = None, events_of: Sequence[str] = ()) -> list[Event]:
    """Events whose period overlaps ``[first, last]``, newest first (then by deal id).

    ``company`` is a company id: deals where it is any party. ``kinds`` are deal kinds,
    ``events_of`` event names; empty means all.
    """
    out = [e for e in events
           if e.date.last >= first and e.date.first <= last
           and (not kinds or e.deal.get("kind") in kinds)
           and (not events_of or e.event in events_of)
           and (company is None or company in (e.deal.get("parties") or {}))]
    order = {name: i for i, name in enumerate(EVENTS)}
    return sorted(out, key=lambda e: (-e.date.first.toordinal(), -e.date.last.toordinal(),
                                      order[e.event], e.deal["id"]))
