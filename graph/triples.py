"""Records -> triples: the triples of a validated :class:`~graph.records.Catalog`.

The triples are plain values (:mod:`graph.terms`), collected in a :class:`~graph.terms.Triples`
set and turned into pyoxigraph quads as they are loaded: no rdflib graph on the load path.

Every node users name gets an IRI minted from its record id (no blank nodes); value nodes get
child IRIs (``deal/<id>/power/1``). Where sources disagree, the first figure listed is the
headline (linked by ``ckg:powerCapacity``, ``ckg:price``...), and each other figure hangs off it
by ``ckg:alternativeValue``, with its own ``prov:wasDerivedFrom``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Iterator, Sequence

from .dates import PartialDate
from .terms import IRI, RDF, RDFS, XSD, Lit, Literal, Triples
from .records import Accelerators, Catalog, Company, DateValue, Deal, Facility, Figure, Money, Source
from .vocab import (CKG, COMPANY_KINDS, DEAL_KINDS, DEAL_STATUSES, FACILITY_STATUSES, PERIODS, PRECISIONS,
                    PREFIXES, QUALIFIERS, SOURCE_KINDS, company_iri, deal_iri, facility_iri, source_iri)

SCHEMA = PREFIXES["schema"]
PROV = PREFIXES["prov"]
ORG = PREFIXES["org"]
UNIT = PREFIXES["unit"]
WD = PREFIXES["wd"]


def U(iri: str) -> IRI:
    return IRI(iri)


def S(term: str) -> IRI:
    return IRI(SCHEMA + term)


def number(value: float) -> Lit:
    """A number as an xsd:decimal (or xsd:integer when whole), in canonical lexical form."""
    d = Decimal(repr(float(value)))
    if d == d.to_integral_value():
        return Literal(str(int(d)), datatype=XSD.integer)
    return Literal(format(d.normalize(), "f"), datatype=XSD.decimal)


def date_literal(d) -> Lit:
    return Literal(d.isoformat(), datatype=XSD.date)


class TripleBuilder:
    """Accumulates the triples of records into one :class:`~graph.terms.Triples` set."""

    def __init__(self, triples: Triples | None = None):
        self.g = triples if triples is not None else Triples()

    # ------------------------------------------------------------------ helpers
    def add(self, s: IRI, p: str, o) -> None:
        self.g.add((s, p, o))

    def date(self, s: IRI, prop: str, precision_prop: str, d: PartialDate | None, last: bool = False) -> None:
        if d is None:
            return
        self.add(s, prop, date_literal(d.last if last else d.first))
        self.add(s, precision_prop, U(CKG[PRECISIONS[d.precision]]))

    def source(self, src: Source) -> IRI:
        node = U(source_iri(src.publisher, src.title, src.url, src.date, src.kind))
        self.add(node, RDF.type, U(CKG.Source))
        self.add(node, S("publisher"), Literal(src.publisher))
        self.add(node, S("name"), Literal(src.title))
        self.add(node, S("url"), Literal(src.url, datatype=XSD.anyURI))
        if src.date is not None:
            self.add(node, S("datePublished"), date_literal(src.date.first))
            self.add(node, CKG.publishedPrecision, U(CKG[PRECISIONS[src.date.precision]]))
        if src.kind is not None:
            self.add(node, CKG.sourceKind, U(CKG[SOURCE_KINDS[src.kind]]))
        return node

    def sources(self, subject: IRI, sources: Sequence[Source]) -> list[IRI]:
        nodes = [self.source(s) for s in sources]
        for src, node in zip(sources, nodes):
            self.add(subject, PROV + "wasDerivedFrom", node)
            if src.primary:
                self.add(subject, PROV + "hadPrimarySource", node)
        return nodes

    def _value_common(self, node: IRI, qualifier: str | None, source: int | None, src_nodes: list[IRI]) -> None:
        if qualifier is not None:
            self.add(node, CKG.qualifier, U(CKG[QUALIFIERS[qualifier]]))
        if source is not None:
            self.add(node, PROV + "wasDerivedFrom", src_nodes[source])

    def _link_headline(self, owner: IRI, prop: str, nodes: list[IRI]) -> None:
        if not nodes:
            return
        self.add(owner, prop, nodes[0])
        for alt in nodes[1:]:
            self.add(nodes[0], CKG.alternativeValue, alt)

    def power(self, owner: IRI, figures: Sequence[Figure], src_nodes: list[IRI]) -> None:
        nodes = []
        for i, f in enumerate(figures, 1):
            node = U(f"{owner}/power/{i}")
            self.add(node, RDF.type, U(CKG.PowerCapacity))
            self.add(node, S("value"), number(f.value))
            self.add(node, S("unitCode"), U(UNIT + "MegaW"))
            self.add(node, S("unitText"), Literal("MW"))
            self._value_common(node, f.qualifier, f.source, src_nodes)
            nodes.append(node)
        self._link_headline(owner, CKG.powerCapacity, nodes)

    def accelerators(self, owner: IRI, accs: Sequence[Accelerators], src_nodes: list[IRI]) -> None:
        by_model: dict[str, list[IRI]] = {}
        for i, a in enumerate(accs, 1):
            node = U(f"{owner}/accelerators/{i}")
            self.add(node, RDF.type, U(CKG.AcceleratorCapacity))
            self.add(node, CKG.acceleratorModel, Literal(a.model))
            if a.count is not None:
                self.add(node, S("value"), number(a.count))
            self.add(node, S("unitCode"), U(UNIT + "NUM"))
            self._value_common(node, a.qualifier, a.source, src_nodes)
            by_model.setdefault(a.model.lower(), []).append(node)
        for nodes in by_model.values():
            self._link_headline(owner, CKG.acceleratorCapacity, nodes)

    def money(self, owner: IRI, prop: str, label: str, items: Sequence[Money], src_nodes: list[IRI]) -> None:
        nodes = []
        for i, m in enumerate(items, 1):
            node = U(f"{owner}/{label}/{i}")
            self.add(node, RDF.type, U(CKG.MonetaryAmount))
            self.add(node, S("value"), number(m.amount))
            self.add(node, S("currency"), Literal(m.currency))
            if m.per is not None:
                self.add(node, CKG.per, U(CKG[PERIODS[m.per]]))
            self._value_common(node, m.qualifier, m.source, src_nodes)
            nodes.append(node)
        self._link_headline(owner, prop, nodes)

    def date_values(self, owner: IRI, field: str, values: Sequence[DateValue], src_nodes: list[IRI]) -> None:
        """Every sourced value of a date (issue 11): ``deal/<id>/<field>/<n>`` nodes, the headline
        linked by ``ckg:<field>Value`` and the others hanging off it by ``ckg:alternativeValue``.
        An end date is stored as the last day of its period, like ``ckg:endDate``."""
        nodes = []
        for i, v in enumerate(values, 1):
            node = U(f"{owner}/{field}/{i}")
            self.add(node, RDF.type, U(CKG.DateValue))
            self.add(node, CKG.dateValue, date_literal(v.value.last if field == "end" else v.value.first))
            self.add(node, CKG.datePrecision, U(CKG[PRECISIONS[v.value.precision]]))
            self._value_common(node, v.qualifier, v.source, src_nodes)
            nodes.append(node)
        self._link_headline(owner, CKG[f"{field}Value"], nodes)

    # ------------------------------------------------------------------ records
    def company(self, c: Company) -> None:
        s = U(company_iri(c.id))
        self.add(s, RDF.type, U(CKG.Company))
        self.add(s, CKG.slug, Literal(c.id))
        self.add(s, S("name"), Literal(c.name))
        self.add(s, RDFS.label, Literal(c.name))
        for a in c.aliases:
            self.add(s, S("alternateName"), Literal(a))
        if c.kind:
            self.add(s, CKG.companyKind, U(CKG[COMPANY_KINDS[c.kind]]))
        if c.parent:
            self.add(s, ORG + "subOrganizationOf", U(company_iri(c.parent)))
            self.date(s, CKG.parentSince, CKG.parentSincePrecision, c.parent_since)
        if c.country:
            self.add(s, CKG.country, Literal(c.country))
        if c.wikidata:
            self.add(s, CKG.wikidataId, Literal(c.wikidata))
            self.add(s, S("sameAs"), U(WD + c.wikidata))
        self.sources(s, c.sources)

    def facility(self, f: Facility) -> None:
        s = U(facility_iri(f.id))
        self.add(s, RDF.type, U(CKG.Facility))
        self.add(s, CKG.slug, Literal(f.id))
        self.add(s, S("name"), Literal(f.name))
        self.add(s, RDFS.label, Literal(f.name))
        for a in f.aliases:
            self.add(s, S("alternateName"), Literal(a))
        if f.operator:
            self.add(s, CKG.operator, U(company_iri(f.operator)))
        if f.owner:
            self.add(s, CKG.owner, U(company_iri(f.owner)))
        if f.status:
            self.add(s, CKG.facilityStatus, U(CKG[FACILITY_STATUSES[f.status]]))
        loc = f.location
        if loc is not None:
            if any((loc.city, loc.region, loc.country, loc.address)):
                a = U(f"{s}/address")
                self.add(s, S("address"), a)
                self.add(a, RDF.type, S("PostalAddress"))
                for value, prop in ((loc.address, "streetAddress"), (loc.city, "addressLocality"),
                                    (loc.region, "addressRegion"), (loc.country, "addressCountry")):
                    if value:
                        self.add(a, S(prop), Literal(value))
            if loc.lat is not None and loc.lon is not None:
                geo = U(f"{s}/geo")
                self.add(s, S("geo"), geo)
                self.add(geo, RDF.type, S("GeoCoordinates"))
                self.add(geo, S("latitude"), number(loc.lat))
                self.add(geo, S("longitude"), number(loc.lon))
        src_nodes = self.sources(s, f.sources)
        self.power(s, f.power_mw, src_nodes)
        self.accelerators(s, f.accelerators, src_nodes)

    def deal(self, d: Deal) -> None:
        s = U(deal_iri(d.id))
        self.add(s, RDF.type, U(CKG[DEAL_KINDS[d.kind]]))
        self.add(s, CKG.slug, Literal(d.id))
        self.add(s, RDFS.label, Literal(d.id))
        for field, prop in (("provider", CKG.provider), ("customer", CKG.customer),
                            ("guarantor", CKG.guarantor), ("end_user", CKG.endUser)):
            value = getattr(d, field)
            if value:
                self.add(s, prop, U(company_iri(value)))
                self.add(s, CKG.party, U(company_iri(value)))
        for m in d.members:
            self.add(s, CKG.member, U(company_iri(m)))
            self.add(s, CKG.party, U(company_iri(m)))
        for f in d.facilities:
            self.add(s, CKG.facility, U(facility_iri(f)))
        src_nodes = self.sources(s, d.sources)
        self.power(s, d.power_mw, src_nodes)
        self.accelerators(s, d.accelerators, src_nodes)
        self.money(s, CKG.price, "price", d.price, src_nodes)
        self.money(s, CKG.totalValue, "total", d.total_value, src_nodes)
        self.date(s, CKG.announcedDate, CKG.announcedPrecision, d.announced)
        self.date(s, CKG.startDate, CKG.startPrecision, d.start)
        self.date(s, CKG.endDate, CKG.endPrecision, d.end, last=True)
        for field, values in sorted(d.date_values.items()):
            self.date_values(s, field, values, src_nodes)
        if d.status:
            self.add(s, CKG.status, U(CKG[DEAL_STATUSES[d.status]]))
        if d.supersedes:
            self.add(s, CKG.supersedes, U(deal_iri(d.supersedes)))
        if d.primary_searched is not None:
            self.add(s, CKG.noPrimarySourceFound, date_literal(d.primary_searched.first))
            if d.primary_search_note:
                self.add(s, CKG.primarySearchNote, Literal(d.primary_search_note))
        for field, prop in (("amends", CKG.amends), ("expands", CKG.expands), ("overlaps", CKG.overlaps)):
            for other in getattr(d, field):
                self.add(s, prop, U(deal_iri(other)))
        if d.terms:
            self.add(s, CKG.terms, Literal(d.terms))
        if d.notes:
            self.add(s, CKG.notes, Literal(d.notes))

    def records(self, cat: Catalog, tick=None) -> Iterator[tuple]:
        """The catalog's triples, record by record (a triple two records share comes twice);
        ``tick()`` after each record."""
        for kind, items in (("company", cat.companies), ("facility", cat.facilities), ("deal", cat.deals)):
            make = getattr(self, kind)
            for rid in sorted(items):
                self.g = Triples()
                make(items[rid])
                yield from self.g
                if tick is not None:
                    tick()

    def catalog(self, cat: Catalog) -> Triples:
        for c in sorted(cat.companies.values(), key=lambda c: c.id):
            self.company(c)
        for f in sorted(cat.facilities.values(), key=lambda f: f.id):
            self.facility(f)
        for d in sorted(cat.deals.values(), key=lambda d: d.id):
            self.deal(d)
        return self.g


def union(graphs: dict[str, Triples]) -> Triples:
    g = Triples()
    for part in graphs.values():
        g.update(part)
    return g


def iter_sorted_ntriples(g: Triples) -> Iterable[str]:
    """N-Triples lines, sorted, for reviewable diffs."""
    return sorted(line for line in g.ntriples().decode("utf-8").splitlines() if line.strip())
