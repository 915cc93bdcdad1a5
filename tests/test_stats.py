"""`stats` from aggregate queries gives exactly the dict the per-deal computation gave.

``reference_stats`` below is the former ``graph.lookup.stats``: it fetched every deal and counted
in Python (59 s on 100,000 deals). It stays here, not in the package, as the definition the
aggregate queries must match: same keys, same values, same order, on the bundled data and on
crafted records with partial dates and missing fields.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

import graph
from graph.lookup import EPOCH_STATS, fetch_deals, stats
from graph.query import run_named

from conftest import SMALL_RECORDS, write


def reference_stats(store) -> dict:
    counts = {r["what"]: r["n"] for r in run_named(store, "stats-counts")}
    deals = fetch_deals(store)
    by_kind: dict = defaultdict(int)
    by_status: dict = defaultdict(int)
    by_year: dict = defaultdict(int)
    by_month: dict = defaultdict(int)
    missing: dict = defaultdict(int)
    primary = none_found = 0
    newest = ""
    for d in deals:
        by_kind[d["kind"]] += 1
        if d["announced"]:
            by_month[d["announced"][:7]] += 1
        newest = max([newest, *(s["date"] for s in d["sources"] if s["date"])])
        by_status[d["status"] or "(none)"] += 1
        by_year[(d["announced"] or d["start"] or "")[:4] or "(unknown)"] += 1
        if any(s["primary"] for s in d["sources"]):
            primary += 1
        elif d.get("primary_source"):
            none_found += 1
        for f in ("power_mw", "accelerators", "price", "total_value", "facilities", "announced", "start", "end",
                  "status"):
            if not d[f]:
                missing[f] += 1
        if not any(s["date"] for s in d["sources"]):
            missing["dated source"] += 1
    n = len(deals)
    out = {
        "companies": counts.get("companies", 0),
        "facilities": counts.get("facilities", 0),
        "deals": n,
        "sources": counts.get("sources", 0),
        "data_as_of": newest or None,
        "deals_by_kind": dict(sorted(by_kind.items())),
        "deals_by_status": dict(sorted(by_status.items())),
        "deals_by_year": dict(sorted(by_year.items())),
        "deals_by_month": dict(sorted(by_month.items())),
        "deals_with_primary_source": primary,
        "primary_source_share": round(primary / n, 3) if n else 0.0,
        "deals_primary_source_none_found": none_found,
        "deals_primary_source_not_searched": n - primary - none_found,
        "fields_missing": dict(sorted(missing.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
    epoch = {r["what"]: r["n"] for r in run_named(store, "_epoch-counts")}
    if epoch.get("datasets"):
        out["epoch"] = {k: epoch.get(k, 0) for k in EPOCH_STATS}
    return out


def same(a: dict, b: dict) -> None:
    assert a == b
    assert json.dumps(a) == json.dumps(b)  # the same order of keys, too


def test_bundled_data_gives_the_reference_stats(bundled_store):
    s = stats(bundled_store)
    same(s, reference_stats(bundled_store))
    assert s["deals"] >= 300 and "epoch" in s


# Partial dates (year-only and month announcements, year-only starts), deals without any date,
# status, figure or dated source, a joint venture (members, no provider), sources of every
# precision, a facility reached only through a deal, and a primary source that is not the first.
CRAFTED = """
companies:
  - {id: a, name: A, kind: ai_lab}
  - {id: b, name: B, kind: hyperscaler}
  - {id: c, name: C, kind: neocloud}
facilities:
  - {id: f1, name: F One, operator: b, power_mw: 50, status: operational}
deals:
  - id: d-year-only
    kind: lease
    provider: b
    customer: a
    announced: "2024"
    start: "2024-02"
    status: signed
    capacity: {power_mw: 20}
    sources:
      - {publisher: P, title: T1, url: "https://example.com/1", date: "2026", kind: news}
  - id: d-start-only
    kind: cloud_capacity
    provider: c
    customer: a
    start: "2023"
    sources:
      - {publisher: P, title: T2, url: "https://example.com/2", kind: aggregator}
  - id: d-no-dates
    kind: other
    provider: a
    customer: c
    sources:
      - {publisher: P, title: T3, url: "https://example.com/3", date: "2025-12", kind: news}
      - {publisher: Q, title: T4, url: "https://example.com/4", date: "2025-11-30", kind: filing}
  - id: d-jv
    kind: joint_venture
    members: [a, b, c]
    announced: "2025-12"
    end: "2030"
    status: announced
    facilities: [f1]
    capacity: {accelerators: [{model: H100, count: 100}]}
    price: {amount: 1.0e6, currency: USD, per: month}
    sources:
      - {publisher: Q, title: T5, url: "https://example.com/5", kind: company_release}
  - id: d-day
    kind: lease
    provider: b
    customer: c
    announced: 2025-12-03
    status: signed
    total_value: {amount: 2.0e9, currency: USD}
    sources:
      - {publisher: R, title: T6, url: "https://example.com/6", date: 2025-12-31}
  - id: d-government
    kind: power_purchase
    provider: c
    customer: b
    sources:
      - {publisher: G, title: T7, url: "https://example.gov/7", kind: government}
  - id: d-searched
    kind: lease
    provider: c
    customer: b
    primary_source: {status: none_found, searched: "2026-12-07"}
    sources:
      - {publisher: P, title: T8, url: "https://example.com/8", kind: news}
"""


@pytest.mark.parametrize("text", [CRAFTED, SMALL_RECORDS], ids=["crafted", "small"])
def test_crafted_records_give_the_reference_stats(tmp_path, text):
    path = write(tmp_path / "records" / "r.yaml", text)
    with graph.open(path) as kg:
        s = stats(kg.store)
        same(s, reference_stats(kg.store))
    if text is CRAFTED:
        assert s["deals_by_month"] == {"2024": 1, "2025-12": 2}
        assert s["deals_by_year"] == {"2023": 1, "2024": 1, "2025": 2, "(unknown)": 3}
        assert s["deals_by_status"] == {"(none)": 4, "announced": 1, "signed": 2}
        assert s["data_as_of"] == "2026"  # compared as text, as the per-deal code did
        assert s["deals_with_primary_source"] == 3   # a filing, a company release, a government page
        assert (s["deals_primary_source_none_found"], s["deals_primary_source_not_searched"]) == (1, 3)
        assert s["fields_missing"]["dated source"] == 4 and s["fields_missing"]["facilities"] == 6


def test_an_empty_store_has_no_deals(tmp_path):
    path = write(tmp_path / "records" / "r.yaml", "companies:\n  - {id: a, name: A, kind: ai_lab}\n")
    with graph.open(path) as kg:
        same(stats(kg.store), reference_stats(kg.store))
        assert stats(kg.store)["deals"] == 0 and stats(kg.store)["data_as_of"] is None
