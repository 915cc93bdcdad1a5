"""Change over time on the website: the "What's new" page, the Atom feed (feed.xml), each deal's
history across data releases (from a throwaway git repository), and the graph page's as-of month
slider with play/pause in headless Chromium."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import write
from graph.cli import main
from test_changes import NEW, OLD, _git_repo
from test_site import ARGS, CHROMIUM, Session, parse

TODAY = dt.date(2026, 12, 7)  # the window of "What's new": 2026-01-01 to 2026-12-07
HOSTILE = "<script>alert(1)</script> & \"Co\""
SRC = '[{publisher: "%s", title: "A deal", url: "https://example.com/%s", date: 2025-01-01, kind: news}]'
RECORDS = f"""
companies:
  - {{id: ay, name: '{HOSTILE}', kind: hyperscaler}}
  - {{id: bee, name: Bee Labs, kind: ai_lab}}
deals:
  - id: june
    kind: lease
    provider: ay
    customer: bee
    capacity: {{power_mw: {{value: 100, source: 1}}}}
    announced: "2026-06"
    start: 2026-07-15
    end: "2027"
    sources: {SRC % ("Example News", 1)}
  - id: old-loi
    kind: chip_supply
    provider: ay
    customer: bee
    announced: 2025-09-22
    status: superseded
    sources: {SRC % ("Example", 2)}
  - id: final
    kind: chip_supply
    provider: ay
    customer: bee
    announced: 2026-02-27
    supersedes: old-loi
    sources: {SRC % ("Example", 3)}
  - id: ended-early
    kind: cloud_capacity
    provider: ay
    customer: bee
    start: "2025-01"
    end: 2026-03-31
    status: terminated
    sources: {SRC % ("Example", 4)}
  - id: too-old
    kind: investment
    provider: bee
    customer: ay
    announced: "2024"
    sources: {SRC % ("Example", 5)}
"""
# newest first; for one date the announcement before the supersession; the 2027 end is after today
EXPECTED = [("2026-07-15", "started", "june"), ("2026-06", "announced", "june"),
            ("2026-03-31", "terminated", "ended-early"), ("2026-02-27", "announced", "final"),
            ("2026-02-27", "superseded", "old-loi")]


def _site(tmp_path: Path, name: str, text: str, **kw) -> Path:
    from graph.cache import cached_store
    from graph.site import build_site

    records = write(tmp_path / name / "records.yaml", text)
    out = tmp_path / f"{name}-site"
    build_site(cached_store([str(records)], epoch=False), out, today=TODAY, **kw)
    return out


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    return _site(tmp_path_factory.mktemp("crafted"), "records", RECORDS)


# ---------------------------------------------------------------------------- the feed

def test_feed_has_one_entry_per_event_with_ids_stable_across_builds(crafted, tmp_path):
    import feedparser

    feed = feedparser.parse((crafted / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [e.id for e in feed.entries] == [f"tag:computekg.org,2026:deal/{d}/{ev}" for _, ev, d in EXPECTED]
    # without --base-url the links are relative to feed.xml, and each one is a deal page of the site
    for e in feed.entries:
        assert not urlsplit(e.link).scheme and (crafted / e.link).is_file(), e.link
    assert HOSTILE in feed.entries[0].title  # the name is text, escaped in the XML
    assert b"<script>" not in (crafted / "feed.xml").read_bytes()
    # the next release corrects a figure: the same entries (same ids), the entry's summary updated
    again = _site(tmp_path, "corrected", RECORDS.replace("value: 100, source: 1", "value: 120, source: 1"),
                  base_url="https://example.org/ckg/")
    feed2 = feedparser.parse((again / "feed.xml").read_bytes())
    assert not feed2.bozo
    assert [e.id for e in feed2.entries] == [e.id for e in feed.entries]
    assert "100 MW" in feed.entries[0].summary and "120 MW" in feed2.entries[0].summary
    assert feed2.entries[0].link == "https://example.org/ckg/deal/june/"  # absolute with --base-url
    # every page announces the feed; the server serves it with the Atom media type
    for page in ("index.html", "deal/june/index.html", "new/index.html", "graph/index.html"):
        assert 'type="application/atom+xml"' in (crafted / page).read_text(encoding="utf-8"), page
    from graph.cache import cached_store
    from graph.site import Site, content_type

    site = Site(cached_store([str(tmp_path / "corrected" / "records.yaml")], epoch=False), today=TODAY,
                base_url="https://example.org/ckg/")
    assert {"feed.xml", "new/index.html"} <= set(site.paths())
    assert site.render("feed.xml") == (again / "feed.xml").read_bytes()
    assert content_type("feed.xml").startswith("application/atom+xml")
    from graph.serve import site_source  # what `computekg serve` answers

    source = site_source(site.store, lambda m: None)
    served = source("/feed.xml", "/feed.xml")
    assert served.media_type.startswith("application/atom+xml") and served.body.startswith(b"<?xml")
    assert b"What's new" in source("/new/", "/new/").body


# ---------------------------------------------------------------------------- what's new

def test_whats_new_lists_the_events_newest_first_with_links_and_escaped_names(crafted):
    html = (crafted / "new" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr id="[^"]+" data-event="([^"]+)" data-deal="([^"]+)">\s*'
                      r'<td><time datetime="[^"]+">([^<]+)</time>', html)
    assert [(d, e, i) for e, i, d in rows] == EXPECTED
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Co&#34;" in html
    p = parse(crafted / "new" / "index.html")
    text = " ".join(p.text)
    assert HOSTILE in text and "100 MW" in text and "Example News" in text
    for href in ("../deal/june/index.html", "../company/ay/index.html", "../company/bee/index.html",
                 "../feed.xml", "https://example.com/1"):
        assert href in p.links, href
    for href in p.links:  # every link of the page leads to a file of the site
        if not urlsplit(href).scheme and urlsplit(href).path:
            assert (crafted / "new" / urlsplit(href).path).resolve().is_file(), href
    assert "new/index.html" in (crafted / "index.html").read_text(encoding="utf-8")  # in the nav and the index


# ---------------------------------------------------------------------------- deal history

def test_deal_page_shows_first_seen_and_changes_from_the_git_history(tmp_path, runner):
    repo = _git_repo(tmp_path / "repo", ("first", OLD), ("docs only", None), ("second", NEW))
    out = tmp_path / "site"
    res = runner.invoke(main, ["--no-epoch", "--data", str(repo / "data"), "site", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "history: 2 revision(s)" in res.stderr
    date = dt.date.today().isoformat()  # the commits were made just now
    page = parse(out / "deal" / "d-figure" / "index.html")
    text = re.sub(r"\s+", " ", " ".join(p.strip() for p in page.text))
    assert "History across data releases" in text
    assert f"{date} : first seen (commit" in text and ": first)" in text
    assert f"{date} : changed power mw (commit" in text and ": second)" in text
    assert "first seen" in " ".join(parse(out / "deal" / "d-new" / "index.html").text)
    # --history 1: only the newest revision is read, and the page says the deal may be older
    res = runner.invoke(main, ["--no-epoch", "--data", str(repo / "data"), "site", "-o", str(out), "--history", "1"])
    assert res.exit_code == 0, res.output
    text = " ".join(parse(out / "deal" / "d-figure" / "index.html").text)
    assert "already in the data" in text and "1 older revision was not read" in text
    # --history 0, or records outside a git checkout: no history section, no error
    res = runner.invoke(main, ["--no-epoch", "--data", str(repo / "data"), "site", "-o", str(out), "--history", "0"])
    assert res.exit_code == 0 and "History across" not in (out / "deal" / "d-figure" / "index.html").read_text()
    loose = write(tmp_path / "loose" / "records.yaml", NEW)
    res = runner.invoke(main, ["--no-epoch", "--data", str(loose.parent), "site", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "history:" not in res.stderr
    assert "History across" not in (out / "deal" / "d-figure" / "index.html").read_text()


# ---------------------------------------------------------------------------- the as-of slider

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: install Debian's chromium package to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _ready(page):
    page.wait_for_function("() => window.__ready === true && document.body.dataset.stateReady === '1'")


def _drawn_deals(page) -> set[str]:
    return set(page.evaluate("Array.from(new Set(network.body.data.edges.get().map(e => e.id.split(':')[0])))"))


def test_as_of_slider_plays_pauses_and_round_trips_through_the_fragment(crafted, browser):
    s = Session(browser, crafted)
    try:
        page = s.goto("graph/index.html")
        _ready(page)
        slider = page.locator("#g-month")
        # months from the first deal start (2025-01) to the last deal end (2027-12)
        assert slider.get_attribute("max") == "35" and page.input_value("#g-month") == "0"
        assert page.get_attribute("#g-month", "aria-valuetext").startswith("all dates")
        assert _drawn_deals(page) >= {"june", "ended-early", "final"}
        # play (from the keyboard): the month advances, the fragment and the drawn deals follow
        page.focus("#g-play")
        page.keyboard.press("Enter")
        page.wait_for_function("() => /as-of=2025-0[2-9]-01/.test(location.hash)")
        assert page.inner_text("#g-play") == "Pause"
        page.wait_for_function("() => location.hash.indexOf('as-of=2025-0') < 0")  # keeps going
        page.click("#g-play")  # pause
        assert page.inner_text("#g-play") == "Play"
        frag, value = page.evaluate("location.hash"), page.input_value("#g-month")
        page.wait_for_timeout(1600)  # more than two steps
        assert page.evaluate("location.hash") == frag and page.input_value("#g-month") == value
        date = re.search(r"as-of=(\d{4}-\d\d-\d\d)", frag).group(1)
        assert int(value) == (int(date[:4]) - 2025) * 12 + int(date[5:7]) - 1
        assert page.input_value("#g-asof") == date
        # the arrow keys move the slider a month; the deals drawn are those in force
        page.fill("#g-asof", "2026-02-10")
        page.dispatch_event("#g-asof", "change")
        assert page.input_value("#g-month") == "13" and "as-of=2026-02-10" in page.evaluate("location.hash")
        page.focus("#g-month")
        page.keyboard.press("ArrowRight")
        assert "as-of=2026-03-01" in page.evaluate("location.hash")
        assert page.get_attribute("#g-month", "aria-valuetext") == "March 2026"
        assert _drawn_deals(page) == {"ended-early"}
        assert "1 deal in force on 2026-03-01" in page.inner_text("#g-state")
        page.keyboard.press("ArrowRight")
        assert _drawn_deals(page) == set()
        # a copied link restores the slider and the view
        t = Session(browser, crafted)
        p2 = t.goto("graph/index.html#as-of=2026-09-01")
        _ready(p2)
        assert p2.input_value("#g-month") == "20" and p2.input_value("#g-asof") == "2026-09-01"
        assert p2.get_attribute("#g-month", "aria-valuetext") == "September 2026"
        assert _drawn_deals(p2) == {"june"}
        # "All dates" shows every deal again and leaves the fragment
        p2.click("#g-asof-clear")
        assert "as-of" not in p2.evaluate("location.hash") and _drawn_deals(p2) >= {"june", "ended-early", "final"}
        assert s.outside == t.outside == [] and s.errors == t.errors == []
        t.close()
    finally:
        s.close()
