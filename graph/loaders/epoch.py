"""Epoch AI's CSV datasets (``gpu_clusters.csv``, ``data_centers.csv``, ``data_center_timelines.csv``,
``ml_hardware.csv``), recognised by their header rows.

Each row becomes one raw record whose fields are the CSV's own column names, untouched (cells
are kept as text, surrounding spaces included): turning them into facilities, compute uses
and capacity snapshots is :mod:`graph.epoch`'s job, done at validation time. Record sections
start with ``epoch`` so that ``--no-epoch`` can drop them all.

Epoch adds columns over time, so a file is recognised by a few columns it must have, and extra
columns are ignored. Files whose header matches none of these fall through to the deal CSV
loader (or are reported as unreadable).
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

from ..vocab import slugify
from . import LineDict, RawRecord, ReadResult, header_columns, read_csv, register


class EpochCsvLoader:
    """One Epoch AI dataset file: recognised by ``required`` columns, read row by row."""

    extensions = (".csv",)

    def __init__(self, name: str, section: str, required: tuple[str, ...], key: str):
        self.name = name
        self.section = section
        self.required = required
        self.key = key  # the column that names a row; rows where it is empty are skipped

    def detect(self, path: Path, head: str) -> bool:
        return all(c in header_columns(head) for c in self.required)

    def read(self, path: Path, display: str) -> ReadResult:
        rows, problems = read_csv(path, display, required=self.required, what=f"Epoch AI {self.section}")
        result = ReadResult(problems=problems)
        for line, cells in rows:
            if cells.get(self.key, "").strip():
                result.records.append(RawRecord(self.section, LineDict(cells, line=line), display, line))
        return result


LOADERS = (
    EpochCsvLoader("epoch_gpu_clusters", "epoch_clusters",
                   ("Name", "Status", "Owner", "Users", "H100 equivalents", "First Operational Date"), "Name"),
    EpochCsvLoader("epoch_data_centers", "epoch_data_centers",
                   ("Handle", "Latitude", "Longitude", "Owner", "Users"), "Handle"),
    EpochCsvLoader("epoch_data_center_timelines", "epoch_timelines",
                   ("Date", "Data center", "Construction status", "Power (MW)"), "Data center"),
    EpochCsvLoader("epoch_ml_hardware", "epoch_hardware",
                   ("Hardware name", "Manufacturer", "Release date"), "Hardware name"),
)

for _loader in LOADERS:
    register(_loader)


# ---------------------------------------------------------------------------- how Epoch writes its cells
# Used by graph/epoch.py when it turns these rows into facilities, uses and snapshots.

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
