"""The vocabulary in code matches the ontology; the ontology documents every term."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, OWL, URIRef

from graph.ontology import ontology_graph, shapes_graph
from graph.vocab import CKG, CKG_NS, PREFIXES, ClosedNamespace


def test_every_term_the_code_uses_is_defined_in_the_ontology():
    g = ontology_graph()
    missing = [iri for iri in CKG if (URIRef(iri), None, None) not in g]
    assert not missing, f"terms in graph/vocab.py but not in ontology/computekg.ttl: {missing}"


def test_every_class_and_property_has_a_label_and_a_comment():
    g = ontology_graph()
    kinds = [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual]
    undocumented = []
    for kind in kinds:
        for s in g.subjects(RDF.type, kind):
            if str(s).startswith(CKG_NS):
                if g.value(s, RDFS.label) is None or g.value(s, RDFS.comment) is None:
                    undocumented.append(str(s))
    assert not undocumented, undocumented


def test_namespace_is_closed():
    with pytest.raises(AttributeError):
        CKG.leasesComputeFromm  # noqa: B018 - a typo must fail loudly
    assert CKG.Lease == CKG_NS + "Lease"
    assert isinstance(CKG, ClosedNamespace)


def test_ontology_reuses_standard_vocabularies():
    g = ontology_graph()
    supers = {str(o) for o in g.objects(URIRef(CKG.Company), RDFS.subClassOf)}
    assert PREFIXES["org"] + "Organization" in supers and PREFIXES["schema"] + "Organization" in supers
    assert (URIRef(CKG.Deal), RDFS.subClassOf, URIRef(PREFIXES["prov"] + "Entity")) in g
    chain = g.value(URIRef(CKG.leasesComputeFrom), OWL.propertyChainAxiom)
    assert chain is not None, "the derivation rule is written down as a property chain"


def test_shapes_target_ontology_classes():
    sh = "http://www.w3.org/ns/shacl#"
    targets = {str(o) for o in shapes_graph().objects(None, URIRef(sh + "targetClass"))}
    assert {CKG.Deal, CKG.MonetaryAmount, CKG.Source, CKG.Company, CKG.Facility} <= targets
