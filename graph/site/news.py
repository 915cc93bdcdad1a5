"""What changed, for the site: the "What's new" page's deal events, the Atom feed (``feed.xml``)
and a deal's history across data releases.

The events are :mod:`graph.changes`'s (one rule for what happened when), the feed is
:func:`graph.feed.atom` (stable ``tag:`` ids, one entry per event) and a deal's history is
:mod:`graph.history`'s, read from the git revisions of the data folder when the site is built
from a checkout.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ..changes import Event, deal_events, select
from . import data as D

MONTHS = 12  # the "What's new" page and the feed: events of the last twelve months (this one included)
EVENT_WORDS = {"announced": "Announced", "started": "Started", "ended": "Ended", "terminated": "Terminated",
               "superseded": "Superseded"}


def window_of(today: _dt.date, months: int = MONTHS) -> tuple[_dt.date, _dt.date]:
    """From the first day of the month ``months - 1`` months before ``today``'s, to ``today``."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return _dt.date(index // 12, index % 12 + 1, 1), today


def recent_events(data: D.SiteData, months: int = MONTHS) -> list[Event]:
    """Deal events in the window, newest first (scheduled events after today left out)."""
    first, last = window_of(data.today, months)
    deals = [d for d in data.deals.values() if D.SAFE_ID.match(d["id"])]
    return select(deal_events(deals), first=first, last=last)


def event_rows(data: D.SiteData, events: list[Event]) -> list[dict[str, Any]]:
    """Each event with its deal as a table row (parties, figures, sources) and its title."""
    return [{"date": str(e.date), "first": e.date.first.isoformat(), "event": e.event,
             "event_text": EVENT_WORDS.get(e.event, e.event), "anchor": "ev-" + e.id.replace("/", "-"),
             "title": D.deal_title(data, e.deal), "deal": D.deal_row(data, e.deal)} for e in events]


def feed(data: D.SiteData, base_url: str | None, months: int = MONTHS) -> bytes:
    """The Atom feed of the events. With a base URL its links are absolute; without one they are
    relative to the feed (``deal/ID/index.html``), which a reader resolves against the feed's
    own address, so the feed works wherever the site is published."""
    from ..feed import atom

    events = recent_events(data, months)
    if base_url:
        return atom(events, base_url=base_url, deal_path="deal/{id}/", updated=data.today)
    return atom(events, base_url="", deal_path="deal/{id}/index.html", updated=data.today)


def deal_history(history, did: str) -> dict[str, Any] | None:
    """A deal's steps across the data releases read, for its page: None without a history."""
    if history is None:
        return None
    steps = []
    for i, s in enumerate(history.of("deal", did)):
        r = s.revision
        already = (s.change == "added" and history.older and history.revisions and r == history.revisions[0])
        steps.append({"date": r.date, "sha": r.sha[:10], "subject": r.subject,
                      "change": "present" if already else s.change, "fields": list(s.fields), "first": i == 0})
    newest = history.revisions[-1] if history.revisions else None
    return {"steps": steps, "read": len(history.revisions), "older": history.older,
            "skipped": [{"date": r.date, "sha": r.sha[:10], "why": history.why_skipped.get(r.sha, "")}
                        for r in history.skipped],
            "oldest": history.revisions[0].date if history.revisions else None,
            "newest": newest.date if newest else None}
