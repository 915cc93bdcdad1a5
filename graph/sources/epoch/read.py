"""Epoch AI's CSV datasets (``gpu_clusters.csv``, ``data_centers.csv``, ``data_center_timelines.csv``,
``ml_hardware.csv``), recognised by their header rows.

Each row becomes one raw record whose fields are the CSV's own column names, untouched (cells
are kept as text, surrounding spaces included): turning them into facilities, compute uses
and capacity snapshots is :mod:`.check`'s job, done at validation time. The record sections
(``epoch_clusters``...) are this source's own (:data:`SECTIONS`), so ``--no-epoch`` drops them all.

Epoch adds columns over time, so a file is recognised by a few columns it must have, and extra
columns are ignored. Files whose header matches none of these fall through to the deal CSV
loader (or are reported as unreadable).
"""

from __future__ import annotations

from pathlib import Path

from ...loaders import LineDict, RawRecord, ReadResult, header_columns, read_csv
from ...loaders.yaml_records import Section


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


# Reviewed tables kept in YAML beside the curated records (data/epoch/aliases.yaml, snapshot.yaml):
# {Epoch name: our id, or null for "not a company"/"no facility"}, checked by .check against the
# companies and facilities; `epoch_snapshot: {date: ...}` is the date the Epoch files were taken.
YAML_SECTIONS = {
    "epoch_aliases": Section("company", "Epoch AI", "epoch_name"),
    "epoch_facilities": Section("facility", "Epoch AI", "epoch_name"),
    "epoch_snapshot": Section(None, "Epoch AI"),
}

# Every record section this source reads (its CSV loaders' and its YAML tables').
SECTIONS = tuple(sorted({ld.section for ld in LOADERS} | set(YAML_SECTIONS)))
