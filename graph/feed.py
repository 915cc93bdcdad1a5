"""Deal events as rows (for `computekg changes`) and as an Atom feed (RFC 4287), one entry per event.

Entry ids are stable (``tag:`` URIs built from the deal id and the kind of event, never from
the date or the text), so a feed reader does not show an entry twice when a figure or a date is
corrected: it sees the same entry, updated. Built with the standard library's XML writer, so
every name and title is escaped.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence
from xml.etree import ElementTree as ET

from .changes import Event

ATOM = "http://www.w3.org/2005/Atom"
TAG = "tag:computekg.org,2026:"


def event_row(e: Event) -> dict:
    """The flat form the CLI prints: the event, then the deal's parties, figures and sources."""
    from .output import headline, money_text, plain

    d = e.deal
    names = d.get("parties") or {}
    mw = headline(d.get("power_mw") or [])
    money = headline(d.get("price") or []) or headline(d.get("total_value") or [])
    return {
        "date": str(e.date),
        "event": e.event,
        "deal": d["id"],
        "kind": d.get("kind"),
        "provider": names.get(d.get("provider") or "", d.get("provider")),
        "customer": names.get(d.get("customer") or "", d.get("customer")),
        "members": [names.get(m, m) for m in d.get("members") or []],
        "status": d.get("status"),
        "mw": plain(mw[0]["value"]) if mw and mw[0].get("value") is not None else None,
        "money": money_text(money[0]) if money else None,
        "sources": [s["url"] for s in d.get("sources") or []],
        "publishers": [s["publisher"] for s in d.get("sources") or []],
        "primary_source": any(s.get("primary") for s in d.get("sources") or []),
    }


def _stamp(d: dt.date) -> str:
    return f"{d.isoformat()}T00:00:00Z"


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        el.text = text
    return el


def entry_title(e: Event) -> str:
    r = event_row(e)
    who = " and ".join(x for x in (r["customer"], r["provider"]) if x) or ", ".join(r["members"])
    return f"{r['deal']} {e.event} ({r['kind']}{': ' + who if who else ''})"


def atom(events: Sequence[Event], *, base_url: str = "", title: str = "computekg: AI compute deal events",
         updated: dt.date | None = None, deal_path: str = "deal/{id}/") -> bytes:
    """The feed as UTF-8 XML. ``base_url`` (the site's URL, e.g. ``https://example.org/ckg/``)
    makes links absolute; without it they are relative to the feed (``xml:base`` left out)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", title)
    _sub(feed, "id", TAG + "events")
    newest = max((e.date.first for e in events), default=None)
    _sub(feed, "updated", _stamp(updated or newest or dt.date.today()))
    author = _sub(feed, "author")
    _sub(author, "name", "computekg")
    _sub(feed, "link", rel="self", href=f"{base_url}feed.xml")
    _sub(feed, "link", rel="alternate", href=base_url or "./")
    for e in events:
        r = event_row(e)
        item = _sub(feed, "entry")
        _sub(item, "title", entry_title(e))
        _sub(item, "id", TAG + "deal/" + e.id)
        _sub(item, "updated", _stamp(e.date.first))
        _sub(item, "link", rel="alternate", href=base_url + deal_path.format(id=r["deal"]))
        figures = ", ".join(x for x in (f"{r['mw']} MW" if r["mw"] else None, r["money"]) if x)
        summary = (f"{e.event.capitalize()} {e.date}: {r['kind']} deal {r['deal']}"
                   + (f", {figures}" if figures else "") + f"; status {r['status']}."
                   + (" Sources: " + "; ".join(r["publishers"]) + "." if r["publishers"] else ""))
        _sub(item, "summary", summary)
        _sub(item, "category", term=e.event)
        if r["kind"]:
            _sub(item, "category", term=r["kind"])
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8") + b"\n"
