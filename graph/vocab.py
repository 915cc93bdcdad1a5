"""The vocabulary as code: namespaces, the one prefix map, IRI minting and enum mappings.

A leaf module. It deliberately holds IRIs as plain strings rather than rdflib terms, so the
lookup path (``company``, ``deals``, ``query``) can use it without importing rdflib; layers
that build rdflib graphs wrap these strings in ``URIRef``. Namespaces are closed: asking for a
term the ontology does not define raises ``AttributeError`` (``tests/test_vocab.py`` checks
every term listed here against ``ontology/computekg.ttl``).
"""

from __future__ import annotations

import re
from typing import Iterable

BASE = "https://w3id.org/computekg/"
ONTOLOGY_IRI = BASE + "ontology"
CKG_NS = BASE + "ontology#"
ID_NS = BASE + "id/"
SHAPES_NS = BASE + "shapes#"

PREFIXES: dict[str, str] = {
    "ckg": CKG_NS,
    "ckgid": ID_NS,
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "unit": "http://qudt.org/vocab/unit/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": "http://www.wikidata.org/entity/",
}


class ClosedNamespace:
    """Attribute access to a fixed set of terms; unknown names raise ``AttributeError``."""

    def __init__(self, base: str, terms: Iterable[str]):
        self._base = base
        self._terms = frozenset(terms)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._terms:
            raise AttributeError(f"term {name!r} is not defined in namespace {self._base}")
        return self._base + name

    def __getitem__(self, name: str) -> str:
        return self.__getattr__(name)

    def __iter__(self):
        return iter(sorted(self._base + t for t in self._terms))

    @property
    def base(self) -> str:
        return self._base


# Deal kinds: record value -> class local name.
DEAL_KINDS: dict[str, str] = {
    "lease": "Lease",
    "cloud_capacity": "CloudCapacity",
    "chip_supply": "ChipSupply",
    "investment": "Investment",
    "colocation": "Colocation",
    "power_purchase": "PowerPurchase",
    "joint_venture": "JointVenture",
    "acquisition": "Acquisition",
    "other": "OtherDeal",
}
# Kinds whose customer "leases compute from" the provider (the derived relation).
LEASE_KINDS = ("lease", "cloud_capacity")

DEAL_STATUSES: dict[str, str] = {
    "reported": "Reported",
    "announced": "Announced",
    "letter_of_intent": "LetterOfIntent",
    "signed": "Signed",
    "active": "Active",
    "completed": "Completed",
    "terminated": "Terminated",
    "superseded": "Superseded",
}
FACILITY_STATUSES: dict[str, str] = {
    "planned": "Planned",
    "under_construction": "UnderConstruction",
    "operational": "Operational",
    "decommissioned": "Decommissioned",
}
COMPANY_KINDS: dict[str, str] = {
    "ai_lab": "AILab",
    "hyperscaler": "Hyperscaler",
    "neocloud": "Neocloud",
    "chipmaker": "Chipmaker",
    "data_center_developer": "DataCenterDeveloper",
    "energy": "EnergyCompany",
    "investor": "Investor",
    "other": "OtherCompany",
}
QUALIFIERS: dict[str, str] = {
    "exact": "Exact",
    "approx": "Approximately",
    "up_to": "UpTo",
    "at_least": "AtLeast",
    "more_than": "MoreThan",
}
PERIODS: dict[str, str] = {"once": "Once", "month": "PerMonth", "year": "PerYear"}
PRECISIONS: dict[str, str] = {"year": "YearPrecision", "month": "MonthPrecision", "day": "DayPrecision"}
SOURCE_KINDS: dict[str, str] = {
    "filing": "Filing",
    "company_release": "CompanyRelease",
    "government": "GovernmentSource",
    "news": "NewsReport",
    "aggregator": "Aggregator",
    "dataset": "DatasetSource",
}
PRIMARY_SOURCE_KINDS = ("filing", "company_release", "government")
CONFIDENCES: dict[str, str] = {"confident": "Confident", "likely": "Likely", "speculative": "Speculative"}

_CLASSES = [
    "Company", "Facility", "Deal", "Capacity", "PowerCapacity", "AcceleratorCapacity",
    "MonetaryAmount", "Source", "Concept", "DealStatus", "FacilityStatus", "CompanyKind",
    "Qualifier", "Period", "DatePrecision", "SourceKind", "Confidence", "Dataset",
    "ComputeUse", "CapacitySnapshot", "DateValue",
    *DEAL_KINDS.values(),
]
_INDIVIDUALS = [
    *DEAL_STATUSES.values(), *FACILITY_STATUSES.values(), *COMPANY_KINDS.values(),
    *QUALIFIERS.values(), *PERIODS.values(), *PRECISIONS.values(), *SOURCE_KINDS.values(),
    *CONFIDENCES.values(),
]
_PROPERTIES = [
    # deal parties
    "party", "provider", "customer", "member", "guarantor", "endUser", "customerIn", "providerIn",
    # deal facts
    "facility", "powerCapacity", "acceleratorCapacity", "price", "totalValue", "alternativeValue",
    "qualifier", "per", "acceleratorModel", "status", "supersedes", "terms", "notes",
    "announcedDate", "announcedPrecision", "startDate", "startPrecision", "endDate", "endPrecision",
    # dates where sources disagree: every sourced value (issue 11)
    "announcedValue", "startValue", "endValue", "dateValue", "datePrecision",
    # deals that amend, expand or overlap others, so totals count money once (issue 11)
    "amends", "expands", "overlaps",
    # no primary source found when searched on a date (issue 11)
    "noPrimarySourceFound", "primarySearchNote",
    # companies
    "companyKind", "parentSince", "parentSincePrecision", "wikidataId", "slug", "country",
    # facilities
    "operator", "owner", "facilityStatus", "h100Equivalents", "powerBasis", "firstOperationalDate",
    "decommissionedDate",
    # sources
    "sourceKind", "publishedPrecision", "fromDataset",
    # derived
    "leasesComputeFrom", "providesComputeTo",
    # Epoch-derived relations and timelines
    "usesComputeAt", "computeUse", "user", "usedFacility", "confidence", "leasesComputeFromPerEpoch",
    "snapshot", "snapshotDate", "projected", "constructionStatus", "epochName", "fromEpoch",
]

CKG = ClosedNamespace(CKG_NS, [*_CLASSES, *_INDIVIDUALS, *_PROPERTIES])

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def is_slug(text: str) -> bool:
    return bool(_SLUG.match(text))


def slugify(text: str) -> str:
    """Make an id-shaped slug from a name.

    >>> slugify("Stargate Abilene (Lancium)")
    'stargate-abilene-lancium'
    """
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "x"


def company_iri(slug: str) -> str:
    return f"{ID_NS}company/{slug}"


def facility_iri(slug: str) -> str:
    return f"{ID_NS}facility/{slug}"


def deal_iri(slug: str) -> str:
    return f"{ID_NS}deal/{slug}"


def source_iri(*parts: object) -> str:
    """Sources have no user-given id: the IRI is a hash of what the source says of itself."""
    import hashlib

    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]
    return f"{ID_NS}source/{digest}"


def graph_iri(name: str) -> str:
    return f"{ID_NS}graph/{name}"


DERIVED_GRAPH = graph_iri("derived")
ONTOLOGY_GRAPH = graph_iri("ontology")
SOURCE_GRAPH_PREFIX = graph_iri("source/")


def source_graph(name: str) -> str:
    """The named graph that holds one data source's triples (:mod:`graph.sources`)."""
    return SOURCE_GRAPH_PREFIX + name


def short_name(iri: str) -> str:
    """An IRI as problems show it: a record's IRI without ``ckgid:``, others as ``prefix:local``
    (the focus, path and value of a SHACL result; :mod:`graph.shacl`, :mod:`graph.shapes_sparql`)."""
    text = str(iri)
    if text.startswith(ID_NS):
        return text[len(ID_NS):]
    for p, base in PREFIXES.items():
        if text.startswith(base):
            return f"{p}:{text[len(base):]}"
    return text


def sparql_prologue() -> str:
    """``PREFIX`` lines for every prefix in :data:`PREFIXES` (predeclared for user queries)."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _reverse() -> dict[str, str]:
    out: dict[str, str] = {}
    for table in (DEAL_KINDS, DEAL_STATUSES, FACILITY_STATUSES, COMPANY_KINDS, QUALIFIERS, PERIODS, PRECISIONS,
                  SOURCE_KINDS, CONFIDENCES):
        for key, local in table.items():
            out[CKG_NS + local] = key
    return out


_NOTATIONS = _reverse()


def notation(iri: object) -> str | None:
    """The record value for a controlled term's IRI (``ckg:Signed`` -> ``"signed"``), else None.

    >>> notation(CKG_NS + "CloudCapacity")
    'cloud_capacity'
    """
    if iri is None:
        return None
    if isinstance(iri, str):  # plain text or graph.store.IRI (a str)
        return _NOTATIONS.get(iri)
    return _NOTATIONS.get(getattr(iri, "value", str(iri)))
