"""How Epoch AI writes its cells: names with ``#tags``, quoted names, coordinates, numbers."""

from __future__ import annotations

import math
import re
import unicodedata

from ...vocab import slugify

_TAG = re.compile(r"\s*#([A-Za-z_]+)\s*$")
_DMS = re.compile(r"^(\d+(?:\.\d+)?)\s*°\s*(?:(\d+(?:\.\d+)?)\s*['′’]\s*)?(?:(\d+(?:\.\d+)?)\s*(?:\"|″|”|'')\s*)?"
                  r"([NSEWnsew])$")

def norm(name: str) -> str:
    """The key an Epoch name is matched by: case-folded, spaces collapsed."""
    return " ".join(name.split()).casefold()


def clean_name(text: str) -> str:
    """An Epoch name as shown: trimmed, without the quotes the export puts round names with commas."""
    t = " ".join(text.split())
    if len(t) >= 2 and t[0] == t[-1] == '"':
        t = t[1:-1].strip()
    return t


def ascii_slug(text: str) -> str:
    """A slug from any text (accents folded: 'Jülich' -> 'julich')."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return slugify(folded)


def split_names(cell: str) -> list[tuple[str, str | None]]:
    """``"OpenAI #likely, Microsoft #likely"`` -> [("OpenAI", "likely"), ("Microsoft", "likely")]."""
    out = []
    for part in cell.split(","):
        tag = None
        m = _TAG.search(part)
        if m:
            tag = m.group(1).lower()
            part = part[: m.start()]
        name = " ".join(part.split())
        if name:
            out.append((name, tag))
    return out


def parse_dms(text: str) -> float | None:
    """Degrees-minutes-seconds (``32°29'59"N ``) or decimal degrees to a signed decimal; None if unreadable.

    >>> parse_dms('32°29\\'59"N ')
    32.499722
    >>> parse_dms(' 101°18\\'43"W')
    -101.311944
    """
    t = text.strip().replace("\u00a0", " ")
    if not t:
        return None
    m = _DMS.match(t)
    if m:
        deg, mins, secs, hemi = m.groups()
        value = float(deg) + float(mins or 0) / 60 + float(secs or 0) / 3600
        if hemi.upper() in "SW":
            value = -value
        return round(value, 6)
    try:
        return round(float(t), 6)
    except ValueError:
        return None


def parse_number(text: str) -> float | None:
    """A finite, non-negative number from a cell; None for an empty or unreadable cell."""
    t = text.strip().replace(",", "")
    if not t:
        return None
    try:
        v = float(t)
    except ValueError:
        return None
    if math.isnan(v) or math.isinf(v) or v < 0:
        return None
    return v
