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


# ---------------------------------------------------------------------------- links: money counted once

LINKED = """
companies:
  - {id: lab, name: Lab, kind: ai_lab}
  - {id: cloud, name: Cloud, kind: hyperscaler}
  - {id: neo, name: Neo, kind: neocloud}
deals:
  - {id: order-1, kind: cloud_capacity, provider: cloud, customer: lab, total_value: {amount: 10e9, currency: USD},
     capacity: {power_mw: 100}, start: 2025, end: 2030, sources: [{publisher: P, title: T, url: "https://e.com/1"}]}
  - {id: order-2, kind: cloud_capacity, provider: cloud, customer: lab, total_value: {amount: 25e9, currency: USD},
     capacity: {power_mw: 300}, start: 2026, end: 2031, expands: order-1, overlaps: order-1,
     sources: [{publisher: P, title: T, url: "https://e.com/2"}]}
  - {id: order-3, kind: cloud_capacity, provider: cloud, customer: lab, total_value: {amount: 5e9, currency: USD},
     expands: order-2, sources: [{publisher: P, title: T, url: "https://e.com/3"}]}
  - {id: resale, kind: cloud_capacity, provider: neo, customer: lab, total_value: {amount: 1e9, currency: USD},
     amends: order-3, sources: [{publisher: P, title: T, url: "https://e.com/4"}]}
"""


@pytest.fixture
def linked(tmp_path):
    return write(tmp_path / "l" / "records.yaml", LINKED)


def test_links_are_kept_and_shown(runner, linked):
    deal = _json(runner, linked, "deal", "order-2")
    assert (deal["amends"], deal["expands"], deal["overlaps"]) == ([], ["order-1"], ["order-1"])
    card = runner.invoke(main, ["--data", str(linked), "deal", "order-2"]).stdout
    assert any(l.split() == ["expands", "order-1"] for l in card.splitlines())
    assert any(l.split() == ["overlaps", "order-1"] for l in card.splitlines())


def test_rank_adds_overlapped_money_once(runner, linked):
    rows = _json(runner, linked, "rank", "--by", "money", "--role", "provider")
    cloud = next(r for r in rows if r["company"] == "cloud")
    # order-2 overlaps order-1: 25B + 5B (order-3 expands: added), not 10B more; order-1 still counts as a deal
    assert (cloud["total"], cloud["deals"], cloud["missing"]) == (30_000_000_000, 3, 0)
    mw = next(r for r in _json(runner, linked, "rank", "--by", "mw", "--role", "provider") if r["company"] == "cloud")
    assert (mw["total"], mw["missing"]) == (300, 1)  # order-3 gives no MW: missing; order-1's 100 MW not added
    # as of 2025-06 order-2 has not started: order-1 is the only one counted, and its money is added
    early = _json(runner, linked, "rank", "--by", "money", "--role", "provider", "--as-of", "2025-06-01")
    assert next(r for r in early if r["company"] == "cloud")["total"] == 10_000_000_000


def test_links_across_rows_change_nothing(runner, linked):
    # resale (provider neo) amends order-3 (provider cloud): by provider they are different totals
    rows = {r["company"]: r["total"] for r in _json(runner, linked, "rank", "--by", "money", "--role", "provider")}
    assert rows == {"cloud": 30_000_000_000, "neo": 1_000_000_000}
    # by customer, all four are lab's: order-1 (overlapped) and order-3 (amended) are not added
    lab = _json(runner, linked, "rank", "--by", "money", "--role", "customer")[0]
    assert (lab["company"], lab["total"], lab["deals"]) == ("lab", 26_000_000_000, 4)


def test_the_named_queries_count_money_once(runner, linked):
    r = runner.invoke(main, ["--data", str(linked), "query", "totals-by-provider", "--format", "json"])
    assert r.exit_code == 0, r.output
    cloud = next(x for x in json.loads(r.stdout) if x["provider"] == "cloud")
    assert (float(cloud["total_value"]), float(cloud["total_mw"]), cloud["deals"]) == (30e9, 300, 3)
    r = runner.invoke(main, ["--data", str(linked), "query", "rank-money", "-p", "role=customer", "--format", "json"])
    assert float(json.loads(r.stdout)[0]["total"]) == 26e9


def test_company_totals_count_money_once():
    from graph.figures import totals

    deals = [{"id": "a", "total_value": [{"amount": 10.0, "currency": "USD"}], "power_mw": []},
             {"id": "b", "total_value": [{"amount": 25.0, "currency": "USD"}], "power_mw": [], "overlaps": ["a"]}]
    t = totals(deals)
    assert t["money"]["USD"]["total"] == 25 and t["not_added"] == 1 and t["money"]["missing"] == 0
    assert totals(deals[:1])["money"]["USD"]["total"] == 10  # alone, a is counted


@pytest.mark.parametrize("extra,fragment", [
    ("overlaps: nowhere", "overlaps: unknown deal 'nowhere'"),
    ("amends: order-x", "amends: a deal cannot amend itself"),
    ("amends: order-y\n    overlaps: order-y", "order-y is also in amends"),
])
def test_bad_links_are_reported(runner, tmp_path, extra, fragment):
    text = LINKED.split("deals:")[0] + f"""deals:
  - id: order-x
    kind: lease
    provider: cloud
    customer: lab
    {extra}
    sources: [{{publisher: P, title: T, url: "https://e.com/x"}}]
  - {{id: order-y, kind: lease, provider: cloud, customer: lab, sources: [{{publisher: P, title: T, url: "https://e.com/y"}}]}}
"""
    write(tmp_path / "r.yaml", text)
    r = runner.invoke(main, ["--no-epoch", "validate", str(tmp_path / "r.yaml")])
    assert r.exit_code == 1 and fragment in r.stderr, r.output


def test_a_loop_of_overlaps_is_an_error(runner, tmp_path):
    text = LINKED.replace("expands: order-2, sources", "overlaps: order-2, sources").replace(
        "expands: order-1, overlaps: order-1", "overlaps: order-3")
    write(tmp_path / "r.yaml", text)
    r = runner.invoke(main, ["--no-epoch", "validate", str(tmp_path / "r.yaml")])
    assert r.exit_code == 1 and "links form a loop: order-2 -> order-3 -> order-2" in r.stderr, r.output


def test_meta_coreweave_2026_overlaps_the_2025_order(bundled_store):
    """The real case: CoreWeave's April 2026 order from Meta (~$21B) includes the exercised option of
    the September 2025 order (up to $14.2B); reports of a $35.2B total add them. Totals add the 2025
    order's money once, inside the 2026 figure."""
    from graph import analytics
    from graph.figures import not_added
    from graph.lookup import fetch_deals
    from graph.select import select_deals

    deals = fetch_deals(bundled_store)
    by_id = {d["id"]: d for d in deals}
    assert by_id["meta-coreweave-2026-04"]["overlaps"] == ["meta-coreweave-2025-09"]
    pair = [by_id["meta-coreweave-2025-09"], by_id["meta-coreweave-2026-04"]]
    assert not_added(pair) == {"meta-coreweave-2025-09": "meta-coreweave-2026-04"}
    row = next(r for r in analytics.rank(bundled_store, by="money", role="provider") if r["company"] == "coreweave")
    plain = sum(d["total_value"][0]["amount"] for d in select_deals(deals, provider="coreweave")
                if d["total_value"] and d["total_value"][0]["currency"] == "USD")
    assert row["total"] == plain - 14.2e9
    meta = [d for d in deals if "meta" in d["parties"]]
    from graph.figures import totals

    assert totals(meta)["money"]["USD"]["total"] == sum(
        d["total_value"][0]["amount"] for d in meta
        if d["total_value"] and d["total_value"][0]["currency"] == "USD") - 14.2e9


# ---------------------------------------------------------------------------- primary source: none found

NONE_FOUND = """
companies:
  - {id: lab, name: Lab, kind: ai_lab}
  - {id: cloud, name: Cloud, kind: hyperscaler}
deals:
  - id: rumoured
    kind: lease
    provider: cloud
    customer: lab
    primary_source: PS
    sources:
      - {publisher: Wire, title: T, url: "https://news.example.com/a", date: 2026-01-02, kind: KIND}
  - {id: sourced, kind: lease, provider: cloud, customer: lab,
     sources: [{publisher: Cloud, title: R, url: "https://cloud.example.com/r", kind: company_release}]}
  - {id: unsearched, kind: lease, provider: cloud, customer: lab,
     sources: [{publisher: Wire, title: U, url: "https://news.example.com/u", kind: news}]}
"""
GOOD_PS = '{status: none_found, searched: "2026-12-06", note: "the companies\' release"}'


def test_a_none_found_search_is_recorded_and_counted(runner, tmp_path):
    path = write(tmp_path / "p" / "r.yaml", NONE_FOUND.replace("PS", GOOD_PS).replace("KIND", "news"))
    deal = _json(runner, path, "deal", "rumoured")
    assert deal["primary_source"] == {"status": "none_found", "searched": "2026-12-06", "note": "the companies' release"}
    assert _json(runner, path, "deal", "unsearched")["primary_source"] is None
    card = runner.invoke(main, ["--data", str(path), "deal", "rumoured"]).stdout
    assert "none found (searched 2026-12-06): the companies' release" in card
    stats = _json(runner, path, "stats")[0]
    assert (stats["deals_with_primary_source"], stats["deals_primary_source_none_found"],
            stats["deals_primary_source_not_searched"]) == (1, 1, 1)
    rows = _json(runner, path, "query", "lacking-primary-source")
    assert {r["deal"]: r["searched"] for r in rows} == {"rumoured": "2026-12-06", "unsearched": None}


@pytest.mark.parametrize("ps,kind,field,fragment", [
    ('{status: none_found}', "news", "primary_source.searched", "required field is missing"),
    ('{status: none_found, searched: "2026-12"}', "news", "primary_source.searched", "give the day"),
    ('{status: lost, searched: "2026-12-06"}', "news", "primary_source.status", "'lost' is not one of: none_found"),
    (GOOD_PS, "filing", "primary_source", "says none was found, but source 1 is a primary source (filing)"),
    ('none_found', "news", "primary_source", "must be a mapping"),
])
def test_bad_primary_source_records_are_reported(runner, tmp_path, ps, kind, field, fragment):
    write(tmp_path / "r.yaml", NONE_FOUND.replace("PS", ps).replace("KIND", kind))
    r = runner.invoke(main, ["--no-epoch", "validate", str(tmp_path / "r.yaml")])
    assert r.exit_code == 1, r.output
    assert any(f": {field}: " in l and fragment in l for l in r.stderr.splitlines()), r.stderr


def test_the_data_changelog_lists_releases_newest_first():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "data" / "CHANGELOG.md").read_text(encoding="utf-8")
    dates = re.findall(r"^## (\d{4}-\d{2}-\d{2})", text, flags=re.M)
    assert len(dates) >= 3 and dates == sorted(dates, reverse=True), dates


def test_the_deal_page_shows_every_date_value_links_and_the_search(tmp_path):
    """The site's deal page (rendered one page at a time, as the server does)."""
    import html
    import re

    from graph.cache import cached_store
    from graph.site import Site

    text = RECORDS.replace("    sources:\n", "    expands: other\n    sources:\n", 1) + """
  - id: other
    kind: lease
    provider: cloud
    customer: lab
    primary_source: {status: none_found, searched: "2026-12-06", note: "the lab's release"}
    sources: [{publisher: Wire, title: O, url: "https://news.example.com/o", kind: news}]
"""
    path = write(tmp_path / "s" / "r.yaml", text)
    site = Site(cached_store([str(path)]))
    page = html.unescape(re.sub(r"<[^>]+>", " ", site.render("deal/lab-cloud-lease/index.html").decode()))
    words = " ".join(page.split())
    assert "End headline 2029-05 month 2029-05-01 to 2029-05-31 Cloud Corp. (SEC EDGAR) 2026-05-20" in words
    assert "End disputed about 2026-11 month 2026-11-01 to 2026-11-30 Wire 2026-05-28" in words
    assert "Expands other" in words
    other = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", site.render("deal/other/index.html").decode())).split())
    assert "was found when searched on 2026-12-06 : the lab's release" in other


def test_a_batch_may_link_to_a_deal_already_in_the_store(runner, tmp_path):
    store = tmp_path / "store"
    first = LINKED.split("  - {id: order-2")[0]
    write(tmp_path / "a" / "a.yaml", first)
    assert runner.invoke(main, ["--store", str(store), "load", str(tmp_path / "a")]).exit_code == 0
    write(tmp_path / "b" / "b.yaml", """
deals:
  - {id: order-9, kind: cloud_capacity, provider: cloud, customer: lab, overlaps: order-1,
     total_value: {amount: 12e9, currency: USD}, sources: [{publisher: P, title: T, url: "https://e.com/9"}]}
""")
    r = runner.invoke(main, ["--store", str(store), "load", str(tmp_path / "b")])
    assert r.exit_code == 0, r.output
    rows = json.loads(runner.invoke(main, ["--store", str(store), "rank", "--by", "money", "--role", "provider",
                                           "--format", "json"]).stdout)
    assert next(x for x in rows if x["company"] == "cloud")["total"] == 12_000_000_000
