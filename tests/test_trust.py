"""Issue 11, trust and freshness: disputed dates, links between overlapping deals, and the record
that a primary source was searched for and not found."""

from __future__ import annotations

import json

import pytest

from graph.cli import main
from conftest import write

RECORDS = """
companies:
  - {id: lab, name: Lab, kind: ai_lab}
  - {id: cloud, name: Cloud, kind: hyperscaler}
deals:
  - id: lab-cloud-lease
    kind: lease
    provider: cloud
    customer: lab
    announced: 2026-05-06
    start: 2026-05
    end:
      - {value: 2029-05, source: 1}
      - {value: 2026-11, qualifier: approx, source: 2}
    sources:
      - {publisher: Cloud Corp. (SEC EDGAR), title: S-1, url: "https://www.sec.gov/s1.htm", date: 2026-05-20, kind: filing}
      - {publisher: Wire, title: "CEO: a 180-day lease", url: "https://news.example.com/180", date: 2026-05-28, kind: news}
"""


@pytest.fixture
def dated(tmp_path):
    return write(tmp_path / "d" / "records.yaml", RECORDS)


def _json(runner, path, *args):
    r = runner.invoke(main, ["--data", str(path), *args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


# ---------------------------------------------------------------------------- disputed dates

def test_every_value_of_a_disputed_date_is_kept_with_its_source(runner, dated):
    deal = _json(runner, dated, "deal", "lab-cloud-lease")
    assert deal["end"] == "2029-05"  # the headline, as before
    assert deal["date_values"] == {"end": [
        {"headline": True, "value": "2029-05", "qualifier": None, "source": "https://www.sec.gov/s1.htm"},
        {"headline": False, "value": "2026-11", "qualifier": "approx", "source": "https://news.example.com/180"},
    ]}
    # company --format json gives the same entry
    rows = _json(runner, dated, "company", "lab")
    assert rows[0]["date_values"] == deal["date_values"]


def test_as_of_uses_the_headline_date(runner, dated):
    # in force in 2027 by the headline end (2029-05), though the other value ends in 2026
    rows = _json(runner, dated, "company", "lab", "--as-of", "2027-06-01")
    assert [d["id"] for d in rows] == ["lab-cloud-lease"]
    assert _json(runner, dated, "company", "lab", "--as-of", "2029-06-01") == []


def test_the_deal_card_shows_every_date_value(runner, dated):
    r = runner.invoke(main, ["--data", str(dated), "deal", "lab-cloud-lease"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    i = next(k for k, l in enumerate(lines) if l.strip().startswith("end"))
    assert "2029-05 (month) [1] (headline)" in lines[i]
    assert "about 2026-11 (month) [2] (disputed)" in lines[i + 1]


def test_disputed_dates_are_nodes_derived_from_their_sources(runner, dated):
    q = ("SELECT ?date ?url WHERE { ?d ckg:slug 'lab-cloud-lease' ; ckg:endValue ?h . ?h ckg:alternativeValue? ?n . "
         "?n ckg:dateValue ?date ; prov:wasDerivedFrom/schema:url ?url } ORDER BY ?date")
    r = runner.invoke(main, ["--data", str(dated), "query", q, "--format", "json"])
    assert r.exit_code == 0, r.output
    assert [(x["date"], x["url"]) for x in json.loads(r.stdout)] == [
        ("2026-11-30", "https://news.example.com/180"), ("2029-05-31", "https://www.sec.gov/s1.htm")]


@pytest.mark.parametrize("end,field,fragment", [
    ("[{qualifier: approx, source: 1}]", "end[1].value", "required field is missing"),
    ("[{value: 2029-05, source: 3}]", "end.source", "names source 3, but the record lists 2 source(s)"),
    ("[{value: 2029-13, source: 1}]", "end[1].value", ""),
    ("[{value: 2029-05, when: 1}]", "end[1].when", "unknown field"),
    ("[{value: 2029-05, qualifier: roughly}]", "end[1].qualifier", "'roughly' is not one of"),
    ("[2029-05]", "end[1]", "must be a mapping"),
])
def test_bad_date_values_are_reported(runner, tmp_path, end, field, fragment):
    text = RECORDS.split("    end:")[0] + f"    end: {end}\n    sources:" + RECORDS.split("    sources:")[1]
    write(tmp_path / "r.yaml", text)
    r = runner.invoke(main, ["--no-epoch", "validate", str(tmp_path / "r.yaml")])
    assert r.exit_code == 1, r.output
    assert any(f": {field}: " in l and fragment in l for l in r.stderr.splitlines()), r.stderr


def test_the_colossus_1_lease_keeps_both_ends(bundled_store):
    from graph.lookup import fetch_deals

    deal = next(d for d in fetch_deals(bundled_store) if d["id"] == "anthropic-xai-colossus-1")
    ends = deal["date_values"]["end"]
    assert [(v["value"], v["headline"]) for v in ends] == [("2029-05", True), ("2026-11", False)]
    assert "sec.gov" in ends[0]["source"] and ends[1]["source"]
    assert deal["end"] == "2029-05"
