"""Epoch AI's typed rows (made by :mod:`.check` at validation time) -> triples.

:func:`epoch_graph` builds the triples of the Epoch AI source's named graph: the companies made
from Epoch names no record maps (``ckg:fromEpoch``), the Epoch names of curated companies, one ``ckg:Facility`` per GPU cluster, Epoch's data-centre
facts on the curated facility they describe (or on a new facility), a ``ckg:ComputeUse`` node
per user with Epoch's confidence, the direct ``ckg:usesComputeAt`` and the derived
``ckg:leasesComputeFromPerEpoch`` (user -> owner), and ``ckg:CapacitySnapshot`` nodes for the
timelines; every node ``prov:wasDerivedFrom`` the Epoch dataset and the row's own sources.
"""

from __future__ import annotations

import re
from typing import Iterable

from ...dates import PartialDate
from ...records import Catalog
from ...vocab import CKG, CONFIDENCES, FACILITY_STATUSES, ID_NS, PREFIXES, company_iri, facility_iri, source_iri
from .rows import LICENSE, EpochData, EpochDataset


def epoch_graph(cat: Catalog, data: EpochData):
    """The Epoch AI source's triples for a catalog (a :class:`~graph.terms.Triples` set); empty
    when there is no Epoch data."""
    from ...terms import IRI as URIRef
    from ...terms import RDF, RDFS, XSD, Lit, Literal
    from ...triples import TripleBuilder, date_literal, number

    b = TripleBuilder()
    datasets: dict[str, EpochDataset] = {d.key: d for d in data.datasets}
    if not datasets:
        return b.g
    made = set(data.companies_made)
    for c in sorted(cat.companies.values(), key=lambda c: c.id):
        if c.id in made:  # a company made from an Epoch name: its triples are this source's
            b.company(c)
            b.add(URIRef(company_iri(c.id)), CKG.fromEpoch, Literal(True))
        for n in c.epoch_names:
            b.add(URIRef(company_iri(c.id)), CKG.epochName, Literal(n))
    U = URIRef
    schema, prov = PREFIXES["schema"], PREFIXES["prov"]
    ds_node: dict[str, URIRef] = {}
    for key, ds in sorted(datasets.items()):
        node = b.source(ds.source)
        b.add(node, RDF.type, U(CKG.Dataset))
        b.add(node, schema + "license", U(LICENSE))
        b.add(node, CKG.snapshotDate, date_literal(ds.snapshot.first))
        ds_node[key] = node

    def partial(d: PartialDate) -> Lit:
        if d.precision == "year":
            return Literal(f"{d.first.year:04d}", datatype=XSD.gYear)
        if d.precision == "month":
            return Literal(f"{d.first.year:04d}-{d.first.month:02d}", datatype=XSD.gYearMonth)
        return date_literal(d.first)

    def derived(node: URIRef, ds: URIRef) -> None:
        b.add(node, prov + "wasDerivedFrom", ds)
        b.add(node, CKG.fromDataset, ds)

    def power_node(iri: str, value: float, basis: str, ds: URIRef) -> URIRef:
        node = U(iri)
        b.add(node, RDF.type, U(CKG.PowerCapacity))
        b.add(node, schema + "value", number(value))
        b.add(node, schema + "unitCode", U(PREFIXES["unit"] + "MegaW"))
        b.add(node, schema + "unitText", Literal("MW"))
        b.add(node, CKG.powerBasis, Literal(basis))
        derived(node, ds)
        return node

    def row_sources(urls: Iterable[str]) -> list[URIRef]:
        out = []
        for url in urls:
            node = U(source_iri("epoch-cited", url))
            host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0] or url
            b.add(node, RDF.type, U(CKG.Source))
            b.add(node, schema + "publisher", Literal(host))
            b.add(node, schema + "name", Literal("Source cited by Epoch AI"))
            b.add(node, schema + "url", Literal(url, datatype=XSD.anyURI))
            out.append(node)
        return out

    for s in data.sites:
        ds = ds_node[s.dataset]
        fac = U(facility_iri(s.facility))
        curated = None if s.new else cat.facilities.get(s.facility)
        base = f"{facility_iri(s.facility)}/epoch/{s.key}"
        srcs = row_sources(s.sources)
        if s.new:
            b.add(fac, RDF.type, U(CKG.Facility))
            b.add(fac, CKG.slug, Literal(s.facility))
            b.add(fac, schema + "name", Literal(s.name))
            b.add(fac, RDFS.label, Literal(s.name))
            b.add(fac, CKG.fromEpoch, Literal(True))
            if s.status:
                b.add(fac, CKG.facilityStatus, U(CKG[FACILITY_STATUSES[s.status]]))
        b.add(fac, CKG.epochName, Literal(s.epoch_name))
        derived(fac, ds)
        for src in srcs:
            b.add(fac, prov + "wasDerivedFrom", src)
        if s.housed_in:
            b.add(fac, schema + "containedInPlace", U(facility_iri(s.housed_in)))
        if s.certainty:
            b.add(fac, CKG.confidence, U(CKG[CONFIDENCES[s.certainty]]))
        if curated is None or not curated.owner:  # a curated owner wins; disagreements are noted
            for o in s.owners:
                b.add(fac, CKG.owner, U(company_iri(o)))
        loc = curated.location if curated is not None else None
        if (s.address or s.country) and not (loc and (loc.address or loc.city or loc.region or loc.country)):
            a = U(f"{facility_iri(s.facility)}/address")
            b.add(fac, schema + "address", a)
            b.add(a, RDF.type, U(schema + "PostalAddress"))
            if s.address:
                b.add(a, schema + "streetAddress", Literal(s.address))
            if s.country:
                b.add(a, schema + "addressCountry", Literal(s.country))
        if s.lat is not None and s.lon is not None and not (loc and loc.lat is not None):
            geo = U(f"{facility_iri(s.facility)}/geo")
            b.add(fac, schema + "geo", geo)
            b.add(geo, RDF.type, U(schema + "GeoCoordinates"))
            b.add(geo, schema + "latitude", number(s.lat))
            b.add(geo, schema + "longitude", number(s.lon))
        if s.h100e is not None:
            b.add(fac, CKG.h100Equivalents, number(s.h100e))
        nodes = []
        if s.power_reported is not None:
            nodes.append(power_node(f"{base}/power/reported", s.power_reported, "reported", ds))
        if s.power_calculated is not None:
            nodes.append(power_node(f"{base}/power/calculated", s.power_calculated, "calculated", ds))
        if nodes:
            if curated is not None and curated.power_mw:
                head = U(f"{facility_iri(s.facility)}/power/1")  # the curated headline (graph.triples)
                for n in nodes:
                    b.add(head, CKG.alternativeValue, n)
            else:
                b.add(fac, CKG.powerCapacity, nodes[0])
                for n in nodes[1:]:
                    b.add(nodes[0], CKG.alternativeValue, n)
        for i, (model, count) in enumerate(s.chips, 1):
            node = U(f"{base}/accelerators/{i}")
            b.add(node, RDF.type, U(CKG.AcceleratorCapacity))
            b.add(node, CKG.acceleratorModel, Literal(model))
            if count is not None:
                b.add(node, schema + "value", number(count))
            b.add(node, schema + "unitCode", U(PREFIXES["unit"] + "NUM"))
            derived(node, ds)
            b.add(fac, CKG.acceleratorCapacity, node)
        if s.first_operational:
            b.add(fac, CKG.firstOperationalDate, partial(s.first_operational))
        if s.decommissioned:
            b.add(fac, CKG.decommissionedDate, partial(s.decommissioned))
        for u in s.users:
            use = U(f"{ID_NS}use/{s.key}/{u.company}")
            who = U(company_iri(u.company))
            b.add(use, RDF.type, U(CKG.ComputeUse))
            b.add(use, CKG.user, who)
            b.add(use, CKG.usedFacility, fac)
            b.add(use, CKG.epochName, Literal(u.epoch_name))
            if u.confidence:
                b.add(use, CKG.confidence, U(CKG[CONFIDENCES[u.confidence]]))
            derived(use, ds)
            for src in srcs:
                b.add(use, prov + "wasDerivedFrom", src)
            b.add(fac, CKG.computeUse, use)
            b.add(who, CKG.usesComputeAt, fac)
            for o in s.owners:  # Epoch's owners only: the relation is "per Epoch"
                if o != u.company:
                    b.add(who, CKG.leasesComputeFromPerEpoch, U(company_iri(o)))

    for snap in data.snapshots:
        ds = ds_node["data_centers"]
        node = U(f"{ID_NS}snapshot/{snap.site_key}/{snap.date.isoformat()}")
        b.add(node, RDF.type, U(CKG.CapacitySnapshot))
        b.add(node, CKG.snapshotDate, date_literal(snap.date))
        b.add(node, CKG.projected, Literal(snap.projected))
        if snap.construction_status:
            b.add(node, CKG.constructionStatus, Literal(snap.construction_status))
        if snap.h100e is not None:
            b.add(node, CKG.h100Equivalents, number(snap.h100e))
        if snap.power_mw is not None:
            b.add(node, CKG.powerCapacity, power_node(f"{node}/power", snap.power_mw, "calculated", ds))
        derived(node, ds)
        b.add(U(facility_iri(snap.facility)), CKG.snapshot, node)
    return b.g
