"""Property-based tests (hypothesis): generated valid records round-trip through the store, and
generated mutations of them always give a `file:line` problem, never an exception.

Examples per property: ``COMPUTEKG_HYPOTHESIS_EXAMPLES`` (default 200; set it to thousands for a
long, nightly-style run).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.build import compile_paths, fill_store, read_and_validate
from graph.cli import main
from graph.store import OxigraphStore
from graph.vocab import DEAL_STATUSES, SOURCE_KINDS

EXAMPLES = int(os.environ.get("COMPUTEKG_HYPOTHESIS_EXAMPLES", "200"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

COMPANY_KINDS = ("ai_lab", "hyperscaler", "chipmaker", "neocloud", "other")
# Kinds with a provider and a customer (joint ventures and acquisitions have other parties).
DEAL_KINDS = ("lease", "cloud_capacity", "chip_supply", "investment", "colocation", "power_purchase", "other")

slug = st.from_regex(r"[a-z][a-z0-9]{1,8}(-[a-z0-9]{1,6})?", fullmatch=True)
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
               max_size=30).map(str.strip).filter(bool)


@st.composite
def partial_date(draw, lo=2015, hi=2035):
    year = draw(st.integers(lo, hi))
    precision = draw(st.sampled_from(("year", "month", "day")))
    if precision == "year":
        return f"{year:04d}"
    month = draw(st.integers(1, 12))
    if precision == "month":
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{draw(st.integers(1, 28)):02d}"


@st.composite
def source(draw, n):
    return {"publisher": draw(text), "title": draw(text), "url": f"https://example.com/{n}/{draw(slug)}",
            "date": draw(partial_date()), "kind": draw(st.sampled_from(sorted(SOURCE_KINDS)))}


@st.composite
def catalog(draw):
    """Companies and deals between them, each deal with its sources and, maybe, dates and money."""
    ids = draw(st.lists(slug, min_size=2, max_size=6, unique=True))
    names = draw(st.lists(text, min_size=len(ids), max_size=len(ids),
                          unique_by=lambda s: s.casefold()).filter(
        lambda ns: not any(n.casefold() in {i.casefold() for i in ids} for n in ns)))
    companies = [{"id": i, "name": n, "kind": draw(st.sampled_from(COMPANY_KINDS))} for i, n in zip(ids, names)]
    deal_ids = draw(st.lists(slug, min_size=1, max_size=6, unique=True).filter(lambda ds: not set(ds) & set(ids)))
    deals = []
    for k, did in enumerate(deal_ids):
        provider, customer = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        deal = {"id": did, "kind": draw(st.sampled_from(DEAL_KINDS)), "provider": provider, "customer": customer,
                "status": draw(st.sampled_from(sorted(DEAL_STATUSES))),
                "sources": [draw(source(k * 10 + j)) for j in range(draw(st.integers(1, 2)))]}
        if draw(st.booleans()):
            a, b = sorted([draw(partial_date()), draw(partial_date())])
            if a[:4] != b[:4] or len(a) == len(b):  # a start and an end that are in order at any precision
                deal["start"], deal["end"] = a, b
        if draw(st.booleans()):
            deal["announced"] = draw(partial_date())
        if draw(st.booleans()):
            deal["total_value"] = {"amount": draw(st.integers(1, 10**11)), "currency": draw(st.sampled_from(("USD", "EUR")))}
        deals.append(deal)
    return {"companies": companies, "deals": deals}


def _write(tmp: Path, doc: dict, fmt: str = "yaml") -> Path:
    path = tmp / f"records.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("properties")


def _fresh(workdir: Path) -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(dir=workdir))


# ---------------------------------------------------------------------------- valid records round-trip

@SETTINGS
@given(doc=catalog(), fmt=st.sampled_from(("yaml", "json")))
def test_valid_records_round_trip_through_store_and_export(workdir, doc, fmt):
    """records -> store -> export -> re-load gives an isomorphic graph."""
    import rdflib
    from rdflib.compare import isomorphic

    from graph.export import export_rdf

    path = _write(_fresh(workdir), doc, fmt)
    compiled = compile_paths([path], shacl=False)  # SHACL has its own tests; this is about triples
    assert len(compiled.catalog.deals) == len(doc["deals"])
    store = OxigraphStore()
    fill_store(store, compiled)
    exported = export_rdf(store, "nt")
    again = OxigraphStore()
    again.load_ntriples(exported)
    assert isomorphic(rdflib.Graph().parse(data=exported, format="nt"),
                      rdflib.Graph().parse(data=export_rdf(again, "nt"), format="nt"))
    # and the export holds the records' triples (a different count would mean some were lost or merged)
    exported_graph = rdflib.Graph().parse(data=exported, format="nt")
    assert len(exported_graph) >= len(compiled.graph)
    for t in compiled.graph.to_rdflib():
        if isinstance(t[2], rdflib.Literal) and t[2].datatype is not None:
            continue  # the store writes typed literals in canonical form (1.0e8 -> 1.0E8)
        assert t in exported_graph, t


@settings(SETTINGS, max_examples=max(20, EXAMPLES // 4))
@given(doc=catalog())
def test_company_json_lists_exactly_its_deals(workdir, doc):
    """`company X --format json` on a store of generated records lists exactly X's deals."""
    from click.testing import CliRunner

    from graph.folders import FolderWrite

    tmp = _fresh(workdir)
    path = _write(tmp, doc)
    compiled = compile_paths([path], shacl=False)
    with FolderWrite(tmp / "store", fresh=True) as w:
        fill_store(w.store, compiled)
    runner = CliRunner()
    for company in doc["companies"]:
        r = runner.invoke(main, ["--store", str(tmp / "store"), "company", company["id"], "--format", "json"])
        assert r.exit_code == 0, r.output
        listed = sorted(row["id"] for row in json.loads(r.stdout))
        expected = sorted(d["id"] for d in doc["deals"] if company["id"] in (d["provider"], d["customer"]))
        assert listed == expected, company["id"]


# ---------------------------------------------------------------------------- mutations give problems

@st.composite
def mutated(draw):
    """A valid catalog with one thing broken, and what was broken."""
    doc = draw(catalog())
    deal = draw(st.sampled_from(doc["deals"]))
    how = draw(st.sampled_from(("remove-field", "wrong-type", "unknown-reference", "reversed-dates",
                                "unknown-field", "bad-enum", "duplicate-id")))
    if how == "remove-field":
        field = draw(st.sampled_from(("kind", "provider", "sources", "id")))
        del deal[field]
    elif how == "wrong-type":
        field = draw(st.sampled_from(("sources", "provider", "total_value", "kind")))
        deal[field] = draw(st.sampled_from(({"a": 1}, [1, 2], 12.5, True))) if field != "sources" else {"x": 1}
    elif how == "unknown-reference":
        deal[draw(st.sampled_from(("provider", "customer")))] = "zz-nobody-" + draw(slug)
    elif how == "reversed-dates":
        year = draw(st.integers(2016, 2035))
        deal["start"], deal["end"] = f"{year}-06", f"{year - 1}-06"
    elif how == "unknown-field":
        deal["zz_" + draw(slug).replace("-", "_")] = 1
    elif how == "bad-enum":
        deal["status"] = "zz-" + draw(slug)
    else:
        doc["deals"].append(dict(deal))
    return doc, how


def _assert_file_line_problem(path: Path) -> list:
    report = read_and_validate([path]).report  # never raises
    assert report.problems, "a broken input gave no problem"
    for p in report.problems:
        assert p.file == str(path)
    assert any(p.line > 0 for p in report.problems), [str(p) for p in report.problems]
    return report.problems


@SETTINGS
@given(case=mutated(), fmt=st.sampled_from(("yaml", "json")))
def test_mutated_records_always_give_a_file_line_problem(workdir, case, fmt):
    doc, how = case
    _assert_file_line_problem(_write(_fresh(workdir), doc, fmt))


@SETTINGS
@given(doc=catalog(), data=st.data())
def test_random_bytes_give_a_file_line_problem(workdir, doc, data):
    """Random bytes spliced into a valid file, or a file of random bytes."""
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode()
    junk = data.draw(st.binary(min_size=1, max_size=64))
    if data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(text)))
        raw = text[:at] + junk + text[at:]
    else:
        raw = junk
    path = _fresh(workdir) / "records.yaml"
    path.write_bytes(raw)
    validated = read_and_validate([path])  # never raises
    report = validated.report
    if report.problems:
        assert all(p.file == str(path) for p in report.problems)
        assert any(p.line > 0 for p in report.problems), [str(p) for p in report.problems]
    else:  # the junk happened to be harmless (inside a string, a comment, whitespace): all or none read
        assert len(validated.catalog.deals) in (0, len(doc["deals"]))


@SETTINGS
@given(depth=st.integers(65, 20_000), opener=st.sampled_from(("[", "{\"a\": ")), fmt=st.sampled_from(("yaml", "json")),
       line=st.integers(1, 30))
def test_deep_nesting_is_a_file_line_problem(workdir, depth, opener, fmt, line):
    closer = "]" if opener == "[" else "}"
    prefix = "\n" * (line - 1)
    body = opener * depth + ("1" if opener == "[" else "1") + closer * depth
    path = _fresh(workdir) / f"records.{fmt}"
    path.write_text(prefix + ('{"deals": ' + body + "}" if fmt == "json" else "deals: " + body + "\n"))
    problems = _assert_file_line_problem(path)
    assert any(p.line == line and "nested" in p.message for p in problems), [str(p) for p in problems]
