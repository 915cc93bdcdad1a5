"""Every kind of bad input is reported as file:line: record: field: message, exit 1, and nothing loads."""

from __future__ import annotations

import json

import pytest

from graph.cli import main
from conftest import write

GOOD = """
companies:
  - {id: acme, name: Acme, kind: ai_lab}
  - {id: bigcloud, name: BigCloud, kind: hyperscaler}
deals:
  - id: good-deal
    kind: lease
    provider: bigcloud
    customer: acme
    sources:
      - {publisher: P, title: T, url: "https://example.com/x", date: 2025-01-01}
"""

# (name, file name, text, expected line, expected field, expected message fragment)
BAD = [
    ("yaml-syntax", "bad.yaml", "deals:\n  - id: x\n    kind: [lease\n", 4, "", "YAML syntax error"),
    ("json-syntax", "bad.json", '{"deals": [\n  {"id": "x",\n}\n]}', 3, "", "JSON syntax error"),
    ("unknown-field", "bad.yaml", GOOD.replace("    kind: lease\n", "    kind: lease\n    colour: red\n"), 7,
     "colour", "unknown field"),
    ("missing-required", "bad.yaml", GOOD.replace("    kind: lease\n", ""), 5, "kind", "required field is missing"),
    ("wrong-type", "bad.yaml", GOOD.replace("    kind: lease\n", "    kind: lease\n    facilities: {a: 1}\n"), 7,
     "facilities", "must be a list"),
    ("bad-enum", "bad.yaml", GOOD.replace("kind: lease", "kind: leese"), 6, "kind", "Did you mean 'lease'"),
    ("duplicate-id", "bad.yaml", GOOD + "  - {id: good-deal, kind: lease, provider: bigcloud, customer: acme, "
     "sources: [{publisher: P, title: T, url: 'https://e.com'}]}\n", 11, "id", "duplicate id"),
    ("unknown-reference", "bad.yaml", GOOD.replace("customer: acme", "customer: acmee"), 8, "customer",
     "unknown company 'acmee'. Did you mean 'acme'"),
    ("negative-amount", "bad.yaml", GOOD.replace("    kind: lease\n",
     "    kind: lease\n    total_value: {amount: -5, currency: USD}\n"), 7, "total_value.amount", "must not be negative"),
    ("non-numeric-amount", "bad.yaml", GOOD.replace("    kind: lease\n",
     "    kind: lease\n    total_value: {amount: lots, currency: USD}\n"), 7, "total_value.amount", "must be a number"),
    ("bad-currency", "bad.yaml", GOOD.replace("    kind: lease\n",
     "    kind: lease\n    total_value: {amount: 5, currency: usd}\n"), 7, "total_value.currency", "three-letter"),
    ("impossible-date", "bad.yaml", GOOD.replace("    kind: lease\n", "    kind: lease\n    start: 2025-02-30\n"), 7,
     "start", "that day does not exist"),
    ("end-before-start", "bad.yaml", GOOD.replace("    kind: lease\n",
     "    kind: lease\n    start: 2026-05\n    end: 2026-04\n"), 8, "end", "before it starts"),
    ("no-source", "bad.yaml", GOOD.split("    sources:")[0], 5, "sources", "at least one source"),
    ("csv-unknown-column", "bad.csv", "id,kind,provider,customer,colour\nx,lease,a,b,red\n", 1, "colour", "unknown column"),
    ("csv-bad-row", "bad.csv", "id,kind,provider,customer,source_publisher,source_title,source_url\n"
     "x,lease,nobody,acme,P,T,https://e.com\n", 2, "provider", "unknown company 'nobody'"),
]


@pytest.mark.parametrize("name,fname,text,line,field,fragment", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_reported_with_file_line_field(runner, tmp_path, name, fname, text, line, field, fragment):
    path = write(tmp_path / "records" / fname, text) if not fname.endswith(".csv") else tmp_path / "records" / fname
    if fname.endswith(".csv"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        write(tmp_path / "records" / "companies.yaml", GOOD.split("deals:")[0])
    result = runner.invoke(main, ["validate", str(tmp_path / "records")])
    assert result.exit_code == 1, result.output
    lines = [l for l in result.stderr.splitlines() if l.startswith(str(path))]
    assert lines, f"no problem names {path}:\n{result.stderr}"
    expected_prefix = f"{path}:{line}:"
    match = [l for l in lines if l.startswith(expected_prefix) and fragment in l and (not field or f": {field}: " in l)]
    assert match, f"expected a line starting {expected_prefix} naming {field!r} with {fragment!r}; got:\n" + "\n".join(lines)
    assert "Traceback" not in result.output
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")
    # and loading the same records loads nothing
    store = tmp_path / "store"
    loaded = runner.invoke(main, ["--store", str(store), "load", str(tmp_path / "records")])
    assert loaded.exit_code == 1 and any(l.startswith(expected_prefix) for l in loaded.stderr.splitlines())
    from graph.store import OxigraphStore

    assert not (store / "CURRENT").exists() or OxigraphStore(store, read_only=True).is_empty()


def test_all_problems_are_reported_not_just_the_first(runner, tmp_path):
    text = GOOD.replace("kind: lease", "kind: leese").replace("customer: acme", "customer: nobody")
    write(tmp_path / "r.yaml", text)
    result = runner.invoke(main, ["validate", str(tmp_path / "r.yaml")])
    assert result.exit_code == 1
    assert "leese" in result.stderr and "nobody" in result.stderr
    assert "2 problems found" in result.stderr


def test_a_failed_load_changes_nothing(runner, tmp_path):
    store = tmp_path / "store"
    write(tmp_path / "ok" / "good.yaml", GOOD)
    assert runner.invoke(main, ["--store", str(store), "load", str(tmp_path / "ok")]).exit_code == 0
    before = runner.invoke(main, ["--store", str(store), "export", "--rdf-format", "nt"]).stdout_bytes

    bad = GOOD.replace("good-deal", "second-deal").replace("acme, kind", "acme2, kind").replace(
        "bigcloud, kind", "bigcloud2, kind")
    bad = bad.replace("customer: acme", "customer: acme2").replace("provider: bigcloud", "provider: nobody")
    write(tmp_path / "bad" / "half.yaml", bad)
    result = runner.invoke(main, ["--store", str(store), "load", str(tmp_path / "bad")])
    assert result.exit_code == 1
    assert "unknown company 'nobody'" in result.stderr
    after = runner.invoke(main, ["--store", str(store), "export", "--rdf-format", "nt"]).stdout_bytes
    assert after == before, "a failed batch must leave the store as it was"
    assert b"acme2" not in after


def test_load_then_query_the_store(runner, tmp_path, small_data):
    store = tmp_path / "store"
    result = runner.invoke(main, ["--store", str(store), "load", str(small_data)])
    assert result.exit_code == 0, result.output
    out = runner.invoke(main, ["--store", str(store), "company", "acme", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert [d["id"] for d in json.loads(out.stdout)] == ["acme-bigcloud-lease"]
    # re-loading an unchanged file changes nothing and says so (issue 13; it used to be refused)
    again = runner.invoke(main, ["--store", str(store), "load", str(small_data)])
    assert again.exit_code == 0 and "unchanged" in again.output, again.output
    out = runner.invoke(main, ["--store", str(store), "company", "acme", "--format", "json"])
    assert [d["id"] for d in json.loads(out.stdout)] == ["acme-bigcloud-lease"]


def test_a_second_batch_may_refer_to_companies_already_loaded(runner, tmp_path):
    store = tmp_path / "store"
    write(tmp_path / "a" / "companies.yaml", GOOD.split("deals:")[0])
    write(tmp_path / "b" / "deals.yaml", "deals:" + GOOD.split("deals:")[1])
    assert runner.invoke(main, ["--store", str(store), "load", str(tmp_path / "a")]).exit_code == 0
    result = runner.invoke(main, ["--store", str(store), "load", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    out = runner.invoke(main, ["--store", str(store), "deals", "--format", "json"])
    assert [d["id"] for d in json.loads(out.stdout)] == ["good-deal"]


def test_shacl_catches_what_record_checks_cannot_see():
    """Shapes run on the built graph: a hand-made graph with a deal lacking a source fails."""
    from rdflib import Graph

    from graph.shacl import check

    g = Graph().parse(data="""
        @prefix ckg: <https://w3id.org/computekg/ontology#> .
        <https://w3id.org/computekg/id/company/a> a ckg:Company ; <https://schema.org/name> "A" .
        <https://w3id.org/computekg/id/company/b> a ckg:Company ; <https://schema.org/name> "B" .
        <https://w3id.org/computekg/id/deal/x> a ckg:Lease ; ckg:slug "x" ;
            ckg:provider <https://w3id.org/computekg/id/company/a> ;
            ckg:customer <https://w3id.org/computekg/id/company/a> .
    """, format="turtle")
    problems = check(g, where="hand.ttl")
    messages = "\n".join(str(p) for p in problems)
    assert "deal/x" in messages
    assert "at least one source" in messages
    assert "other than its provider" in messages


def test_problems_are_sorted_and_formatted():
    from graph.errors import Problem

    p = Problem("data/deals.yaml", 41, "x", "customer", "unknown company 'y'")
    assert str(p) == "data/deals.yaml:41: x: customer: unknown company 'y'"
    assert sorted([Problem("b", 1, "", "", ""), Problem("a", 2, "", "", "")])[0].file == "a"
