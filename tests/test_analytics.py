"""Relationship analytics: paths, money cycles, roll-ups, rankings, as-of views and graph exports.

Most tests run on a small crafted record set (CRAFTED) whose answers are known by hand:

* chipco <-> cloudco: chipco invests in cloudco (chipco -> cloudco) and cloudco buys chips from
  chipco twice (two cloudco -> chipco edges: a MultiDiGraph keeps both); one chip deal ends
  "2028-02" and the investment runs 2025-03..2030, so the 2-cycle is in force on 2028-02-29
  but not on 2028-03-01 (the other chip deal is undated).
* chipco -> cloudco -> labsub, labco -> chipco: a 3-cycle only once labsub (parent labco since
  2025-06-01) is rolled up into labco. labsub's 2024 lease (over before 2025-06-01) stays labsub's.
* cloudco <-> loner: a lease that was terminated at the end of 2025 and an investment, so the
  2-cycle exists on 2025-06-01 and is gone on 2026-01-01.
* island1 -> island2: a separate component (no path to the others).
* labco and powerco form a joint venture: a tie, never part of a cycle.
* Providers by MW: cloudco 100, powerco 100 (tie, rank 1 and 1), island2 50 (rank 3).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import write
from graph import analytics
from graph.cli import GRAPH_FORMATS, RANK_MEASURES, RANK_ROLES, main
from graph.query import run_named
from graph.vocab import DEAL_KINDS

SRC = '[{publisher: Example, title: "A deal", url: "https://example.com/%s", date: 2025-01-01, kind: news}]'

CRAFTED = f"""
companies:
  - {{id: chipco, name: ChipCo, kind: chipmaker}}
  - {{id: cloudco, name: CloudCo, kind: hyperscaler}}
  - {{id: labco, name: LabCo, kind: ai_lab}}
  - {{id: labsub, name: LabSub, kind: ai_lab, parent: labco, parent_since: 2025-06-01}}
  - {{id: loner, name: Loner, kind: other}}
  - {{id: powerco, name: PowerCo, kind: energy}}
  - {{id: island1, name: Island One, kind: other}}
  - {{id: island2, name: Island Two, kind: neocloud}}
deals:
  - id: chipco-invests-cloudco
    kind: investment
    provider: chipco
    customer: cloudco
    total_value: {{amount: 2.0e9, currency: USD, qualifier: up_to}}
    announced: 2025-03-01
    start: "2025-03"
    end: "2030"
    sources: {SRC % 1}
  - id: cloudco-buys-chips
    kind: chip_supply
    provider: chipco
    customer: cloudco
    total_value: {{amount: 5.0e9, currency: USD}}
    announced: "2025-04"
    sources: {SRC % 2}
  - id: cloudco-buys-more-chips
    kind: chip_supply
    provider: chipco
    customer: cloudco
    total_value: {{amount: 1.0e9, currency: USD, qualifier: approx}}
    start: "2025-01"
    end: "2028-02"
    sources: {SRC % 3}
  - id: cloudco-invests-labsub
    kind: investment
    provider: cloudco
    customer: labsub
    total_value: {{amount: 3.0e9, currency: USD}}
    announced: 2025-09-01
    sources: {SRC % 4}
  - id: labco-buys-chips
    kind: chip_supply
    provider: chipco
    customer: labco
    total_value: {{amount: 1.0e9, currency: USD}}
    announced: "2025-10"
    sources: {SRC % 5}
  - id: labsub-early-lease
    kind: lease
    provider: powerco
    customer: labsub
    capacity: {{power_mw: 100}}
    start: "2024-01"
    end: "2024-12"
    status: completed
    sources: {SRC % 6}
  - id: loner-lease-terminated
    kind: lease
    provider: cloudco
    customer: loner
    capacity: {{power_mw: {{value: 100, qualifier: up_to}}}}
    start: "2025-01"
    end: 2025-12-31
    status: terminated
    sources: {SRC % 7}
  - id: cloudco-invests-loner
    kind: investment
    provider: cloudco
    customer: loner
    start: "2025-01"
    end: "2027"
    sources: {SRC % 8}
  - id: labco-powerco-jv
    kind: joint_venture
    members: [labco, powerco]
    sources: {SRC % 9}
  - id: island-lease
    kind: lease
    provider: island2
    customer: island1
    capacity: {{power_mw: 50}}
    sources: {SRC % 10}
"""
N_DEALS = 10


@pytest.fixture
def crafted(tmp_path):
    return write(tmp_path / "crafted" / "records.yaml", CRAFTED)


@pytest.fixture
def crafted_store(crafted):
    from graph.cache import cached_store

    return cached_store([crafted])


def run(runner, data, *args):
    result = runner.invoke(main, ["--data", str(data), *args])
    return result


def cycle_sets(found):
    return [c["companies"][:-1] for c in found.cycles]


# ---------------------------------------------------------------------------- the graph model

def test_every_deal_kind_has_a_direction_or_is_a_tie():
    assert set(analytics.PAYER) | set(analytics.TIE_KINDS) == set(DEAL_KINDS)
    assert set(analytics.RELATION) == set(DEAL_KINDS)
    assert "joint_venture" not in analytics.MONEY_KINDS and "other" not in analytics.MONEY_KINDS


def test_cli_choices_match_the_library():
    assert GRAPH_FORMATS == analytics.EXPORT_FORMATS
    assert RANK_MEASURES == analytics.RANK_MEASURES
    assert RANK_ROLES == analytics.RANK_ROLES


def test_graph_has_one_edge_per_deal_in_the_direction_of_money(crafted_store):
    g = analytics.company_graph(crafted_store)
    assert g.is_multigraph() and g.is_directed()
    assert g.number_of_edges() == N_DEALS
    # Two chip deals between the same pair stay two edges, keyed by deal id.
    assert sorted(g.get_edge_data("cloudco", "chipco")) == ["cloudco-buys-chips", "cloudco-buys-more-chips"]
    # Investment: investor -> investee; purchases and leases: customer -> provider.
    assert g.has_edge("chipco", "cloudco", key="chipco-invests-cloudco")
    assert g.has_edge("loner", "cloudco", key="loner-lease-terminated")
    # A two-member joint venture is one tie, smaller id first.
    tie = g.get_edge_data("labco", "powerco")["labco-powerco-jv"]
    assert tie["flow"] == "tie" and tie["members"] == ["labco", "powerco"]
    assert g.edges["cloudco", "chipco", "cloudco-buys-more-chips"]["money"] == 1.0e9
    assert g.edges["cloudco", "chipco", "cloudco-buys-more-chips"]["money_qualifier"] == "approx"


def test_joint_ventures_of_more_members_tie_every_pair():
    companies = [{"id": x, "name": x} for x in "abc"]
    deal = {"id": "jv", "kind": "joint_venture", "members": ["c", "a", "b"], "sources": []}
    g = analytics.build_graph(companies, [deal])
    assert sorted((u, v) for u, v in g.edges()) == [("a", "b"), ("a", "c"), ("b", "c")]


def test_kinds_are_checked_with_the_valid_ones_listed(runner, crafted):
    result = run(runner, crafted, "cycles", "--kinds", "lease,leasing")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "unknown deal kind 'leasing'" in result.stderr and "cloud_capacity" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------------------- cycles

def test_two_cycle_of_investment_and_purchase(crafted_store):
    found = analytics.cycles(crafted_store)
    assert cycle_sets(found) == [["chipco", "cloudco"], ["cloudco", "loner"]]
    steps = found.cycles[0]["steps"]
    assert [(s["from"], s["to"]) for s in steps] == [("chipco", "cloudco"), ("cloudco", "chipco")]
    assert [d["id"] for d in steps[0]["deals"]] == ["chipco-invests-cloudco"]
    assert [d["id"] for d in steps[1]["deals"]] == ["cloudco-buys-chips", "cloudco-buys-more-chips"]
    assert steps[1]["deals"][0]["money"]["amount"] == 5.0e9


def test_three_cycle_only_after_roll_up(crafted_store):
    assert all(len(c) == 2 for c in cycle_sets(analytics.cycles(crafted_store)))
    rolled = analytics.cycles(crafted_store, roll_up=True)
    assert ["chipco", "cloudco", "labco"] in cycle_sets(rolled)
    three = next(c for c in rolled.cycles if c["length"] == 3)
    step = next(s for s in three["steps"] if s["from"] == "cloudco")
    # The deal keeps its real parties; only the node is the group.
    assert step["to"] == "labco" and step["deals"][0]["payee"] == "labsub"


def test_cycles_cli_roll_up_json(runner, crafted):
    plain = run(runner, crafted, "cycles", "--format", "json")
    rolled = run(runner, crafted, "cycles", "--roll-up", "--format", "json")
    assert plain.exit_code == 0 and rolled.exit_code == 0
    assert [c["companies"] for c in json.loads(plain.stdout)] == [
        ["chipco", "cloudco", "chipco"], ["cloudco", "loner", "cloudco"]]
    assert ["chipco", "cloudco", "labco", "chipco"] in [c["companies"] for c in json.loads(rolled.stdout)]
    assert "2 cycle(s)" in plain.stderr


def test_max_length_bounds_the_search(crafted_store):
    assert all(c["length"] <= 2 for c in analytics.cycles(crafted_store, roll_up=True, max_length=2).cycles)
    with pytest.raises(analytics.BadValue):
        analytics.cycles(crafted_store, max_length=1)


def test_cycle_limit_is_reported(runner, crafted):
    result = run(runner, crafted, "cycles", "--limit", "1", "--format", "csv")
    assert result.exit_code == 0
    assert "stopped at --limit 1" in result.stderr
    assert {line.split(",")[0] for line in result.stdout.splitlines()[1:]} == {"1"}


def test_terminated_deal_excluded_by_as_of(runner, crafted):
    before = run(runner, crafted, "cycles", "--as-of", "2025-06-01", "--format", "json")
    after = run(runner, crafted, "cycles", "--as-of", "2026-01-01", "--format", "json")
    assert ["cloudco", "loner", "cloudco"] in [c["companies"] for c in json.loads(before.stdout)]
    assert ["cloudco", "loner", "cloudco"] not in [c["companies"] for c in json.loads(after.stdout)]


def test_partial_end_date_covers_its_whole_month(crafted_store):
    on = analytics.cycles(crafted_store, as_of=dt.date(2028, 2, 29))
    off = analytics.cycles(crafted_store, as_of=dt.date(2028, 3, 1))
    assert cycle_sets(on) == [["chipco", "cloudco"]]
    assert [d["id"] for d in on.cycles[0]["steps"][1]["deals"]] == ["cloudco-buys-more-chips"]
    assert cycle_sets(off) == []


def test_joint_ventures_never_make_cycles(crafted_store):
    found = analytics.cycles(crafted_store, kinds="joint_venture,chip_supply")
    assert found.cycles == []


def test_bundled_cycles_are_canonical_and_bounded(bundled_store):
    found = analytics.cycles(bundled_store, max_length=4)
    assert found.cycles, "the bundled data has circular deals (e.g. Microsoft and OpenAI)"
    for c in found.cycles:
        nodes = c["companies"][:-1]
        assert nodes[0] == min(nodes) and len(set(nodes)) == len(nodes) <= 4
        assert all(s["deals"] for s in c["steps"])
    assert len({tuple(c["companies"]) for c in found.cycles}) == len(found.cycles)


# ---------------------------------------------------------------------------- roll-up

def test_roll_up_respects_parent_since(crafted_store):
    rows = analytics.rank(crafted_store, by="deals", role="customer", roll_up=True)
    by = {r["company"]: r for r in rows}
    # The 2025-09 investment in labsub counts for labco; labsub's 2024 lease ended before 2025-06-01.
    assert by["labco"]["total"] == 2 and by["labco"]["includes"] == ["labco", "labsub"]
    assert by["labsub"]["total"] == 1
    # As of a date before the parent link, nothing rolls up; after it, labsub's in-force deals do.
    assert analytics.RollUp.from_companies(
        [{"id": "labsub", "parent": "labco", "parent_since": dt.date(2025, 6, 1)}], as_of=dt.date(2025, 5, 31)
    ).top("labsub") == "labsub"


def test_deal_reach():
    assert analytics.deal_reach({"end_date": dt.date(2028, 2, 29), "start_date": dt.date(2025, 1, 1)}) == \
        dt.date(2028, 2, 29)
    assert analytics.deal_reach({"start_date": dt.date(2025, 1, 1), "end_date": None}) == dt.date.max
    assert analytics.deal_reach({"announced": "2025-10"}) == dt.date(2025, 10, 31)
    assert analytics.deal_reach({}) == dt.date.max


def test_company_roll_up_lists_subsidiaries_deals(runner, crafted):
    result = run(runner, crafted, "company", "LabCo", "--roll-up", "--format", "json")
    assert result.exit_code == 0
    ids = {d["id"] for d in json.loads(result.stdout)}
    assert {"labco-buys-chips", "cloudco-invests-labsub", "labco-powerco-jv"} <= ids
    # the roll-up rule: labsub's 2024 lease ended before labsub became labco's (2025-06-01)
    assert "labsub-early-lease" not in ids
    assert "with 1 subsidiaries" in result.stderr
    alone = run(runner, crafted, "company", "LabCo", "--format", "json")
    assert "cloudco-invests-labsub" not in {d["id"] for d in json.loads(alone.stdout)}


@pytest.mark.parametrize("on", [None, dt.date(2025, 5, 31), dt.date(2025, 6, 1)])
def test_rollup_query_agrees_with_networkx_crafted(crafted_store, on):
    py = {(r["company"], r["parent"]) for r in analytics.rollup_table(crafted_store, as_of=on)}
    sq = {(r["company"], r["parent"]) for r in run_named(crafted_store, "rollup", {"date": on} if on else None)}
    assert py == sq
    assert ("labsub", "labco" if on is None or on >= dt.date(2025, 6, 1) else "labsub") in py


@pytest.mark.parametrize("on", [None, dt.date(2023, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 2, 2)])
def test_rollup_query_agrees_with_networkx_bundled(bundled_store, on):
    py = {(r["company"], r["parent"]) for r in analytics.rollup_table(bundled_store, as_of=on)}
    sq = {(r["company"], r["parent"]) for r in run_named(bundled_store, "rollup", {"date": on} if on else None)}
    assert py == sq
    assert ("xai", "spacex" if on is None or on >= dt.date(2026, 2, 2) else "xai") in py


# ---------------------------------------------------------------------------- rankings

def test_ties_share_a_rank(crafted_store):
    rows = analytics.rank(crafted_store, by="mw", role="provider")
    assert [(r["rank"], r["company"], r["total"]) for r in rows[:3]] == [
        (1, "cloudco", 100), (1, "powerco", 100), (3, "island2", 50)]
    cloudco = rows[0]
    assert (cloudco["deals"], cloudco["qualified"], cloudco["missing"]) == (3, 1, 2)


def test_rank_money_counts_qualified_and_missing(runner, crafted):
    result = run(runner, crafted, "rank", "--by", "money", "--role", "provider", "--format", "json")
    assert result.exit_code == 0
    chipco = json.loads(result.stdout)[0]
    assert chipco["company"] == "chipco" and chipco["rank"] == 1
    assert (chipco["total"], chipco["unit"], chipco["deals"], chipco["qualified"], chipco["missing"]) == \
        (9_000_000_000, "USD", 4, 2, 0)  # three chip deals (one approx), an "up to" investment


def test_rank_as_of_partial_end_date(runner, crafted):
    on = run(runner, crafted, "rank", "--by", "deals", "--role", "provider", "--kinds", "chip_supply",
             "--as-of", "2028-02-29", "--format", "csv")
    off = run(runner, crafted, "rank", "--by", "deals", "--role", "provider", "--kinds", "chip_supply",
              "--as-of", "2028-03-01", "--format", "csv")
    assert on.stdout.splitlines()[1].startswith("1,chipco,ChipCo,1,deals,1,")
    assert off.stdout.splitlines() == ["rank,company,name,total,unit,deals,qualified,missing"]


def _compare_rankings(store, by, role, on, kind):
    py = analytics.rank(store, by=by, role=role, as_of=on, kinds=kind)
    params = {"role": role}
    if on:
        params["date"] = on
    if kind:
        params["kind"] = kind
    sq = run_named(store, f"rank-{by}", params)
    P = [(r["company"], float(r["total"]), r["deals"], r["qualified"], r["missing"]) for r in py]
    S = [(r["company"], float(r["total"]), r["deals"], r.get("qualified", 0), r.get("missing", 0)) for r in sq]
    assert P == S, (by, role, on, kind)
    return P


@pytest.mark.parametrize("by", analytics.RANK_MEASURES)
@pytest.mark.parametrize("role", analytics.RANK_ROLES)
def test_rank_queries_agree_with_networkx_bundled(bundled_store, by, role):
    for on in (None, dt.date(2027, 1, 1)):
        for kind in (None, "lease", "investment"):
            _compare_rankings(bundled_store, by, role, on, kind)
    assert _compare_rankings(bundled_store, by, role, None, None)


@pytest.mark.parametrize("by", analytics.RANK_MEASURES)
@pytest.mark.parametrize("role", analytics.RANK_ROLES)
def test_rank_queries_agree_with_networkx_crafted(crafted_store, by, role):
    for on in (None, dt.date(2025, 6, 1), dt.date(2028, 2, 29), dt.date(2028, 3, 1)):
        for kind in (None, "chip_supply", "lease"):
            _compare_rankings(crafted_store, by, role, on, kind)


def test_rank_table_output(runner, crafted):
    result = run(runner, crafted, "rank", "--by", "mw", "--role", "provider", "--roll-up")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["rank", "company", "name", "total", "unit", "deals", "qualified", "missing",
                                "includes"]
    assert lines[2].split()[:2] == ["1", "cloudco"] and lines[3].split()[:2] == ["1", "powerco"]


# ---------------------------------------------------------------------------- paths

def test_path_shows_each_hop_as_its_deals(runner, crafted):
    result = run(runner, crafted, "path", "Loner", "labco", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["hop"] for r in rows} == {1, 2, 3}
    assert [(r["from"], r["to"]) for r in rows if r["hop"] == 1] == [("loner", "cloudco")] * 2
    first = {r["deal"]: r for r in rows if r["hop"] == 1}
    assert first["loner-lease-terminated"]["direction"] == "->"   # loner pays cloudco
    assert first["cloudco-invests-loner"]["direction"] == "<-"    # cloudco pays loner
    assert first["loner-lease-terminated"]["mw"]["value"] == 100
    assert first["loner-lease-terminated"]["kind"] == "lease"
    assert first["loner-lease-terminated"]["source"] == "https://example.com/7"
    last = [r for r in rows if r["hop"] == 3]
    assert [(r["from"], r["to"], r["deal"]) for r in last] == [("chipco", "labco", "labco-buys-chips")]


def test_path_through_a_joint_venture(runner, crafted):
    result = run(runner, crafted, "path", "LabCo", "PowerCo", "--format", "csv")
    assert result.exit_code == 0
    header, row = result.stdout.splitlines()
    assert header.startswith("path,hop,from,direction,to,deal,kind,mw,money,date,source,url")
    assert row.startswith("1,1,labco,--,powerco,labco-powerco-jv,joint_venture,")


def test_no_path_exits_1_with_a_clear_message(runner, crafted):
    result = run(runner, crafted, "path", "ChipCo", "Island One")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == ("Error: no chain of deals links ChipCo (chipco) and Island One (island1) "
                                     "(no deal or counterparty connects them, at any distance)")


def test_path_beyond_max_hops_says_how_far(runner, crafted):
    result = run(runner, crafted, "path", "loner", "labco", "--max-hops", "2")
    assert result.exit_code == 1
    assert "no chain of at most 2 deal(s)" in result.stderr and "raise --max-hops to 3" in result.stderr


def test_path_kinds_filter(runner, crafted):
    result = run(runner, crafted, "path", "loner", "cloudco", "--kinds", "investment", "--format", "json")
    assert [r["deal"] for r in json.loads(result.stdout)] == ["cloudco-invests-loner"]
    result = run(runner, crafted, "path", "loner", "labco", "--kinds", "investment")
    assert result.exit_code == 1 and "(kinds investment)" in result.stderr


def test_path_unknown_company(runner, crafted):
    result = run(runner, crafted, "path", "ChipCo", "Nobody")
    assert result.exit_code == 1 and "no company named 'Nobody'" in result.stderr


# ---------------------------------------------------------------------------- export

@pytest.mark.parametrize("fmt", analytics.EXPORT_FORMATS)
def test_exports_parse_back_with_one_edge_per_deal(runner, crafted, tmp_path, fmt):
    out = tmp_path / f"g.{fmt}"
    result = run(runner, crafted, "export", "--graph-format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    g = analytics.read_graph(out.read_bytes(), fmt)
    assert g.is_multigraph() and g.is_directed()
    assert g.number_of_edges() == N_DEALS
    assert g.number_of_nodes() == 8
    assert g.number_of_edges("cloudco", "chipco") == 2
    deals = sorted(d["deal"] for _, _, d in g.edges(data=True))
    assert deals == sorted(["chipco-invests-cloudco", "cloudco-buys-chips", "cloudco-buys-more-chips",
                            "cloudco-invests-labsub", "labco-buys-chips", "labsub-early-lease",
                            "loner-lease-terminated", "cloudco-invests-loner", "labco-powerco-jv", "island-lease"])
    attrs = next(d for _, _, d in g.edges(data=True) if d["deal"] == "cloudco-buys-more-chips")
    assert float(attrs["money"]) == 1.0e9 and attrs["kind"] == "chip_supply" and attrs["end"] == "2028-02"
    jv = next(d for _, _, d in g.edges(data=True) if d["deal"] == "labco-powerco-jv")
    assert jv["members"] in ("labco; powerco", ["labco", "powerco"])


def test_bundled_export_has_an_edge_per_deal_pair(bundled_store):
    from graph.lookup import fetch_deals

    deals = fetch_deals(bundled_store)
    expected = 0
    for d in deals:
        if d["kind"] in analytics.TIE_KINDS:
            n = len(d["members"])
            expected += n * (n - 1) // 2
        elif d["provider"] and d["customer"]:
            expected += 1
    data = analytics.export_graph(bundled_store, "graphml")
    assert analytics.read_graph(data, "graphml").number_of_edges() == expected
    assert data == analytics.export_graph(bundled_store, "graphml"), "exports are deterministic"


def test_export_refuses_two_formats(runner, crafted):
    result = run(runner, crafted, "export", "--graph-format", "json", "--rdf-format", "nt")
    assert result.exit_code == 2 and "either --graph-format or --rdf-format" in result.stderr


# ---------------------------------------------------------------------------- help

@pytest.mark.parametrize("command", ["path", "cycles", "rank", "export"])
def test_help_has_an_example(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "Example" in result.stdout and f"computekg {command}" in result.stdout


def test_bundled_commands_run(runner):
    path = runner.invoke(main, ["path", "Nvidia", "Anthropic", "--format", "json"])
    assert path.exit_code == 0 and json.loads(path.stdout)[0]["from"] == "nvidia"
    cycles = runner.invoke(main, ["cycles", "--max-length", "3"])
    assert cycles.exit_code == 0 and "microsoft" in cycles.stdout
    rank = runner.invoke(main, ["rank", "--by", "mw", "--role", "provider", "--format", "jsonl"])
    rows = [json.loads(line) for line in rank.stdout.splitlines()]
    assert rows[0]["rank"] == 1 and all(a["total"] >= b["total"] for a, b in zip(rows, rows[1:]))


def test_bounded_search_finds_what_networkx_finds():
    """The bounded DFS lists exactly networkx's simple cycles (length-bounded), each once."""
    import random

    import networkx as nx

    for seed in range(40):
        rng = random.Random(seed)
        g = nx.MultiDiGraph()
        n = rng.randint(3, 12)
        for i in range(rng.randint(0, 45)):
            g.add_edge(f"n{rng.randrange(n)}", f"n{rng.randrange(n)}", key=f"d{i}",
                       flow=rng.choice(["money", "assumed", "tie"]))
        simple = nx.DiGraph()
        simple.add_edges_from((u, v) for u, v, f in g.edges(data="flow") if u != v and f != "tie")
        for bound in (2, 3, 4, 6):
            expected = []
            for c in nx.simple_cycles(simple, length_bound=bound):
                i = c.index(min(c))
                expected.append(c[i:] + c[:i])
            expected.sort(key=lambda c: (len(c), c))
            assert analytics.find_cycles(g, max_length=bound, limit=None) == (expected, False), (seed, bound)
            if len(expected) > 2:
                # With a limit, the shortest cycles come first.
                assert analytics.find_cycles(g, max_length=bound, limit=2) == (expected[:2], True)


def test_docstring_examples_run():
    import doctest

    assert doctest.testmod(analytics).failed == 0


def test_rank_lists_only_companies_with_a_figure_in_the_measure(runner, crafted):
    usd = json.loads(run(runner, crafted, "rank", "--by", "money", "--role", "provider", "--format", "json").stdout)
    assert "powerco" not in {r["company"] for r in usd}   # its one deal gives MW, no money
    assert {r["company"] for r in usd} == {"chipco", "cloudco"}
    eur = run(runner, crafted, "rank", "--by", "money", "--role", "provider", "--currency", "EUR", "--format", "json")
    assert eur.exit_code == 0 and json.loads(eur.stdout) == []   # no company at 0 EUR, all "ranked 1"
