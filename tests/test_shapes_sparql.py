"""The shapes run as SPARQL by pyoxigraph (graph.shapes_sparql) find exactly what pySHACL
(graph.shacl) finds: the same problems, messages and values, on the bundled data, the golden
files, the bad-record fixtures, and a hand-made break of each constraint of ontology/shapes.ttl."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef

from graph.build import compile_paths, load_ontology, read_and_validate
from graph.ontology import SHAPES_FILE, ontology_graph, shapes_graph
from graph.shacl import check as shacl_check
from graph.errors import ShapeError
from graph.shapes_sparql import check_store, compile_shapes, compiled
from graph.store import OxigraphStore
from graph.triples import TripleBuilder
from graph.vocab import ID_NS, short_name, source_graph

from test_schema import DEAL
from test_schema_shapes import FIXTURES

REPO = Path(__file__).resolve().parent.parent
EVERY_FIELD = REPO / "tests" / "fixtures" / "schema" / "every-field.yaml"
SH = Namespace("http://www.w3.org/ns/shacl#")
CKG = Namespace("https://w3id.org/computekg/ontology#")
UNIT = Namespace("http://qudt.org/vocab/unit/")


def _store(*graphs: tuple[str, Graph]) -> OxigraphStore:
    store = OxigraphStore(None)
    for name, g in graphs:
        store.load_ntriples(g.serialize(format="nt", encoding="utf-8"), name)
    load_ontology(store)
    return store


def _sparql(g: Graph) -> list:
    """The SPARQL shapes' problems for one graph, checked whole and focused on its graph (the two
    forms of each query) alike."""
    store = _store((source_graph("curated"), g))
    whole = check_store(store, where="t")
    assert check_store(store, focus_graphs=[source_graph("curated")], where="t") == whole
    return whole


def _both(g: Graph) -> tuple[list, list]:
    """(pySHACL's problems, the SPARQL shapes' problems) for one graph."""
    return shacl_check(g, where="t"), _sparql(g)


@pytest.fixture(scope="module")
def good() -> Graph:
    return compile_paths([EVERY_FIELD], epoch=False, shacl=False).graph.to_rdflib()


# --- conforming data --------------------------------------------------------------------

def test_the_bundled_data_conforms_on_both():
    compiled_data = compile_paths(["data"], shacl=False)
    store = OxigraphStore(None)
    from graph.build import fill_store

    fill_store(store, compiled_data)
    assert check_store(store) == []
    assert shacl_check(compiled_data.graph) == []


@pytest.mark.parametrize("name", ["seed-lease", "joint-venture"])
def test_the_golden_files_conform_on_both(name):
    g = Graph().parse(REPO / "tests" / "golden" / f"{name}.ttl", format="turtle")
    assert len(g) > 20
    assert _both(g) == ([], [])


def test_the_every_field_fixture_conforms_on_both(good):
    assert _both(good) == ([], [])


# --- the bad-record fixtures, forced into triples ---------------------------------------

@pytest.mark.parametrize("name,change,schema_rule,fault,words", FIXTURES, ids=[f[0] for f in FIXTURES])
def test_a_bad_fixture_breaks_the_same_shape_the_same_way(tmp_path, name, change, schema_rule, fault, words):
    (tmp_path / "good.yaml").write_text(DEAL)
    catalog = copy.deepcopy(read_and_validate([tmp_path / "good.yaml"], epoch=False).catalog)
    deal = catalog.deals.pop("good-deal")
    fault(deal)
    catalog.deals[deal.id] = deal
    pyshacl, sparql = _both(TripleBuilder().catalog(catalog).to_rdflib())
    assert any(words in p.message for p in pyshacl), [str(p) for p in pyshacl]
    assert sparql == pyshacl


def test_the_hand_made_graph_of_test_validate_fails_the_same_way():
    g = Graph().parse(data="""
        @prefix ckg: <https://w3id.org/computekg/ontology#> .
        <https://w3id.org/computekg/id/company/a> a ckg:Company ; <https://schema.org/name> "A" .
        <https://w3id.org/computekg/id/company/b> a ckg:Company ; <https://schema.org/name> "B" .
        <https://w3id.org/computekg/id/deal/x> a ckg:Lease ; ckg:slug "x" ;
            ckg:provider <https://w3id.org/computekg/id/company/a> ;
            ckg:customer <https://w3id.org/computekg/id/company/a> .
    """, format="turtle")
    pyshacl, sparql = _both(g)
    assert {"at least one source", "other than its provider"} <= {w for p in pyshacl for w in (
        "at least one source", "other than its provider") if w in p.message}
    assert sparql == pyshacl


# --- one break of each constraint of shapes.ttl ------------------------------------------

def _constraints() -> list[tuple]:
    """(node shape, target class, property shape or None, path, constraint, its value), every one."""
    sg = shapes_graph()
    out = []
    for shape in sorted(sg.subjects(SH.targetClass, None)):
        cls = sg.value(shape, SH.targetClass)
        for prop in sorted(sg.objects(shape, SH.property), key=lambda p: str(sg.value(p, SH.path))):
            path = sg.value(prop, SH.path)
            for key, value in sorted(sg.predicate_objects(prop)):
                if key not in (SH.path, SH.message):
                    out.append((shape, cls, prop, path, key, value))
        for head in sg.objects(shape, SH.xone):
            out.append((shape, cls, None, None, SH.xone, head))
    return out


CONSTRAINTS = _constraints()


def _id(c: tuple) -> str:
    shape, _, _, path, key, value = c
    what = short_name(str(value)) if key != SH.xone and not isinstance(value, BNode) else ""
    return "-".join(x for x in (str(shape).split("#")[-1], short_name(str(path)) if path else "", short_name(str(key)),
                                what) if x)


def _instances(g: Graph, cls: URIRef) -> list:
    onto = ontology_graph()
    kinds = set(onto.transitive_subjects(RDFS.subClassOf, cls)) | {cls}
    return sorted({s for k in kinds for s in g.subjects(RDF.type, k)})


def _other_value(g: Graph, path: URIRef, v) -> object:
    """A second, different value of the same kind as ``v`` for ``path``."""
    if isinstance(v, Literal):
        if v.datatype == XSD.date:
            return Literal("2001-02-03", datatype=XSD.date)
        if isinstance(v.toPython(), (int, float)) and not isinstance(v.toPython(), bool):
            return Literal(v.toPython() + 1, datatype=v.datatype)
        return Literal(str(v) + "x", datatype=v.datatype, lang=v.language)
    others = sorted(o for o in g.objects(None, path) if o != v)
    return others[0] if others else URIRef(ID_NS + "another/thing")


def _breaks(g: Graph, cls, path, key, value) -> list[Graph]:
    """Copies of ``g``, each breaking the constraint (key, value) of ``path`` on one focus node."""
    focus = _instances(g, cls)
    assert focus, f"no {cls} in the fixture to break"
    having = [f for f in focus if (f, path, None) in g] if path is not None else focus
    f = (having or focus)[0]

    def copy_with(*, drop=(), add=()) -> Graph:
        out = Graph()
        for t in g:
            out.add(t)
        for t in drop:
            out.remove(t)
        for t in add:
            out.add(t)
        return out

    def replaced(*bad) -> list[Graph]:
        return [copy_with(drop=[(f, path, None)], add=[(f, path, b)]) for b in bad]

    nowhere = URIRef(ID_NS + "nothing/at-all")
    if key == SH.xone:
        deals = [d for d in focus if (d, RDF.type, CKG.JointVenture) not in g]
        jvs = [d for d in focus if (d, RDF.type, CKG.JointVenture) in g]
        d, jv = deals[0], jvs[0]
        members = sorted(g.objects(jv, CKG.member))
        company = g.value(d, CKG.provider)
        return [copy_with(drop=[(d, CKG.customer, None)]), copy_with(drop=[(d, CKG.provider, None), (d, CKG.customer, None)]),
                copy_with(add=[(d, CKG.member, company)]), copy_with(drop=[(jv, CKG.member, m) for m in members[1:]]),
                copy_with(add=[(jv, CKG.provider, members[0])])]
    if key == SH.minCount:
        return [copy_with(drop=[(f, path, None)])]
    if key == SH.maxCount:
        v = g.value(f, path)
        if v is None:
            return [copy_with(add=[(f, path, Literal("a")), (f, path, Literal("b"))])]
        return [copy_with(add=[(f, path, _other_value(g, path, v))])]
    if key == SH["class"]:
        wrong = sorted(s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and s not in
                       set(_instances(g, value)))
        return replaced(nowhere, Literal("just text"), wrong[0])
    if key == SH.datatype:
        if value == XSD.date:
            return replaced(Literal("2020-01"), Literal("2020-13-45", datatype=XSD.date), Literal(2020),
                            Literal("2020-01-01", datatype=XSD.string), nowhere)
        return replaced(Literal(5), Literal("text", lang="en"), nowhere)
    if key == SH.pattern:
        return replaced(Literal("Not Matching!"), Literal("Not\nMatching!"), nowhere,
                        Literal("q1\n"), Literal("AB\n"), Literal("http://x\n"))
    if key == SH.minInclusive:
        return replaced(Literal(value.toPython() - 1), Literal(value.toPython() - 0.5), Literal("text"), nowhere,
                        Literal(value.toPython()), Literal(str(value.toPython()), datatype=XSD.decimal))
    if key == SH.maxInclusive:
        return replaced(Literal(value.toPython() + 1), Literal(value.toPython() + 0.25), Literal("text"),
                        Literal(value.toPython()), nowhere)
    if key == SH.nodeKind:
        return replaced(Literal("text"), Literal(3))
    if key == SH.disjoint:
        v = g.value(f, path) or g.value(f, value)
        if v is None:
            v = sorted(_instances(g, CKG.Deal))[-1]
        return [copy_with(add=[(f, path, v), (f, value, v)])]
    if key == SH.lessThanOrEquals:
        late, early = Literal("2030-05-01", datatype=XSD.date), Literal("2020-05-01", datatype=XSD.date)
        return [copy_with(drop=[(f, path, None), (f, value, None)], add=[(f, path, late), (f, value, early)]),
                copy_with(drop=[(f, path, None), (f, value, None)], add=[(f, path, early), (f, value, Literal("x"))])]
    if key == getattr(SH, "in"):
        return replaced(UNIT.KiloW, Literal("MegaW"))
    if key == SH.hasValue:
        return replaced(UNIT.NUM) + [copy_with(drop=[(f, path, None)])]
    raise AssertionError(f"no break written for {key}: add one here")


@pytest.mark.parametrize("constraint", CONSTRAINTS, ids=[_id(c) for c in CONSTRAINTS])
def test_each_constraint_broken_gives_the_same_problems(good, constraint):
    shape, cls, prop, path, key, value = constraint
    sg = shapes_graph()
    message = str(sg.value(prop if prop is not None else shape, SH.message))
    breaks = _breaks(good, cls, path, key, value)
    for broken in breaks:  # some are edge cases that conform (a value equal to its bound): the same on both
        try:
            pyshacl = shacl_check(broken, where="t")
        except TypeError:  # pySHACL fails comparing an ill-typed date by sh:lessThanOrEquals: nothing to match
            assert key == SH.datatype and broken is not breaks[0], _id(constraint)
            continue
        assert _sparql(broken) == pyshacl
    # each constraint's main break (the first) breaks its own shape
    first = breaks[0]
    assert any(message in p.message for p in shacl_check(first)), _id(constraint)


def test_every_construct_of_the_shapes_has_a_break():
    keys = {c[4] for c in CONSTRAINTS}
    assert keys >= {SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.pattern, SH.xone}
    assert len(compiled()) >= len(CONSTRAINTS) // 2


def test_several_breaks_at_once_give_the_same_problems(good):
    """Random sets of breaks (hypothesis) on one graph: still the same problem list."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(picks=st.lists(st.sampled_from(range(len(CONSTRAINTS))), min_size=2, max_size=4, unique=True))
    def run(picks):
        g = Graph()
        for t in good:
            g.add(t)
        for i in picks:
            _, cls, _, path, key, value = CONSTRAINTS[i]
            broken = _breaks(g, cls, path, key, value)[0]
            g = broken
        pyshacl, sparql = _both(g)
        assert pyshacl
        assert sparql == pyshacl

    run()


# --- focus graphs ----------------------------------------------------------------------------

def test_focus_graphs_check_only_the_nodes_typed_there_reading_values_from_every_graph(good):
    deal = URIRef(ID_NS + "deal/lonely")
    provider = sorted(_instances(good, CKG.Company))[0]
    bad = Graph()
    bad.add((deal, RDF.type, CKG.Lease))
    bad.add((deal, CKG.slug, Literal("lonely")))
    bad.add((deal, CKG.provider, provider))  # a company typed in the other graph: no class problem
    store = _store((source_graph("curated"), good), (source_graph("extra"), bad))
    everything = check_store(store, where="t")
    assert everything and {p.record for p in everything} == {"deal/lonely"}
    assert check_store(store, focus_graphs=[source_graph("extra")], where="t") == everything
    assert check_store(store, focus_graphs=[source_graph("curated")]) == []
    assert check_store(store, focus_graphs=[]) == []
    merged = Graph()
    for t in (*good, *bad):
        merged.add(t)
    assert shacl_check(merged, where="t") == everything


def test_a_raw_pyoxigraph_store_is_checked_too(good):
    store = _store((source_graph("curated"), good))
    assert check_store(store.native) == []


def test_a_store_without_the_ontology_is_refused(good):
    from graph.errors import StoreError

    store = OxigraphStore(None)
    store.load_ntriples(good.serialize(format="nt", encoding="utf-8"), source_graph("curated"))
    with pytest.raises(StoreError, match="no ontology"):
        check_store(store)


# --- compiling ---------------------------------------------------------------------------

PROLOGUE = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ckg: <https://w3id.org/computekg/ontology#> .
@prefix ckgsh: <https://w3id.org/computekg/shapes#> .
"""


@pytest.mark.parametrize("body,words", [
    ("ckgsh:S a sh:NodeShape ; sh:targetClass ckg:Deal ; sh:property [ sh:path ckg:slug ; sh:minLength 3 ; "
     "sh:message \"m\" ] .", "sh:minLength"),
    ("ckgsh:S a sh:NodeShape ; sh:targetClass ckg:Deal ; sh:sparql [ sh:select \"SELECT ...\" ] .", "sh:sparql"),
    ("ckgsh:S a sh:NodeShape ; sh:targetClass ckg:Deal ; sh:property [ sh:path ( ckg:a ckg:b ) ; sh:minCount 1 ; "
     "sh:message \"m\" ] .", "sh:path"),
    ("ckgsh:S a sh:NodeShape ; sh:targetClass ckg:Deal ; sh:property [ sh:path ckg:slug ; sh:minCount 1 ] .",
     "no sh:message"),
    ("ckgsh:S a sh:NodeShape ; sh:targetNode ckg:x ; sh:property [ sh:path ckg:slug ; sh:minCount 1 ; "
     "sh:message \"m\" ] .", "sh:targetClass"),
    ("ckgsh:S a sh:NodeShape ; sh:targetClass ckg:Deal ; sh:message \"m\" ; sh:xone ( [ sh:property [ sh:path "
     "ckg:a ; sh:pattern \"x\" ] ] ) .", "sh:pattern"),
])
def test_a_construct_the_compiler_does_not_know_is_refused(body, words):
    with pytest.raises(ShapeError, match=words):
        compile_shapes((PROLOGUE + body).encode())


def test_the_shapes_file_compiles_and_is_cached():
    assert compile_shapes(SHAPES_FILE.read_bytes()) == compiled()
    assert compiled() is compiled()
