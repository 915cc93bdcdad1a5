"""Partial dates: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

A partial date stands for its whole period: ``2029-05`` starts on 2029-05-01 and ends on
2029-05-31. A leaf module (standard library only), used by every layer.

>>> d = PartialDate.parse("2028-02")
>>> d.first, d.last, d.precision
(datetime.date(2028, 2, 1), datetime.date(2028, 2, 29), 'month')
>>> str(PartialDate.parse(2026))
'2026'
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

PRECISIONS = ("year", "month", "day")


@dataclass(frozen=True, order=True)
class PartialDate:
    first: _dt.date
    last: _dt.date
    precision: str

    @classmethod
    def parse(cls, value: object) -> "PartialDate":
        """Parse a date given as text, an int year, or a ``datetime.date``.

        Raises ``ValueError`` with a message a user can act on.
        """
        if isinstance(value, _dt.datetime):
            value = value.date()
        if isinstance(value, _dt.date):
            return cls(value, value, "day")
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
        text = str(value).strip()
        m = _PATTERN.match(text)
        if not m:
            raise ValueError(f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = int(m.group(1)), m.group(2), m.group(3)
        if year < 1:
            raise ValueError(f"{text!r} is not a date: year must be 0001 or later")
        if month is None:
            return cls(_dt.date(year, 1, 1), _dt.date(year, 12, 31), "year")
        mon = int(month)
        if not 1 <= mon <= 12:
            raise ValueError(f"{text!r} is not a date: month {mon} does not exist")
        if day is None:
            import calendar

            last = calendar.monthrange(year, mon)[1]
            return cls(_dt.date(year, mon, 1), _dt.date(year, mon, last), "month")
        try:
            d = _dt.date(year, mon, int(day))
        except ValueError:
            raise ValueError(f"{text!r} is not a date: that day does not exist") from None
        return cls(d, d, "day")

    def __str__(self) -> str:
        if self.precision == "year":
            return f"{self.first.year:04d}"
        if self.precision == "month":
            return f"{self.first.year:04d}-{self.first.month:02d}"
        return self.first.isoformat()

    @classmethod
    def from_bounds(cls, first: _dt.date, precision: str) -> "PartialDate":
        """Rebuild a partial date from its first day and precision (as stored in the graph)."""
        if precision == "year":
            return cls.parse(f"{first.year:04d}")
        if precision == "month":
            return cls.parse(f"{first.year:04d}-{first.month:02d}")
        return cls(first, first, "day")


def stored_text(value: _dt.date | None, precision: str | None, *, last: bool = False) -> str | None:
    """A date as stored in the graph (the first or, for ends, the last day of its period, plus
    its precision) back to the text a record gave. ``last`` is accepted for symmetry: the period
    is the same whichever of its days is stored.

    >>> stored_text(_dt.date(2029, 5, 31), "month", last=True)
    '2029-05'
    """
    if value is None:
        return None
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def parse_or_none(text: object) -> PartialDate | None:
    """A stored date's text as a :class:`PartialDate`; None when empty or not a date."""
    if not text:
        return None
    try:
        return PartialDate.parse(text)
    except ValueError:
        return None


def parse_as_of(value: str) -> _dt.date:
    """An ``--as-of`` date: a partial date means its first day.

    >>> parse_as_of("2028-02-29")
    datetime.date(2028, 2, 29)
    """
    return PartialDate.parse(value).first
