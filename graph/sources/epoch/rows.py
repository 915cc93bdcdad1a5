"""Epoch AI's typed rows: what :mod:`.check` makes of the raw rows, and :mod:`.triples` turns into RDF."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from ...dates import PartialDate
from ...records import Source
from ...vocab import source_iri

PUBLISHER = "Epoch AI"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
# The bundled snapshot's date (see data/epoch/README.md); used only when no `epoch_snapshot` is given.
DEFAULT_SNAPSHOT = "2025-12-14"

DATASETS: dict[str, tuple[str, str]] = {
    "gpu_clusters": ("Data on GPU Clusters", "https://epoch.ai/data/gpu-clusters"),
    "data_centers": ("Data on Frontier AI Data Centers", "https://epoch.ai/data/data-centers"),
    "ml_hardware": ("Data on Machine Learning Hardware", "https://epoch.ai/data/machine-learning-hardware"),
}
SECTION_DATASET = {"epoch_clusters": "gpu_clusters", "epoch_data_centers": "data_centers",
                   "epoch_timelines": "data_centers", "epoch_hardware": "ml_hardware"}

CLUSTER_STATUS = {"existing": "operational", "planned": "planned", "decommissioned": "decommissioned"}
CERTAINTY = {"confirmed": "confident", "likely": "likely", "unlikely": "speculative"}
COUNTRIES = {
    "Australia": "AU", "Brazil": "BR", "Canada": "CA", "China": "CN", "Czechia": "CZ", "Denmark": "DK",
    "Finland": "FI", "France": "FR", "Germany": "DE", "Hong Kong": "HK", "Iceland": "IS", "India": "IN",
    "Indonesia": "ID", "Israel": "IL", "Italy": "IT", "Japan": "JP", "Korea (Republic of)": "KR",
    "Luxembourg": "LU", "Malaysia": "MY", "Mexico": "MX", "Netherlands": "NL", "Norway": "NO",
    "Philippines (the)": "PH", "Poland": "PL", "Russia": "RU", "Saudi Arabia": "SA", "Singapore": "SG",
    "Slovenia": "SI", "Spain": "ES", "Sweden": "SE", "Switzerland": "CH", "Taiwan": "TW", "Thailand": "TH",
    "United Arab Emirates": "AE", "United Kingdom of Great Britain and Northern Ireland": "GB",
    "United States of America": "US", "Vietnam": "VN",
}

URL_IN_CELL = re.compile(r"https?://[^\s\"'<>]+")


# ---------------------------------------------------------------------------- typed rows

@dataclass
class EpochDataset:
    key: str
    title: str
    url: str
    snapshot: PartialDate

    @property
    def source(self) -> Source:
        return Source(PUBLISHER, self.title, self.url, self.snapshot, "dataset")

    @property
    def iri(self) -> str:
        s = self.source
        return source_iri(s.publisher, s.title, s.url, s.date, s.kind)


@dataclass
class Use:
    company: str
    confidence: str | None
    epoch_name: str


@dataclass
class EpochSite:
    """One Epoch row (a GPU cluster or a data centre) and the facility its facts go on."""

    kind: str  # "cluster" | "data_center"
    key: str  # unique slug for this row (the new facility's id when new)
    epoch_name: str
    facility: str  # the facility id the facts attach to
    new: bool  # True: the row creates the facility; False: it is a curated facility
    dataset: str
    name: str = ""
    housed_in: str | None = None
    address: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    owners: list[str] = field(default_factory=list)
    users: list[Use] = field(default_factory=list)
    power_reported: float | None = None
    power_calculated: float | None = None
    h100e: float | None = None
    chips: list[tuple[str, float | None]] = field(default_factory=list)
    status: str | None = None
    certainty: str | None = None
    first_operational: PartialDate | None = None
    decommissioned: PartialDate | None = None
    sources: list[str] = field(default_factory=list)
    file: str = ""
    line: int = 0


@dataclass
class EpochSnapshot:
    facility: str
    site_key: str
    date: _dt.date
    projected: bool
    power_mw: float | None = None
    h100e: float | None = None
    construction_status: str | None = None
    file: str = ""
    line: int = 0


@dataclass
class EpochData:
    """What the Epoch AI source adds to a catalog (empty when the data holds no Epoch files)."""

    datasets: list[EpochDataset] = field(default_factory=list)
    sites: list[EpochSite] = field(default_factory=list)
    snapshots: list[EpochSnapshot] = field(default_factory=list)
    hardware: list[str] = field(default_factory=list)
    resolved: dict[str, str | None] = field(default_factory=dict)  # Epoch name (normalised) -> company id
    companies_made: list[str] = field(default_factory=list)  # companies made from unmapped names: this source's

    def summary(self, companies_from_epoch: int) -> str:
        if not self.sites:
            return ""
        return (f"Epoch AI: {len(self.sites)} sites, {sum(len(s.users) for s in self.sites)} compute uses, "
                f"{len(self.snapshots)} timeline readings, {companies_from_epoch} companies from unmapped names "
                "(see the notes)")
