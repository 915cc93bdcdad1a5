"""Every input format gives the same triples for the same deal; folders are read recursively."""

from __future__ import annotations

import json

from rdflib.compare import isomorphic

from graph.build import compile_paths
from graph.loaders import LOADERS, loader_for, read_paths
from conftest import write

COMPANIES = """
companies:
  - {id: acme, name: Acme, kind: ai_lab}
  - {id: bigcloud, name: BigCloud, kind: hyperscaler}
facilities:
  - {id: site-1, name: Site One, operator: bigcloud}
"""
DEAL_YAML = """
deals:
  - id: d1
    kind: lease
    provider: bigcloud
    customer: acme
    facilities: [site-1]
    capacity: {power_mw: 120, accelerators: [{model: GB200, count: 36000}]}
    price: {amount: 2.5e8, currency: USD, per: year, qualifier: approx}
    total_value: {amount: 1.0e9, currency: USD, qualifier: up_to}
    announced: 2025-06-02
    start: "2026"
    end: "2030-12"
    status: signed
    terms: Five-year term.
    sources:
      - {publisher: BigCloud, title: BigCloud signs Acme, url: "https://example.com/r", date: 2025-06-02, kind: company_release}
      - {publisher: Wire, title: Acme lease, url: "https://example.com/w", date: 2025-06-03, kind: news}
"""
CSV = ("id,kind,provider,customer,facilities,power_mw,accelerators,price_amount,price_currency,price_per,"
       "price_qualifier,total_value_amount,total_value_currency,total_value_qualifier,announced,start,end,status,"
       "terms,source_publisher,source_title,source_url,source_date,source_kind,source2_publisher,source2_title,"
       "source2_url,source2_date,source2_kind\n"
       "d1,lease,bigcloud,acme,site-1,120,GB200:36000,2.5e8,USD,year,approx,1000000000,USD,up_to,2025-06-02,2026,"
       "2030-12,signed,Five-year term.,BigCloud,BigCloud signs Acme,https://example.com/r,2025-06-02,company_release,"
       "Wire,Acme lease,https://example.com/w,2025-06-03,news\n")


def test_yaml_json_and_csv_give_the_same_triples(tmp_path):
    write(tmp_path / "yaml" / "companies.yaml", COMPANIES)
    write(tmp_path / "yaml" / "deals.yaml", DEAL_YAML)
    write(tmp_path / "json" / "companies.yaml", COMPANIES)
    from graph.loaders.yaml_records import parse_text

    doc, _ = parse_text(DEAL_YAML, "deals.yaml")
    (tmp_path / "json" / "deals.json").write_text(json.dumps(doc, indent=2))
    write(tmp_path / "csv" / "companies.yaml", COMPANIES)
    (tmp_path / "csv" / "deals.csv").write_text(CSV)
    graphs = {fmt: compile_paths([tmp_path / fmt]).graph.to_rdflib() for fmt in ("yaml", "json", "csv")}
    assert len(graphs["yaml"]) > 50
    assert isomorphic(graphs["yaml"], graphs["json"])
    assert isomorphic(graphs["yaml"], graphs["csv"])


def test_folders_are_read_recursively_and_non_record_files_skipped(tmp_path):
    write(tmp_path / "a" / "b" / "c" / "companies.yaml", COMPANIES)
    write(tmp_path / "a" / "README.md", "# not records")
    write(tmp_path / "a" / ".hidden" / "x.yaml", "garbage: [")
    read = read_paths([tmp_path / "a"])
    assert not read.problems
    assert [r.section for r in read.records] == ["companies", "companies", "facilities"]


def test_loaders_are_registered_and_chosen_by_extension_and_header(tmp_path):
    assert {"yaml", "json", "csv"} <= set(LOADERS)
    csv_file = tmp_path / "deals.csv"
    csv_file.write_text(CSV)
    assert loader_for(csv_file).name == "csv"
    other = tmp_path / "other.csv"
    other.write_text("foo,bar\n1,2\n")
    assert loader_for(other) is None
    assert loader_for(tmp_path / "notes.txt") is None


def test_unknown_csv_in_a_folder_is_skipped_but_named_file_is_an_error(runner, tmp_path):
    from graph.cli import main

    write(tmp_path / "companies.yaml", COMPANIES)
    (tmp_path / "other.csv").write_text("foo,bar\n1,2\n")
    assert runner.invoke(main, ["validate", str(tmp_path)]).exit_code == 0
    r = runner.invoke(main, ["validate", str(tmp_path / "other.csv")])
    assert r.exit_code == 1 and "not a record file" in r.stderr


def test_yaml_scalars_follow_yaml_1_2(tmp_path):
    """Country NO stays a code (not False), 4e10 is a number, dates stay text."""
    write(tmp_path / "r.yaml", """
        companies:
          - {id: aker, name: Aker, country: NO}
          - {id: other-co, name: Other}
        deals:
          - id: big
            kind: investment
            provider: aker
            customer: other-co
            total_value: {amount: 4e10, currency: NOK}
            announced: 2025-08-01
            sources: [{publisher: P, title: T, url: "https://e.com"}]
        """)
    read = read_paths([tmp_path / "r.yaml"])
    company = next(r for r in read.records if r.rid == "aker")
    assert company.data["country"] == "NO"
    deal = next(r for r in read.records if r.rid == "big")
    assert deal.data["total_value"]["amount"] == 4e10 and deal.data["announced"] == "2025-08-01"
    assert compile_paths([tmp_path / "r.yaml"]).catalog.companies["aker"].country == "NO"


def test_the_nesting_check_agrees_with_a_character_by_character_scan():
    """The check skips quoted strings by a regular expression; on texts made of brackets, both
    quotes, backslashes and newlines it finds exactly the line the character-by-character scan
    (which names the line once a text is too deep) finds."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from graph.loaders import _deep_line, nesting_problem

    @settings(max_examples=3000, deadline=None)
    @given(st.text(alphabet='[]{}"\'\\\na ', max_size=120), st.integers(min_value=1, max_value=4))
    def agree(text, limit):
        p = nesting_problem(text, "f.json", limit)
        assert (p.line if p else None) == (_deep_line(text, limit) or None)

    agree()
