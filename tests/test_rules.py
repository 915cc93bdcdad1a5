"""One rule in one place: every command that rolls companies up, selects deals or suggests a
name gives the same answer, because each asks the same function.

The roll-up records: subco is holdco's from 2026-02-01. Two of its deals reach that date (a
lease running to 2028, an investment announced in 2026-05) and belong to holdco; two do not (a
lease over by 2025-12, an investment announced 2025-03) and stay subco's. `company --roll-up`,
`rank --roll-up`, `cycles --roll-up`, `viz --roll-up` and the `rollup` named query (on each
deal's reach) must all say so.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import json

import pytest

from conftest import write
from graph.cli import main
from graph.dates import PartialDate
from graph.select import deal_reach

SRC = '[{publisher: Example, title: "A deal", url: "https://example.com/%s", date: 2025-01-01, kind: news}]'
ROLLUP = f"""
companies:
  - {{id: holdco, name: HoldCo, kind: other}}
  - {{id: subco, name: SubCo, kind: neocloud, parent: holdco, parent_since: 2026-02-01}}
  - {{id: payco, name: PayCo, kind: ai_lab}}
deals:
  - {{id: old-lease, kind: lease, provider: subco, customer: payco, start: "2024-01", end: "2025-12",
     capacity: {{power_mw: 10}}, sources: {SRC % 1}}}
  - {{id: new-lease, kind: lease, provider: subco, customer: payco, start: "2025-06", end: "2028-12",
     capacity: {{power_mw: 20}}, sources: {SRC % 2}}}
  - {{id: early-investment, kind: investment, provider: subco, customer: payco, announced: "2025-03",
     total_value: {{amount: 1.0e9, currency: USD}}, sources: {SRC % 3}}}
  - {{id: late-investment, kind: investment, provider: subco, customer: payco, announced: "2026-05",
     total_value: {{amount: 2.0e9, currency: USD}}, sources: {SRC % 4}}}
"""
# deal -> the group subco's side of it counts as
EXPECTED = {"old-lease": "subco", "early-investment": "subco", "new-lease": "holdco", "late-investment": "holdco"}


@pytest.fixture
def records(tmp_path):
    return write(tmp_path / "rollup" / "records.yaml", ROLLUP)


def cli(runner, records, *args):
    r = runner.invoke(main, ["--data", str(records), *args])
    assert r.exit_code == 0, r.output
    return r.stdout


class _ViewData(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.text = False, ""

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "script" and ("id", "computekg-view") in attrs

    def handle_data(self, data):
        if self.inside:
            self.text += data

    def handle_endtag(self, tag):
        self.inside = False


def by_company_roll_up(runner, records, *extra):
    held = {d["id"] for d in json.loads(cli(runner, records, "company", "HoldCo", "--roll-up", *extra,
                                            "--format", "json"))}
    sub = {d["id"] for d in json.loads(cli(runner, records, "company", "SubCo", "--roll-up", *extra,
                                           "--format", "json"))}
    # subco's own lookup lists all its deals; holdco's roll-up takes those that are holdco's
    return {d: ("holdco" if d in held else "subco") for d in sub}


def by_rank(runner, records, *extra):
    out = {}
    for measure, per_deal in (("mw", {10: "old-lease", 20: "new-lease"}),
                              ("money", {1e9: "early-investment", 2e9: "late-investment"})):
        kinds = "lease" if measure == "mw" else "investment"
        rows = json.loads(cli(runner, records, "rank", "--by", measure, "--role", "provider", "--roll-up",
                              "--kinds", kinds, *extra, "--format", "json"))
        for row in rows:
            for amount, deal in per_deal.items():
                if row["total"] == amount:
                    out[deal] = row["company"]
    return out


def by_cycles(runner, records):
    out = {}
    for c in json.loads(cli(runner, records, "cycles", "--roll-up", "--format", "json")):
        group = next(x for x in c["companies"] if x != "payco")
        for step in c["steps"]:
            for d in step["deals"]:
                out[d["id"]] = group
    return out


def by_viz(runner, records, tmp_path, *extra):
    out_file = tmp_path / "v.html"
    cli(runner, records, "viz", "--roll-up", *extra, "-o", str(out_file))
    parser = _ViewData()
    parser.feed(out_file.read_text(encoding="utf-8"))
    view = json.loads(parser.text)
    out = {}
    for e in view["edges"]:
        if e.get("deal") and e["role"] == "deal":
            out[e["deal"]] = next(n for n in (e["from"], e["to"]) if n != "c:payco").removeprefix("c:")
    return out


def by_rollup_query(runner, records):
    deals = json.loads(cli(runner, records, "company", "SubCo", "--format", "json"))
    out = {}
    for d in deals:
        reach = deal_reach({"end_date": PartialDate.parse(d["end"]).last if d["end"] else None,
                            "start_date": PartialDate.parse(d["start"]).first if d["start"] else None,
                            "announced": d["announced"]})
        params = ["-p", f"date={reach.isoformat()}"] if reach != dt.date.max else []
        rows = json.loads(cli(runner, records, "query", "rollup", *params, "--format", "json"))
        out[d["id"]] = next(r["parent"] for r in rows if r["company"] == "subco")
    return out


def test_every_roll_up_follows_the_one_rule(runner, records, tmp_path):
    answers = {
        "company --roll-up": by_company_roll_up(runner, records),
        "rank --roll-up": by_rank(runner, records),
        "cycles --roll-up": by_cycles(runner, records),
        "viz --roll-up": by_viz(runner, records, tmp_path),
        "query rollup": by_rollup_query(runner, records),
    }
    for command, answer in answers.items():
        assert answer == EXPECTED, f"{command} disagrees: {answer}"


def test_roll_up_on_a_date_before_the_parent_link(runner, records, tmp_path):
    """--as-of 2025-09-01: both leases are in force, and subco was not yet holdco's."""
    on = ("--as-of", "2025-09-01")
    expected = {"old-lease": "subco", "new-lease": "subco"}
    assert by_company_roll_up(runner, records, *on) == expected
    rows = json.loads(cli(runner, records, "rank", "--by", "mw", "--role", "provider", "--roll-up", *on,
                          "--format", "json"))
    assert [(r["company"], r["total"], r["deals"]) for r in rows] == [("subco", 30, 2)]
    assert by_viz(runner, records, tmp_path, *on) == expected
    rows = json.loads(cli(runner, records, "query", "rollup", "-p", "date=2025-09-01", "--format", "json"))
    assert {r["company"]: r["parent"] for r in rows}["subco"] == "subco"
