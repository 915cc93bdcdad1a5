"""How a figure is worded: numbers, money, MW, accelerators and their qualifiers, in one place.

A leaf module (it imports nothing of the package) used by the table output, the deal card and
the HTML views, so a figure reads the same everywhere. Two styles of the same wording:

* ``short`` for tables: ``$1.25B/month``, ``about 300 MW``... (:func:`money`, :func:`figure`);
* ``long`` for pages and cards: ``USD 1.25 billion per month``.

>>> m = {"amount": 1.25e9, "currency": "USD", "per": "month", "qualifier": None}
>>> money(m), money(m, style="long")
('$1.25B/month', 'USD 1.25 billion per month')
>>> figure({"value": 300, "qualifier": "more_than"}, "power_mw"), figure({"count": 24000, "model": "H100"}, "accelerators")
('more than 300 MW', '24,000 H100')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping, Sequence

QUALIFIER_WORDS: dict[str | None, str] = {"exact": "", "approx": "about ", "up_to": "up to ", "at_least": "at least ",
                                          "more_than": "more than ", None: ""}
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
PER_WORDS = {"short": {"month": "/month", "year": "/year"}, "long": {"month": " per month", "year": " per year"}}
SCALES = ((1e12, "T", "trillion"), (1e9, "B", "billion"), (1e6, "M", "million"), (1e3, "K", None))
NOT_QUALIFIED = (None, "exact")


def plain_number(v: Any) -> Any:
    """A decimal (as the store gives it) as an int when whole, else a float; anything else as is.

    >>> plain_number(Decimal("300")), plain_number(Decimal("2.5"))
    (300, 2.5)
    """
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def qualifier(q: str | None) -> str:
    """The words before a figure: ``up_to`` -> ``"up to "``; exact or none -> ``""``."""
    return QUALIFIER_WORDS.get(q, "")


def plain(n: float, digits: int = 3) -> str:
    """300 -> '300'; 220000 -> '220,000'; 3.5 -> '3.5' (at most ``digits`` decimals).

    >>> plain(220000), plain(23.378), plain(23.378, digits=2)
    ('220,000', '23.378', '23.38')
    """
    return f"{float(n):,.{digits}f}".rstrip("0").rstrip(".")


def scaled(n: float) -> str:
    """1.25e9 -> '1.25B'; 300 -> '300'.

    >>> scaled(1.25e9), scaled(300)
    ('1.25B', '300')
    """
    n = float(n)
    for div, suffix, _word in SCALES:
        if abs(n) >= div:
            return f"{n / div:.3f}".rstrip("0").rstrip(".") + suffix
    return f"{n:.3f}".rstrip("0").rstrip(".")


def amount(a: float, currency: str | None, *, style: str = "short") -> str:
    """An amount of money without qualifier or period: ``$1.25B`` / ``USD 1.25 billion``."""
    if style == "long":
        a = float(a)
        for size, _suffix, word in SCALES:
            if word and abs(a) >= size:
                return f"{currency or ''} {a / size:.4g} {word}".strip()
        return f"{currency or ''} {plain(a, 2)}".strip()
    cur = currency or ""
    sym = CURRENCY_SYMBOLS.get(cur)
    return f"{sym}{scaled(a)}" if sym else f"{scaled(a)} {cur}".strip()


def money(m: Mapping, *, style: str = "short") -> str:
    """A price or total value (``amount``, ``currency``, ``per``, ``qualifier``) in words."""
    return (qualifier(m.get("qualifier")) + amount(m["amount"], m.get("currency"), style=style)
            + PER_WORDS[style].get(m.get("per") or "", ""))


def figure(v: Mapping, field: str = "power_mw", *, style: str = "short") -> str:
    """A figure of a deal field: ``power_mw`` (``value``, MW), ``accelerators`` (``count``,
    ``model``), ``price`` or ``total_value`` (money). The short style leaves the MW unit out
    when the column says it (``unit=""`` through :func:`number_text`)."""
    if field in ("price", "total_value") or "amount" in v:
        return money(v, style=style)
    q = qualifier(v.get("qualifier"))
    digits = 2 if style == "long" else 3
    if field == "accelerators" or "model" in v:
        count = v.get("count")
        if count is None:
            return f"{v['model']} (count not given)" if style == "long" else str(v["model"])
        return f"{q}{plain(count, digits)} × {v['model']}" if style == "long" else f"{q}{plain(count)} {v['model']}"
    if v.get("value") is None:
        return ""
    return f"{q}{plain(v['value'], digits)} MW"


def number_text(v: Mapping, unit: str = "") -> str:
    """A figure's qualifier and number with an optional unit: ``more than 300`` (table cells).

    >>> number_text({"value": 300, "qualifier": "more_than"}), number_text({"count": 5}, " GPUs")
    ('more than 300', '5 GPUs')
    """
    value = v.get("value") if "value" in v else v.get("count")
    if value is None:
        return ""
    return qualifier(v.get("qualifier")) + plain(value) + unit


def headline(values: Sequence[Mapping]) -> list:
    """The headline values of a field (sources that disagree keep theirs as alternatives)."""
    return [v for v in values if v.get("headline", True)]


def headline_value(values: Sequence[Mapping]) -> Any:
    """The first headline value of a field, or None."""
    for v in values:
        if v.get("headline", True):
            return v
    return None


def disputed(values: Sequence[Mapping]) -> bool:
    """True when sources disagree on a field (it holds a value that is not the headline)."""
    return any(not v.get("headline", True) for v in values)


def is_qualified(v: Mapping | None) -> bool:
    """True when a figure carries a qualifier other than exact ("up to", "about"...)."""
    return v is not None and v.get("qualifier") not in NOT_QUALIFIED


# ---------------------------------------------------------------------------- counted once (issue 11)
# The rule, in one place, for every total (a company's summary, `rank`, the site's home page; the
# named queries rank-mw, rank-money and totals-by-provider say the same in SPARQL):
#   a deal that ``amends`` or ``overlaps`` another takes its place in a total: when both are in the
#   same total, the other's headline MW and total value are not added (they are counted in this
#   deal's figures). ``expands`` adds on top: both are added. A deal left out so still counts as a
#   deal; only its figures are not added. Links to deals outside the total change nothing.
REPLACING_LINKS = ("amends", "overlaps")


def not_added(deals: Sequence[Mapping]) -> dict[str, str]:
    """Deals of ``deals`` whose figures a total must not add: id -> the id of the deal (also in
    ``deals``) that amends or overlaps it, and so counts its money.

    >>> not_added([{"id": "a", "overlaps": ["b"]}, {"id": "b"}, {"id": "c", "amends": ["z"]}])
    {'b': 'a'}
    """
    ids = {d.get("id") for d in deals}
    out: dict[str, str] = {}
    for d in sorted(deals, key=lambda d: d.get("id") or ""):
        for link in REPLACING_LINKS:
            for other in d.get(link) or ():
                if other in ids and other != d["id"]:
                    out.setdefault(other, d["id"])
    return out


def totals(deals: Sequence[Mapping]) -> dict[str, Any]:
    """What a set of deals adds up to, by headline figures: MW, and total value per currency,
    each with how many of the figures are qualified ("up to", "about"...) and how many deals
    give none (for MW; for money, none in any currency). Per-month or per-year prices are not
    totals and are not added; nor are the figures of a deal that another deal of ``deals``
    amends or overlaps (:func:`not_added`: counted there; ``not_added`` counts them).

    >>> t = totals([{"power_mw": [{"value": 300, "qualifier": "more_than"}], "total_value": []},
    ...             {"power_mw": [], "total_value": [{"amount": 2e9, "currency": "USD", "qualifier": None}]}])
    >>> t["mw"], t["money"]
    ({'total': 300, 'qualified': 1, 'missing': 1}, {'USD': {'total': 2000000000, 'qualified': 0}, 'missing': 1})
    """
    mw = {"total": 0.0, "qualified": 0, "missing": 0}
    money_by: dict[str, Any] = {}
    money_missing = 0
    skip = not_added(deals)
    for d in deals:
        if d.get("id") in skip:
            continue
        v = headline_value(d.get("power_mw") or [])
        if v is None or v.get("value") is None:
            mw["missing"] += 1
        else:
            mw["total"] += float(v["value"])
            mw["qualified"] += is_qualified(v)
        m = headline_value(d.get("total_value") or [])
        if m is None or m.get("amount") is None:
            money_missing += 1
        else:
            cur = money_by.setdefault(m.get("currency") or "", {"total": 0.0, "qualified": 0})
            cur["total"] += float(m["amount"])
            cur["qualified"] += is_qualified(m)
    whole = lambda x: int(x) if float(x).is_integer() else round(x, 6)  # noqa: E731
    mw["total"] = whole(mw["total"])
    for cur in money_by.values():
        cur["total"] = whole(cur["total"])
    return {"mw": mw, "money": {**dict(sorted(money_by.items())), "missing": money_missing},
            "not_added": len(skip)}
