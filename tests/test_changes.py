"""Change over time: `diff` between two versions of the records, `changes` in a period, the feed.

The crafted pair OLD -> NEW differs in exactly these ways (and nothing else):

* deal ``d-new`` added, deal ``d-gone`` removed;
* deal ``d-figure``: power 100 MW -> 120 MW (same source);
* deal ``d-source``: its source's URL changed;
* deal ``d-status``: status signed -> terminated;
* company ``cee``: a parent link (``parent: ay`` since 2026-03) added.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from conftest import write
from graph.cli import main

SRC = '[{publisher: Example, title: "A deal", url: "https://example.com/%s", date: 2025-01-01, kind: news}]'

OLD = f"""
companies:
  - {{id: ay, name: Ay Corp, kind: hyperscaler}}
  - {{id: bee, name: Bee Labs, kind: ai_lab}}
  - {{id: cee, name: Cee Power, kind: energy}}
facilities:
  - {{id: site-1, name: Site One, operator: ay, sources: {SRC % 'site'}}}
deals:
  - id: d-figure
    kind: lease
    provider: ay
    customer: bee
    facilities: [site-1]
    capacity: {{power_mw: {{value: 100, source: 1}}}}
    announced: 2025-02-01
    sources: {SRC % 1}
  - id: d-source
    kind: cloud_capacity
    provider: ay
    customer: bee
    announced: "2025-03"
    sources: {SRC % 2}
  - id: d-status
    kind: power_purchase
    provider: cee
    customer: ay
    status: signed
    sources: {SRC % 3}
  - id: d-gone
    kind: investment
    provider: ay
    customer: bee
    sources: {SRC % 4}
"""

NEW = (OLD.replace("{id: cee, name: Cee Power, kind: energy}",
                   "{id: cee, name: Cee Power, kind: energy, parent: ay, parent_since: \"2026-03\"}")
       .replace("power_mw: {value: 100, source: 1}", "power_mw: {value: 120, source: 1}")
       .replace("https://example.com/2", "https://example.com/2-moved")
       .replace("status: signed", "status: terminated")
       .replace(f"""  - id: d-gone
    kind: investment
    provider: ay
    customer: bee
    sources: {SRC % 4}
""", f"""  - id: d-new
    kind: chip_supply
    provider: bee
    customer: ay
    sources: {SRC % 5}
"""))

EXPECTED = {
    ("changed", "company", "cee"): {"parent", "parent_since"},
    ("changed", "deal", "d-figure"): {"power_mw"},
    ("changed", "deal", "d-source"): {"sources"},
    ("changed", "deal", "d-status"): {"status"},
    ("removed", "deal", "d-gone"): None,
    ("added", "deal", "d-new"): None,
}


@pytest.fixture
def pair(tmp_path):
    return (write(tmp_path / "old" / "records.yaml", OLD).parent,
            write(tmp_path / "new" / "records.yaml", NEW).parent)


def _json_diff(runner, old, new, *extra):
    res = runner.invoke(main, [*extra, "diff", str(old), str(new), "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _check(doc):
    got = {(c["change"], c["kind"], c["id"]): set(c["fields"]) for c in doc["changes"]}
    assert set(got) == set(EXPECTED)
    for key, fields in EXPECTED.items():
        if fields is not None:
            assert got[key] == fields, key
    return {(c["change"], c["kind"], c["id"]): c for c in doc["changes"]}


def test_diff_of_two_folders_finds_exactly_the_differences(runner, pair):
    doc = _json_diff(runner, *pair)
    by = _check(doc)
    power = by[("changed", "deal", "d-figure")]["fields"]["power_mw"]
    assert [v.split(";")[0] for v in power["old"]] == ["100"] and [v.split(";")[0] for v in power["new"]] == ["120"]
    assert "source: Example" in power["new"][0]  # a figure shows with its source
    src = by[("changed", "deal", "d-source")]["fields"]["sources"]
    assert src["removed"] == ["Example | A deal | 2025-01-01 | news | https://example.com/2"]
    assert src["added"] == ["Example | A deal | 2025-01-01 | news | https://example.com/2-moved"]
    status = by[("changed", "deal", "d-status")]["fields"]["status"]
    assert (status["old"], status["new"]) == (["signed"], ["terminated"])
    parent = by[("changed", "company", "cee")]["fields"]
    assert parent["parent"] == {"old": [], "new": ["ay"], "removed": [], "added": ["ay"]}
    assert parent["parent_since"]["new"] == ["2026-03"]
    assert doc["counts"]["deal"] == {"added": 1, "removed": 1, "changed": 3}
    assert doc["counts"]["company"] == {"added": 0, "removed": 0, "changed": 1}
    # and the other way round, everything flips
    back = _json_diff(runner, pair[1], pair[0])
    assert {(c["change"], c["id"]) for c in back["changes"]} >= {("added", "d-gone"), ("removed", "d-new")}


def test_diff_of_identical_sides_is_empty(runner, pair):
    doc = _json_diff(runner, pair[0], pair[0])
    assert doc["changes"] == []
    res = runner.invoke(main, ["diff", str(pair[0]), str(pair[0]), "--format", "markdown"])
    assert "No changes." in res.stdout


def test_diff_table_and_markdown_say_the_same(runner, pair):
    res = runner.invoke(main, ["diff", str(pair[0]), str(pair[1])])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()[2:]
    table = {(ln.split()[0], ln.split()[1], ln.split()[2]) for ln in lines}
    assert table == set(EXPECTED)
    fig = next(ln for ln in lines if "d-figure" in ln)
    assert "power_mw" in fig and "100" in fig and "120" in fig
    assert "deals: 1 added, 1 removed, 3 changed" in res.stderr

    md = runner.invoke(main, ["diff", str(pair[0]), str(pair[1]), "--format", "markdown"]).stdout
    assert md.startswith("## Changes from ")
    assert "### Added\n\n- deal `d-new`" in md and "### Removed\n\n- deal `d-gone`" in md
    changed = md.split("### Changed")[1]
    for key, fields in EXPECTED.items():
        if fields:
            assert f"`{key[2]}`" in changed
            for f in fields:
                assert f"  - {f}: " in changed
    assert "  - status: `signed` -> `terminated`" in changed


def test_diff_of_two_store_folders(runner, pair, tmp_path):
    stores = []
    for side, name in zip(pair, ("s-old", "s-new")):
        store = tmp_path / name
        res = runner.invoke(main, ["--store", str(store), "load", str(side)])
        assert res.exit_code == 0, res.output
        stores.append(store)
    _check(_json_diff(runner, *stores))
    _check(_json_diff(runner, stores[0], pair[1]))  # a store against a folder


def test_diff_of_two_git_revisions(runner, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    write(repo / "data" / "records.yaml", OLD)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "old"], cwd=repo, check=True)
    subprocess.run(["git", "tag", "v0.1"], cwd=repo, check=True)
    write(repo / "data" / "records.yaml", NEW)
    subprocess.run([*git, "commit", "-qam", "new"], cwd=repo, check=True)
    write(repo / "data" / "records.yaml", OLD)  # the work tree differs from both: git: reads commits only
    monkeypatch.chdir(repo)
    _check(_json_diff(runner, "git:v0.1", "git:HEAD"))
    assert _json_diff(runner, "git:v0.1", ".")["changes"] == []  # "." is the repository's data/ folder
    res = runner.invoke(main, ["diff", "git:no-such-rev", "."])
    assert res.exit_code == 2 and "no-such-rev" in res.stderr and "Traceback" not in res.output


def test_diff_names_a_side_it_cannot_read(runner, pair, tmp_path):
    res = runner.invoke(main, ["diff", str(tmp_path / "nowhere"), str(pair[1])])
    assert res.exit_code == 2
    assert res.stderr.strip().startswith("Error:") and len(res.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------------------- changes

EVENTS = f"""
companies:
  - {{id: ay, name: Ay Corp, kind: hyperscaler}}
  - {{id: bee, name: Bee Labs, kind: ai_lab}}
deals:
  - id: june
    kind: lease
    provider: ay
    customer: bee
    announced: "2026-06"
    start: 2026-07-15
    end: "2027"
    sources: {SRC % 1}
  - id: year-only
    kind: investment
    provider: bee
    customer: ay
    announced: "2025"
    sources: {SRC % 2}
  - id: old-loi
    kind: chip_supply
    provider: ay
    customer: bee
    announced: 2025-09-22
    status: superseded
    sources: {SRC % 3}
  - id: final
    kind: chip_supply
    provider: ay
    customer: bee
    announced: 2026-02-27
    supersedes: old-loi
    sources: {SRC % 4}
  - id: ended-early
    kind: cloud_capacity
    provider: ay
    customer: bee
    start: "2025-01"
    end: 2025-12-31
    status: terminated
    sources: {SRC % 5}
"""


@pytest.fixture
def events(tmp_path):
    return write(tmp_path / "events" / "records.yaml", EVENTS)


def _events(runner, events, *args):
    res = runner.invoke(main, ["--data", str(events), "changes", *args, "--format", "json"])
    assert res.exit_code == 0, res.output
    return [(r["date"], r["event"], r["deal"]) for r in json.loads(res.stdout)]


def test_changes_counts_partial_dates_by_their_period(runner, events):
    # "2026-06" is in any window that touches June, and in none that does not
    assert ("2026-06", "announced", "june") in _events(runner, events, "--since", "2026-06-30", "--until", "2026-07-01")
    assert ("2026-06", "announced", "june") in _events(runner, events, "--since", "2026-05-20", "--until", "2026-06-01")
    assert ("2026-06", "announced", "june") not in _events(runner, events, "--since", "2026-07-01", "--until", "2026-12-31")
    assert ("2026-06", "announced", "june") not in _events(runner, events, "--since", "2026-01", "--until", "2026-05-31")
    # a year counts all year; a month given to --until runs to its last day
    assert ("2025", "announced", "year-only") in _events(runner, events, "--since", "2025-12-31", "--until", "2025-12-31")
    assert _events(runner, events, "--since", "2026-07", "--until", "2026-07") == [("2026-07-15", "started", "june")]


def test_changes_lists_every_kind_of_event_newest_first(runner, events):
    got = _events(runner, events, "--until", "2027-12-31")
    assert got == [
        ("2027", "ended", "june"),
        ("2026-07-15", "started", "june"),
        ("2026-06", "announced", "june"),
        ("2026-02-27", "announced", "final"),
        ("2026-02-27", "superseded", "old-loi"),  # dated by the deal that supersedes it
        ("2025-12-31", "terminated", "ended-early"),  # a terminated deal's end is its termination
        ("2025-09-22", "announced", "old-loi"),
        ("2025", "announced", "year-only"),  # same first day as 2025-01: the longer period first
        ("2025-01", "started", "ended-early"),
    ]
    # without --until the window ends today: scheduled events later than today are left out
    today = dt.date.today()
    assert all(d[:4] <= str(today.year) for d, _, _ in _events(runner, events))


def test_changes_filters_and_formats(runner, events):
    assert {d for _, _, d in _events(runner, events, "--until", "2027-12-31", "--kind", "chip_supply")} == {"final", "old-loi"}
    assert [e for _, e, _ in _events(runner, events, "--until", "2027-12-31", "--event", "superseded")] == ["superseded"]
    assert _events(runner, events, "--company", "Bee Labs", "--since", "2026-06", "--until", "2026-06") == [
        ("2026-06", "announced", "june")]
    csv = runner.invoke(main, ["--data", str(events), "changes", "--since", "2026-06", "--until", "2026-06", "--format", "csv"])
    assert csv.stdout.splitlines()[0].startswith("date,event,deal,kind,provider,customer")
    assert csv.stdout.splitlines()[1].startswith("2026-06,announced,june,lease,Ay Corp,Bee Labs")
    jl = runner.invoke(main, ["--data", str(events), "changes", "--until", "2027-12-31", "--format", "jsonl"])
    assert len(jl.stdout.splitlines()) == 9
    table = runner.invoke(main, ["--data", str(events), "changes", "--until", "2027-12-31"])
    assert table.exit_code == 0 and "superseded" in table.stdout and "9 event(s)" in table.stderr


@pytest.mark.parametrize("args", [["--since", "2026-13"], ["--until", "soon"], ["--since", "2027", "--until", "2026"]])
def test_changes_refuses_bad_dates_in_one_line(runner, events, args):
    res = runner.invoke(main, ["--data", str(events), "changes", *args])
    assert res.exit_code == 2
    assert res.stderr.startswith("Error:") and len(res.stderr.strip().splitlines()) == 1


def test_atom_feed_parses_with_one_stable_entry_per_event(events, tmp_path):
    import feedparser

    from graph.cache import cached_store
    from graph.changes import deal_events, select, window
    from graph.feed import atom
    from graph.lookup import fetch_deals

    def build(path):
        store = cached_store([path])
        first, last = window(None, "2027-12-31")
        return select(deal_events(fetch_deals(store)), first=first, last=last)

    evs = build(events)
    feed = feedparser.parse(atom(evs, base_url="https://example.org/ckg/"))
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == len(evs) == 9
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == len(ids)
    assert feed.entries[0].link == "https://example.org/ckg/deal/june/"
    # a corrected date keeps every id, so a reader does not show the entry again
    moved = write(tmp_path / "moved" / "records.yaml", EVENTS.replace('announced: "2026-06"', "announced: 2026-06-03"))
    again = feedparser.parse(atom(build(moved)))
    assert sorted(e.id for e in again.entries) == sorted(ids)
    # names are escaped, not markup
    hostile = write(tmp_path / "hostile" / "records.yaml", EVENTS.replace("id: june", "id: june-x").replace(
        "{id: ay, name: Ay Corp, kind: hyperscaler}", "{id: ay, name: \"<script>alert(1)</script> & Co\", kind: hyperscaler}"))
    text = atom(build(hostile))
    assert b"<script>" not in text
    parsed = feedparser.parse(text)
    assert not parsed.bozo and any("<script>alert(1)</script> & Co" in e.title for e in parsed.entries)


def _git_repo(path, *versions):
    """A throwaway repository with one commit per (message, records text or None for a
    commit that does not touch data/)."""
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    for message, text in versions:
        if text is None:
            write(path / "README.md", message)
        else:
            write(path / "data" / "records.yaml", text)
        subprocess.run([*git, "add", "-A"], cwd=path, check=True)
        subprocess.run([*git, "commit", "-qm", message], cwd=path, check=True)
    return path


def test_history_says_when_each_entity_was_first_seen_and_what_changed(tmp_path):
    from graph.history import history

    repo = _git_repo(tmp_path / "repo", ("first", OLD), ("docs only", None), ("second", NEW),
                     ("broken", NEW.replace("kind: lease", "kind: not-a-kind")))
    h = history(repo)
    assert [r.subject for r in h.revisions] == ["first", "second"]
    assert [r.subject for r in h.skipped] == ["broken"]  # said, not hidden
    steps = lambda kind, rid: [(s.revision.subject, s.change, s.fields) for s in h.of(kind, rid)]  # noqa: E731
    assert steps("deal", "d-figure") == [("first", "added", ()), ("second", "changed", ("power_mw",))]
    assert steps("deal", "d-gone") == [("first", "added", ()), ("second", "removed", ())]
    assert steps("deal", "d-new") == [("second", "added", ())]
    assert steps("company", "cee") == [("first", "added", ()), ("second", "changed", ("parent", "parent_since"))]
    assert steps("company", "bee") == [("first", "added", ())]


def test_fast_path_agrees_with_describing_everything(tmp_path):
    """compare_stores reads only what differs; on the bundled data with an Epoch AI reading and a
    curated figure changed, it finds exactly what describing both whole stores finds."""
    import shutil

    from conftest import REPO
    from graph.cache import cached_store
    from graph.diff import compare, compare_stores, describe

    new = tmp_path / "data"
    shutil.copytree(REPO / "data", new)
    tl = new / "epoch" / "data_center_timelines.csv"
    text = tl.read_text(encoding="utf-8")
    row = "2018-01-28,Alibaba Zhangbei Zhangjiakou Hebei,"
    assert row in text
    head, _, rest = text.partition(row)
    status, _, tail = rest.partition(",76.0,")
    tl.write_text(head + row + status + ",77.5," + tail, encoding="utf-8")
    deals = new / "deals" / "anthropic.yaml"
    deals.write_text(deals.read_text(encoding="utf-8").replace("{value: 300, qualifier: more_than, source: 1}",
                                                               "{value: 310, qualifier: more_than, source: 1}", 1),
                     encoding="utf-8")
    a, b = cached_store([REPO / "data"]), cached_store([new])
    fast = compare_stores(a, b)
    full = compare(describe(a), describe(b))
    assert fast == full
    assert {(c.kind, c.id) for c in fast.changes} >= {("deal", "anthropic-xai-colossus-1")}
    assert any(c.kind == "facility" and "snapshot" in {f.field for f in c.fields} for c in fast.changes)


def test_history_follows_the_main_line_a_merged_branch_is_one_release(tmp_path):
    """A branch changed a figure while the main line changed a status: read in date order, the
    main-line commit would seem to undo the figure; along first parents the merge brings it."""
    import os

    from graph.history import history

    repo = tmp_path / "repo"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]

    def commit(message, day, text=None, *extra):
        when = f"2026-01-{day:02d}T12:00:00"
        env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        if text is not None:
            write(repo / "data" / "records.yaml", text)
            subprocess.run([*git, "add", "-A"], cwd=repo, check=True, env=env)
        subprocess.run([*git, *extra] if extra else [*git, "commit", "-qm", message], cwd=repo, check=True, env=env)

    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    commit("first", 1, OLD)
    subprocess.run(["git", "checkout", "-qb", "figure"], cwd=repo, check=True)
    commit("figure", 2, OLD.replace("value: 100, source: 1", "value: 120, source: 1"))
    subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)
    commit("status", 3, OLD.replace("status: signed", "status: terminated"))
    commit("merge", 4, None, "merge", "-q", "--no-edit", "-m", "merge figure", "figure")
    h = history(repo)
    assert [r.subject for r in h.revisions] == ["first", "status", "merge figure"]
    steps = lambda rid: [(s.revision.subject, s.change, s.fields) for s in h.of("deal", rid)]  # noqa: E731
    assert steps("d-figure") == [("first", "added", ()), ("merge figure", "changed", ("power_mw",))]
    assert steps("d-status") == [("first", "added", ()), ("status", "changed", ("status",))]
