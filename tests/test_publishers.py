"""The publisher registry (data/publishers.yaml): sources checked against it by `validate`."""

from __future__ import annotations

import pytest

from graph.cli import main
from graph.publishers import Registry, Publisher, credited
from conftest import write

REGISTRY = """
publishers:
  - {name: SEC EDGAR, domains: [sec.gov], kind: filing, primary: true, credit: author}
  - {name: Stock Titan, domains: [stocktitan.net/news], kind: company_release, primary: false}
  - {name: Stock Titan, domains: [stocktitan.net/sec-filings], kind: filing, primary: false, mirror_of: SEC EDGAR}
  - {name: Reuters, domains: [reuters.com], kind: news, primary: false}
  - {name: CoinDesk, domains: [coindesk.com], kind: news, primary: false}
  - {name: cryptonewz.pages.dev, domains: [cryptonewz.pages.dev], kind: news, primary: false, mirror_of: CoinDesk}
  - {name: Blockster, domains: [blockster.com], kind: aggregator, primary: false, aliases: [Blockster News]}
"""

DEALS = """
companies:
  - {id: acme, name: Acme, kind: ai_lab}
  - {id: bigcloud, name: BigCloud, kind: hyperscaler}
deals:
  - id: d1
    kind: lease
    provider: bigcloud
    customer: acme
    sources:
      - {publisher: SOURCE, url: "URL", title: T, date: 2025-01-01, kind: KIND}
"""


def _run(runner, tmp_path, publisher, url, kind, extra="", registry=REGISTRY):
    src = DEALS.replace("SOURCE", publisher).replace("URL", url).replace("KIND", kind)
    if extra:
        src = src.replace(f"kind: {kind}}}", f"kind: {kind}, {extra}}}")
    write(tmp_path / "data" / "deals.yaml", src)
    if registry is not None:
        write(tmp_path / "data" / "publishers.yaml", registry)
    return runner.invoke(main, ["--no-epoch", "validate", "--notes", str(tmp_path / "data")])


def test_a_source_that_agrees_with_its_publisher_passes(runner, tmp_path):
    r = _run(runner, tmp_path, "Stock Titan (TeraWulf 8-K text)", "https://www.stocktitan.net/sec-filings/WULF/8-k.html",
             "filing")
    assert r.exit_code == 0, r.output
    assert "note:" not in r.stderr


@pytest.mark.parametrize("url,kind,wanted", [
    # an 8-K copy on Stock Titan's filing pages is a filing, never an aggregator in one deal and a filing in another
    ("https://www.stocktitan.net/sec-filings/WULF/8-k.html", "aggregator", "'filing'"),
    # the same site's release pages are company releases: the longest domain/path prefix decides
    ("https://stocktitan.net/news/WULF/x.html", "filing", "'company_release'"),
    ("https://www.reuters.com/a", "aggregator", "'news'"),
])
def test_a_kind_that_contradicts_the_publisher_is_an_error(runner, tmp_path, url, kind, wanted):
    pub = "Stock Titan" if "stocktitan" in url else "Reuters"
    r = _run(runner, tmp_path, pub, url, kind)
    assert r.exit_code == 1, r.output
    line = next(l for l in r.stderr.splitlines() if "sources[1].kind" in l)
    assert f"{kind!r} contradicts its publisher" in line and f"pages are {wanted}" in line
    assert line.startswith(str(tmp_path / "data" / "deals.yaml") + ":10:")
    assert "Traceback" not in r.output


def test_kind_why_lets_a_source_differ_from_its_publisher(runner, tmp_path):
    r = _run(runner, tmp_path, "Reuters", "https://www.reuters.com/a", "company_release",
             extra='kind_why: "Reuters printed the release in full"')
    assert r.exit_code == 0, r.output


def test_a_mirror_credited_as_the_original_is_an_error(runner, tmp_path):
    r = _run(runner, tmp_path, "CoinDesk (mirror)", "https://cryptonewz.pages.dev/x", "news")
    assert r.exit_code == 1, r.output
    assert "credits 'CoinDesk', but the page is on cryptonewz.pages.dev's site" in r.stderr
    assert "a mirror of CoinDesk" in r.stderr
    # named as the convention says (the site, the original in brackets), it passes
    ok = _run(runner, tmp_path, "cryptonewz.pages.dev (CoinDesk)", "https://cryptonewz.pages.dev/x", "news")
    assert ok.exit_code == 0, ok.output


def test_another_registered_publisher_credited_for_a_page_is_an_error(runner, tmp_path):
    r = _run(runner, tmp_path, "Reuters", "https://www.coindesk.com/a", "news")
    assert r.exit_code == 1
    assert "credits 'Reuters', but the page is on CoinDesk's site" in r.stderr


def test_sec_edgar_credits_the_filer(runner, tmp_path):
    r = _run(runner, tmp_path, "Acme Corp. (Form 8-K on SEC EDGAR)", "https://www.sec.gov/Archives/x.htm", "filing")
    assert r.exit_code == 0, r.output
    assert "note:" not in r.stderr


def test_an_unknown_publisher_is_a_note_not_an_error(runner, tmp_path):
    r = _run(runner, tmp_path, "Nowhere News", "https://nowhere.example.org/a", "news")
    assert r.exit_code == 0, r.output
    assert "note:" in r.stderr and "unknown publisher 'Nowhere News' (nowhere.example.org)" in r.stderr
    assert "add it to data/publishers.yaml" in r.stderr


def test_an_unregistered_spelling_is_a_note(runner, tmp_path):
    r = _run(runner, tmp_path, "Blockster Daily", "https://blockster.com/a", "aggregator")
    assert r.exit_code == 0, r.output
    assert "credits 'Blockster Daily', but data/publishers.yaml calls the publisher of blockster.com 'Blockster'" in r.stderr
    alias = _run(runner, tmp_path, "Blockster News", "https://blockster.com/a", "aggregator")
    assert alias.exit_code == 0 and "note:" not in alias.stderr


def test_without_a_registry_sources_are_not_checked(runner, tmp_path):
    r = _run(runner, tmp_path, "Anyone", "https://www.reuters.com/a", "aggregator", registry=None)
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("entry,field,fragment", [
    ("{name: X, domains: [x.com], kind: newz, primary: false}", "kind", "'newz' is not one of"),
    ("{name: X, domains: [x.com], kind: news, primary: yes}", "primary", "must be true or false"),
    ("{name: X, domains: [x.com], kind: news, primary: true}", "primary", "a primary publisher's kind"),
    ("{name: X, domains: ['https://x.com'], kind: news, primary: false}", "domains", "without https://"),
    ("{name: X, domains: [reuters.com], kind: news, primary: false}", "domains", "already Reuters's"),
    ("{name: Reuters, domains: [x.com], kind: news, primary: false}", "name", "already used by Reuters"),
    ("{name: X, domains: [x.com], kind: news, primary: false, colour: red}", "colour", "unknown field"),
])
def test_bad_registry_entries_are_reported(runner, tmp_path, entry, field, fragment):
    r = _run(runner, tmp_path, "Reuters", "https://www.reuters.com/a", "news", registry=REGISTRY + f"  - {entry}\n")
    assert r.exit_code == 1, r.output
    line = next((l for l in r.stderr.splitlines() if "publishers.yaml:" in l and f": {field}: " in l), None)
    assert line is not None and fragment in line, r.stderr


def test_longest_prefix_wins_and_subdomains_match():
    reg = Registry([Publisher("A", ["example.com"], "news", False),
                    Publisher("B", ["example.com/filings"], "filing", False)])
    assert reg.match("https://www.example.com/filings/x").name == "B"
    assert reg.match("https://ir.example.com/news/x").name == "A"
    assert reg.match("https://example.com/filingsx").name == "A"
    assert reg.match("https://notexample.com/") is None
    assert credited("Stock Titan (summary of TeraWulf 8-K)") == "Stock Titan"


def test_the_bundled_data_agrees_with_its_registry(runner):
    """Every source in data/ matches a registered publisher, with its kind (or a kind_why)."""
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data"
    r = runner.invoke(main, ["--no-epoch", "validate", "--no-shacl", "--notes", str(data)])
    assert r.exit_code == 0, r.output
    assert "publisher" not in r.stderr, r.stderr
