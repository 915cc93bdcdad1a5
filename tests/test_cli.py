"""The `computekg` command line, as a user runs it: help, real runs, exit codes, outputs."""

from __future__ import annotations

import csv
import io
import json

import pytest

from graph.cli import main
from graph.query import user_queries
from conftest import write


def cmd_names():
    return sorted(main.commands)


@pytest.mark.parametrize("name", cmd_names())
def test_every_command_has_help_with_an_example(runner, name):
    result = runner.invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`computekg {name} --help` shows no example"


def test_top_level_help_lists_commands(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in ("company", "deals", "query", "validate", "load", "export", "stats"):
        assert name in result.output


def test_company_lists_deals_both_ways_with_sources(runner, small_data):
    result = runner.invoke(main, ["--data", str(small_data), "company", "bigcloud", "--format", "json"])
    assert result.exit_code == 0, result.output
    deals = json.loads(result.stdout)
    roles = {d["id"]: d["role"] for d in deals}
    assert roles == {"acme-bigcloud-lease": "provider", "chipco-invests-bigcloud": "customer",
                     "bigcloud-buys-chips": "customer"}
    lease = next(d for d in deals if d["id"] == "acme-bigcloud-lease")
    assert lease["counterparty"] == ["acme-ai"]
    assert lease["facilities"] == ["site-1"]
    assert lease["power_mw"][0]["value"] == 100
    assert lease["price"][0] == {"headline": True, "amount": 100000000, "currency": "USD", "per": "month",
                                 "qualifier": "approx", "source": None}
    assert lease["start"] == "2025-01" and lease["end"] == "2028-02"
    assert lease["sources"][0]["url"] == "https://example.com/a"


def test_company_matches_alias_case_insensitively(runner, small_data):
    a = runner.invoke(main, ["--data", str(small_data), "company", "ACME", "--format", "jsonl"])
    b = runner.invoke(main, ["--data", str(small_data), "company", "Acme AI", "--format", "jsonl"])
    assert a.exit_code == 0 and a.stdout == b.stdout and a.stdout.count("\n") == 1


def test_unknown_company_exits_1_with_did_you_mean(runner, small_data):
    result = runner.invoke(main, ["--data", str(small_data), "company", "Bigclod"])
    assert result.exit_code == 1
    err = result.stderr.strip().splitlines()
    assert len(err) == 1 and "no company named 'Bigclod'" in err[0] and "Did you mean 'bigcloud'" in err[0]


@pytest.mark.parametrize("as_of,expected", [
    ("2028-02-29", ["acme-bigcloud-lease"]),   # partial end date 2028-02 covers the whole month
    ("2028-03-01", []),
    ("2025-01-01", ["acme-bigcloud-lease"]),   # partial start 2025-01 starts on the 1st
    ("2024-12-31", []),
])
def test_as_of_keeps_deals_in_force(runner, small_data, as_of, expected):
    result = runner.invoke(main, ["--data", str(small_data), "company", "bigcloud", "--as-of", as_of,
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [d["id"] for d in json.loads(result.stdout)] == expected  # undated deals are never "in force"


def test_bad_as_of_is_a_usage_error(runner, small_data):
    result = runner.invoke(main, ["--data", str(small_data), "company", "bigcloud", "--as-of", "2025-13-01"])
    assert result.exit_code == 2 and "month 13 does not exist" in result.stderr


def test_deals_filters(runner, small_data):
    def ids(*args):
        r = runner.invoke(main, ["--data", str(small_data), "deals", *args, "--format", "json"])
        assert r.exit_code == 0, r.output
        return [d["id"] for d in json.loads(r.stdout)]

    assert ids() == ["acme-bigcloud-lease", "bigcloud-buys-chips", "chipco-invests-bigcloud"]
    assert ids("--provider", "ChipCo") == ["bigcloud-buys-chips", "chipco-invests-bigcloud"]
    assert ids("--customer", "bigcloud", "--kind", "investment") == ["chipco-invests-bigcloud"]
    assert ids("--status", "signed") == ["acme-bigcloud-lease", "bigcloud-buys-chips"]
    bad = runner.invoke(main, ["--data", str(small_data), "deals", "--kind", "leese"])
    assert bad.exit_code == 2 and "lease" in bad.stderr


def test_table_and_csv_formats(runner, small_data):
    table = runner.invoke(main, ["--data", str(small_data), "deals"])
    assert table.exit_code == 0
    head = table.stdout.splitlines()[0].split()
    assert head[:4] == ["id", "kind", "provider", "customer"]
    assert "about $100M/month" in table.stdout
    assert "$5B total (disputed)" in table.stdout
    rows = list(csv.DictReader(io.StringIO(runner.invoke(
        main, ["--data", str(small_data), "deals", "--format", "csv"]).stdout)))
    assert {r["id"] for r in rows} == {"acme-bigcloud-lease", "bigcloud-buys-chips", "chipco-invests-bigcloud"}


def test_disputed_figures_keep_every_value_with_its_source(runner, small_data):
    r = runner.invoke(main, ["--data", str(small_data), "company", "chipco", "--format", "json"])
    chips = next(d for d in json.loads(r.stdout) if d["id"] == "bigcloud-buys-chips")
    assert [(v["amount"], v["source"], v["headline"]) for v in chips["total_value"]] == [
        (5000000000, "https://example.com/c", True), (6000000000, "https://example.com/d", False)]


@pytest.mark.parametrize("name", [q.name for q in user_queries()])
def test_every_named_query_runs(runner, small_data, name):
    args = ["--data", str(small_data), "query", name, "--format", "json"]
    if name == "providers-of":
        args += ["-p", "company_name=BigCloud"]
    if name == "in-force":
        args += ["-p", "date=2026-01-01"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)


def test_named_queries_answer_correctly(runner, small_data):
    def q(*args):
        r = runner.invoke(main, ["--data", str(small_data), "query", *args, "--format", "json"])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    assert q("leases") == [{"customer": "acme-ai", "provider": "bigcloud", "deals": 1}]
    assert [r["provider"] for r in q("providers-of", "-p", "company_name=bigcloud")] == ["chipco", "chipco"]
    assert [r["deal"] for r in q("in-force", "-p", "date=2027-06-01")] == ["acme-bigcloud-lease"]
    assert [r["deal"] for r in q("lacking-primary-source")] == ["acme-bigcloud-lease", "bigcloud-buys-chips"]
    assert {(r["value"], r["url"]) for r in q("disputed-figures")} == {
        (5000000000, "https://example.com/c"), (6000000000, "https://example.com/d")}


def test_query_text_file_ask_construct(runner, small_data, tmp_path):
    base = ["--data", str(small_data), "query"]
    r = runner.invoke(main, base + ["SELECT ?n WHERE { ?c a ckg:Company ; schema:name ?n } ORDER BY ?n", "--format", "csv"])
    assert r.exit_code == 0 and r.stdout.splitlines()[:3] == ["n", "Acme AI", "BigCloud"]
    f = write(tmp_path / "q.rq", "ASK { ?c ckg:leasesComputeFrom ?c }")
    r = runner.invoke(main, base + ["-f", str(f), "--format", "json"])
    assert json.loads(r.stdout) == [{"boolean": False}]
    r = runner.invoke(main, base + ["ASK { ?c ckg:leasesComputeFrom ?p }", "--format", "json"])
    assert json.loads(r.stdout) == [{"boolean": True}], "the derived relation is materialised"
    r = runner.invoke(main, base + ["CONSTRUCT { ?c ckg:leasesComputeFrom ?p } WHERE { ?c ckg:leasesComputeFrom ?p }"])
    assert r.stdout.strip() == ("<https://w3id.org/computekg/id/company/acme-ai> "
                                "<https://w3id.org/computekg/ontology#leasesComputeFrom> "
                                "<https://w3id.org/computekg/id/company/bigcloud> .")


def test_param_values_are_bound_not_pasted(runner, small_data):
    r = runner.invoke(main, ["--data", str(small_data), "query", "providers-of", "-p",
                             'company_name=x")) } UNION { ?c ?p ?o } #', "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout) == []


def test_malformed_query_exits_1_with_position(runner, small_data):
    r = runner.invoke(main, ["--data", str(small_data), "query", "SELECT ?x WHERE { ?x ?p }"])
    assert r.exit_code == 1
    assert "malformed SPARQL" in r.stderr and "1:" in r.stderr and "Traceback" not in r.output


def test_unknown_query_name(runner, small_data):
    r = runner.invoke(main, ["--data", str(small_data), "query", "leasez"])
    assert r.exit_code == 1 and "Did you mean 'leases'" in r.stderr


def test_query_list(runner):
    r = runner.invoke(main, ["query", "--list", "--format", "json"])
    names = {q["name"] for q in json.loads(r.stdout)}
    assert {"leases", "providers-of", "totals-by-provider", "in-force", "lacking-primary-source"} <= names
    assert not any(n.startswith("_") for n in names)


def test_validate_summary(runner, small_data):
    r = runner.invoke(main, ["validate", str(small_data)])
    assert r.exit_code == 0 and r.stdout.startswith("ok: 5 companies, 1 facilities, 3 deals")


def test_missing_path_is_a_clear_error(runner, tmp_path):
    r = runner.invoke(main, ["validate", str(tmp_path / "nope")])
    assert r.exit_code == 1 and "no such file or folder" in r.stderr
    r = runner.invoke(main, ["--data", str(tmp_path / "nope"), "company", "x"])
    assert r.exit_code == 1 and "no such file or folder" in r.stderr


def test_unwritable_output_is_a_one_line_error(runner, small_data, tmp_path):
    r = runner.invoke(main, ["--data", str(small_data), "export", "-o", str(tmp_path / "no" / "such" / "x.ttl")])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.stderr.strip().splitlines() == [f"Error: cannot use {tmp_path / 'no' / 'such' / 'x.ttl'}: "
                                             "No such file or directory (check the path exists and is writable)"]


def test_load_needs_a_store(runner, small_data):
    r = runner.invoke(main, ["load", str(small_data)])
    assert r.exit_code == 2 and "--store DIR" in r.stderr


def test_store_that_does_not_exist(runner, tmp_path):
    r = runner.invoke(main, ["--store", str(tmp_path / "none"), "company", "x"])
    assert r.exit_code == 1 and "not a computekg store" in r.stderr


@pytest.mark.parametrize("fmt", ["turtle", "nt", "nq", "trig", "jsonld"])
def test_export_parses_back_to_the_same_triples(runner, small_data, tmp_path, fmt):
    import pyoxigraph as ox
    from rdflib import Dataset, Graph

    out = tmp_path / f"g.{fmt}"
    r = runner.invoke(main, ["--data", str(small_data), "export", "--rdf-format", fmt, "-o", str(out)])
    assert r.exit_code == 0, r.output
    nt = runner.invoke(main, ["--data", str(small_data), "export", "--rdf-format", "nt"]).stdout_bytes
    expected = len(set(nt.decode().splitlines()))
    if fmt in ("turtle", "nt"):
        rdf_format = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}[fmt]
        assert len(set(ox.parse(path=str(out), format=rdf_format))) == expected
        assert len(Graph().parse(out, format=fmt)) == expected
    elif fmt in ("nq", "trig"):
        d = Dataset()
        d.parse(out, format="nquads" if fmt == "nq" else fmt)
        assert len({(s, p, o) for s, p, o, _ in d.quads()}) == expected
    else:
        assert len(Graph().parse(out, format="json-ld")) == expected


def test_export_with_ontology_adds_the_ontology(runner, small_data):
    a = runner.invoke(main, ["--data", str(small_data), "export", "--rdf-format", "nt"]).stdout
    b = runner.invoke(main, ["--data", str(small_data), "export", "--rdf-format", "nt", "--with-ontology"]).stdout
    assert "propertyChainAxiom" in b and "propertyChainAxiom" not in a
    assert set(a.splitlines()) < set(b.splitlines())


def test_export_is_deterministic(runner, small_data):
    a = runner.invoke(main, ["--data", str(small_data), "export", "--rdf-format", "turtle"]).stdout
    b = runner.invoke(main, ["--data", str(small_data), "export", "--rdf-format", "turtle"]).stdout
    assert a == b


def test_stats(runner, small_data):
    r = runner.invoke(main, ["--data", str(small_data), "stats", "--format", "json"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)[0]
    assert s["deals"] == 3 and s["companies"] == 5 and s["facilities"] == 1
    assert s["deals_by_kind"] == {"chip_supply": 1, "investment": 1, "lease": 1}
    assert s["deals_by_year"] == {"2025": 3}
    assert s["deals_by_month"] == {"2025": 1, "2025-03": 1}  # a year-only announcement under its year
    assert s["data_as_of"] == "2025-04-02"  # the newest dated source
    assert s["deals_with_primary_source"] == 1 and s["primary_source_share"] == round(1 / 3, 3)
    assert s["fields_missing"]["accelerators"] == 2
    table = runner.invoke(main, ["--data", str(small_data), "stats"])
    assert "deals_by_status" in table.stdout


def test_companies_listing(runner, small_data):
    r = runner.invoke(main, ["--data", str(small_data), "companies", "--format", "json"])
    rows = {c["id"]: c for c in json.loads(r.stdout)}
    assert rows["subcloud"]["parent"] == "holdco" and rows["acme-ai"]["aliases"] == ["Acme"]


def test_company_roll_up_includes_subsidiaries(runner, tmp_path):
    write(tmp_path / "r.yaml", """
        companies:
          - {id: parent, name: Parent}
          - {id: child, name: Child, parent: parent}
          - {id: other, name: Other}
        deals:
          - {id: d1, kind: lease, provider: other, customer: child,
             sources: [{publisher: P, title: T, url: "https://e.com/1"}]}
    """)
    plain = runner.invoke(main, ["--data", str(tmp_path), "company", "parent", "--format", "json"])
    rolled = runner.invoke(main, ["--data", str(tmp_path), "company", "parent", "--roll-up", "--format", "json"])
    assert json.loads(plain.stdout) == []
    assert [d["id"] for d in json.loads(rolled.stdout)] == ["d1"]


def test_company_roll_up_as_of_respects_parent_since(runner, tmp_path):
    write(tmp_path / "r.yaml", """
        companies:
          - {id: parent, name: Parent}
          - {id: child, name: Child, parent: parent, parent_since: 2026-02}
          - {id: other, name: Other}
        deals:
          - {id: d1, kind: lease, provider: other, customer: child, start: "2025", end: "2030",
             sources: [{publisher: P, title: T, url: "https://e.com/1"}]}
    """)
    def ids(as_of):
        r = runner.invoke(main, ["--data", str(tmp_path), "company", "parent", "--roll-up", "--as-of", as_of,
                                 "--format", "json"])
        assert r.exit_code == 0, r.output
        return [d["id"] for d in json.loads(r.stdout)]

    assert ids("2025-06-01") == []      # the deal is in force, but Child was not yet Parent's
    assert ids("2026-02-01") == ["d1"]


def test_python_dash_m_graph_works():
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "graph", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "computekg" in r.stdout
