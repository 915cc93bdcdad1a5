"""The static website (`computekg site`, graph.site): paths, links, data files, and real pages in
headless Chromium opened from file:// with every request outside the site refused."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import write
from graph.cli import main

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EVIL_NAME = "<script>alert(1)</script> & \"Co\" 'x'"
EVIL_YAML = """
companies:
  - {id: evil, name: '<script>alert(1)</script> & "Co" ''x''', kind: ai_lab, aliases: ['<img src=x onerror=alert(2)>']}
  - {id: bigcloud, name: BigCloud, kind: hyperscaler}
facilities:
  - id: site-1
    name: '<b>Site</b></script><script>window.__xss3=1</script>'
    operator: bigcloud
    power_mw: 100
    status: operational
    location: {lat: 40.5, lon: -100.25, city: '<i>Town</i>', country: US}
deals:
  - id: evil-lease
    kind: lease
    provider: bigcloud
    customer: evil
    facilities: [site-1]
    capacity: {power_mw: 100}
    start: "2025-01"
    end: "2028-02"
    status: signed
    terms: '<script>window.__xss4=1</script>'
    notes: '</script><script>window.__xss5=1</script><img src=x onerror="window.__xss6=1">'
    sources:
      - {publisher: '<i>Pub</i>', title: '"><script>window.__xss7=1</script>', url: 'https://example.com/a?q="><script>window.__xss8=1</script>', date: 2025-01-10, kind: news}
  - id: evil-invest
    kind: investment
    provider: evil
    customer: bigcloud
    total_value: {amount: 1.0e9, currency: USD}
    announced: "2025-06"
    status: completed
    sources:
      - {publisher: 'javascript:alert(1)', title: T, url: 'https://example.com/b', date: 2025-06-01, kind: filing}
"""


# ---------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory, bundled_store):
    from graph.site import build_site

    out = tmp_path_factory.mktemp("site") / "public"
    report = build_site(bundled_store, out)
    return out, report


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory):
    from graph.cache import cached_store
    from graph.site import build_site

    records = tmp_path_factory.mktemp("evil") / "evil.yaml"
    records.write_text(EVIL_YAML, encoding="utf-8")
    store = cached_store([str(records)], epoch=False)
    out = tmp_path_factory.mktemp("evil-site") / "public"
    build_site(store, out)
    return out, store


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self.csp = None
        self.style_attrs = 0
        self.inline_handlers = 0
        self.text: list[str] = []
        self._script: dict | None = None
        self._buf: list[str] = []
        self.alternate = None
        self.landmarks: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "style" in a:
            self.style_attrs += 1
        self.inline_handlers += sum(1 for k in a if k.startswith("on"))
        if tag in ("header", "main", "footer", "nav"):
            self.landmarks.add(tag)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = a["content"]
        if tag == "link" and a.get("rel") == "alternate":
            self.alternate = (a.get("type"), a.get("href"))
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])
        if tag == "script":
            self._script, self._buf = a, []

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._buf)))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._buf.append(data)
        else:
            self.text.append(data)


def parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


# ---------------------------------------------------------------------------- the files

def test_every_entity_has_its_page_and_rdf(bundled_site, bundled_store):
    from graph.facilities import facility_index
    from graph.lookup import company_index, fetch_deals

    out, report = bundled_site
    companies = {c["id"] for c in company_index(bundled_store)}
    deals = {d["id"] for d in fetch_deals(bundled_store)}
    facilities = {f["id"] for f in facility_index(bundled_store)}
    assert len(companies) > 200 and len(deals) > 100 and len(facilities) > 800
    for kind, ids in (("company", companies), ("deal", deals), ("facility", facilities)):
        on_disk = {p.parent.name for p in (out / kind).glob("*/index.html")}
        assert on_disk == ids, kind
        assert {p.parent.name for p in (out / kind).glob("*/index.ttl")} == ids
    assert report.counts == {"companies": len(companies), "deals": len(deals), "facilities": len(facilities)}
    for path in ("index.html", "sources/index.html", "queries/index.html", "map/index.html", "timeline/index.html",
                 "graph/index.html", "downloads/index.html", "downloads/computekg.ttl", "downloads/computekg.nt.gz",
                 "downloads/computekg.jsonld", "downloads/computekg.graphml", "downloads/deals.csv",
                 "downloads/companies.csv", "downloads/facilities.csv", "downloads/datapackage.json",
                 "downloads/void.ttl", "assets/site.css", "assets/site.js", "assets/search-index.js",
                 "assets/vendor/leaflet/leaflet.js", "assets/vendor/leaflet/LICENSE"):
        assert (out / path).is_file(), path


def test_entity_rdf_is_its_own_triples_and_linked_from_its_page(bundled_site):
    import rdflib

    out, _ = bundled_site
    page = parse(out / "company" / "xai" / "index.html")
    assert page.alternate == ("text/turtle", "index.ttl")
    g = rdflib.Graph().parse(out / "company" / "xai" / "index.ttl", format="turtle")
    xai = rdflib.URIRef("https://w3id.org/computekg/id/company/xai")
    names = set(g.objects(xai, rdflib.URIRef("https://schema.org/name")))
    assert rdflib.Literal("xAI") in names
    subjects = {str(s) for s in g.subjects()}
    assert all(s.startswith(str(xai)) or "/id/source/" in s for s in subjects)
    deal = rdflib.Graph().parse(out / "deal" / "anthropic-xai-colossus-1" / "index.ttl", format="turtle")
    d = rdflib.URIRef("https://w3id.org/computekg/id/deal/anthropic-xai-colossus-1")
    # its figures (nodes under its IRI) and the sources they cite come along
    assert any(str(o).startswith(str(d) + "/") for o in deal.objects(d, None))
    assert any("/id/source/" in str(s) for s in deal.subjects())


def _resolve(base: Path, href: str, root: Path) -> Path | None:
    u = urlsplit(href)
    if u.scheme or u.netloc:
        return None
    if not u.path:
        return base  # a fragment on the same page
    target = (base.parent / unquote(u.path)).resolve()
    assert str(target).startswith(str(root.resolve())), f"{href} leaves the site"
    return target


def test_every_internal_link_resolves_and_is_relative(bundled_site):
    out, _ = bundled_site
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 1200
    checked = 0
    for page in pages:
        p = parse(page)
        for href in p.links:
            if href.startswith("data:"):
                continue
            u = urlsplit(href)
            if u.scheme:
                assert u.scheme in ("https", "http"), (page, href)
                continue
            assert not href.startswith("/"), f"{page}: absolute path {href}"
            target = _resolve(page, href, out)
            assert target is not None and target.is_file(), f"{page.relative_to(out)}: broken link {href}"
            checked += 1
    assert checked > 10_000


def test_every_page_is_locked_down_and_semantic(bundled_site):
    out, _ = bundled_site
    for page in sorted(out.rglob("*.html")):
        p = parse(page)
        assert p.csp and "unsafe-inline" not in p.csp and "default-src 'none'" in p.csp, page
        assert "script-src 'self'" in p.csp and "connect-src 'none'" in p.csp
        # no inline code: scripts are site files; JSON data blocks are not executed
        for attrs, text in p.scripts:
            assert attrs.get("src") or (attrs.get("type") == "application/json"), (page, text[:80])
        assert p.style_attrs == 0 and p.inline_handlers == 0, page
        assert {"header", "main", "footer", "nav"} <= p.landmarks, page
        text = " ".join(p.text)
        assert "Data as of" in text and "CC BY 4.0" in text and "Epoch AI" in text, page


def test_data_package_validates_with_frictionless(bundled_site):
    frictionless = pytest.importorskip("frictionless")
    out, _ = bundled_site
    report = frictionless.validate(str(out / "downloads" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    pkg = json.loads((out / "downloads" / "datapackage.json").read_text())
    names = {r["name"] for r in pkg["resources"]}
    assert {"deals", "companies", "facilities"} <= names
    deals = next(r for r in pkg["resources"] if r["name"] == "deals")
    rows = (out / "downloads" / "deals.csv").read_text().strip().splitlines()
    assert len(rows) - 1 == len(list((out / "deal").glob("*/index.html")))
    assert deals["hash"] == "sha256:" + hashlib.sha256((out / "downloads" / "deals.csv").read_bytes()).hexdigest()


def test_void_counts_come_from_sparql_and_checksums_match(bundled_site, bundled_store):
    import rdflib

    out, _ = bundled_site
    g = rdflib.Graph().parse(out / "downloads" / "void.ttl", format="turtle")
    VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
    SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
    DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    ds = next(g.subjects(rdflib.RDF.type, VOID.Dataset))
    triples = int(g.value(ds, VOID.triples))
    nt = gzip.decompress((out / "downloads" / "computekg.nt.gz").read_bytes()).decode().strip().splitlines()
    assert triples == len(nt) > 10_000
    assert str(g.value(ds, rdflib.URIRef("http://purl.org/dc/terms/license"))) == \
        "https://creativecommons.org/licenses/by/4.0/"
    dumps = {str(o).rsplit("/", 1)[-1] for o in g.objects(ds, VOID.dataDump)}
    assert dumps == {"computekg.ttl", "computekg.nt.gz", "computekg.jsonld"}
    n = 0
    for dist in g.subjects(rdflib.RDF.type, DCAT.Distribution):
        name = str(g.value(dist, DCAT.downloadURL)).rsplit("/", 1)[-1]
        data = (out / "downloads" / name).read_bytes()
        check = g.value(dist, SPDX.checksum)
        assert str(g.value(check, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest(), name
        assert int(g.value(dist, DCAT.byteSize)) == len(data)
        n += 1
    assert n == 7
    companies = sum(int(g.value(p, VOID.entities)) for p in g.objects(ds, VOID.classPartition)
                    if str(g.value(p, VOID["class"])).endswith("ontology#Company"))
    assert companies == len(list((out / "company").glob("*/index.html")))


def test_dumps_are_the_store(bundled_site, bundled_store):
    import rdflib
    from rdflib.compare import isomorphic

    from graph.export import export_rdf

    out, _ = bundled_site
    # written a subject at a time, yet the exporter's bytes (Turtle, N-Triples) and graph (JSON-LD)
    assert (out / "downloads" / "computekg.ttl").read_bytes() == export_rdf(bundled_store, "turtle")
    nt = gzip.decompress((out / "downloads" / "computekg.nt.gz").read_bytes())
    assert nt == export_rdf(bundled_store, "nt")
    ttl = rdflib.Graph().parse(out / "downloads" / "computekg.ttl", format="turtle")
    jsonld = rdflib.Graph().parse(out / "downloads" / "computekg.jsonld", format="json-ld")
    assert len(ttl) == len(jsonld) > 10_000
    assert isomorphic(ttl, jsonld)
    graphml = (out / "downloads" / "computekg.graphml").read_text()
    assert "anthropic-xai-colossus-1" in graphml


def test_hostile_names_are_text_everywhere(evil_site):
    out, _ = evil_site
    pages = {"company": out / "company" / "evil" / "index.html", "deal": out / "deal" / "evil-lease" / "index.html",
             "facility": out / "facility" / "site-1" / "index.html", "companies": out / "company" / "index.html",
             "home": out / "index.html", "sources": out / "sources" / "index.html"}
    for kind, page in pages.items():
        html_text = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html_text and "<script>window.__xss" not in html_text, kind
        assert "<img src=x" not in html_text and "<b>Site</b>" not in html_text, kind
        p = parse(page)
        for attrs, text in p.scripts:
            assert attrs.get("src") or attrs.get("type") == "application/json"
            assert "</script" not in text.lower()
    text = " ".join(parse(pages["company"]).text)
    assert EVIL_NAME in text and "<img src=x onerror=alert(2)>" in text
    # a source whose publisher looks like a javascript: URL is text, and links are http(s) only
    deal = parse(out / "deal" / "evil-invest" / "index.html")
    assert not any(h.lower().startswith("javascript:") for h in deal.links)
    assert "javascript:alert(1)" in " ".join(deal.text)


def test_cli_site_writes_replaces_and_refuses_foreign_folders(tmp_path, runner, small_data):
    out = tmp_path / "public"
    r = runner.invoke(main, ["--data", str(small_data), "site", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "wrote" in r.stderr and (out / "index.html").is_file()
    first = sorted(p.relative_to(out) for p in out.rglob("*"))
    r = runner.invoke(main, ["--data", str(small_data), "site", "-o", str(out), "--base-url", "https://example.org/kg/"])
    assert r.exit_code == 0, r.output
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == first
    assert '<link rel="canonical" href="https://example.org/kg/company/acme-ai/">' in \
        (out / "company" / "acme-ai" / "index.html").read_text()
    assert "<https://example.org/kg/downloads/>" in (out / "downloads" / "void.ttl").read_text()
    assert not list(tmp_path.glob(".public*"))  # nothing left beside it
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    r = runner.invoke(main, ["--data", str(small_data), "site", "-o", str(foreign)])
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: ") and "not a site written by computekg" in r.stderr
    assert (foreign / "notes.txt").read_text() == "keep me" and len(list(foreign.iterdir())) == 1
    r = runner.invoke(main, ["--data", str(small_data), "site", "-o", str(out), "--tiles", "javascript:alert(1)"])
    assert r.exit_code == 2 and "Error: " in r.stderr and "--tiles" in r.stderr


def test_one_page_at_a_time_for_a_server(small_data):
    from graph.cache import cached_store
    from graph.site import NotFound, Site, content_type

    site = Site(cached_store([str(small_data)]))
    page = site.render("company/acme-ai/index.html").decode()
    assert "Acme AI" in page and "acme-bigcloud-lease" in page
    assert site.render("company/acme-ai/") == site.render("company/acme-ai/index.html")
    for bad in ("company/nobody/index.html", "../etc/passwd", "assets/../../pyproject.toml", "assets/vendor/x",
                "company/acme-ai/../../index.html", "downloads/nothing.csv"):
        with pytest.raises(NotFound):
            site.render(bad)
    assert content_type("company/acme-ai/index.ttl").startswith("text/turtle")
    assert content_type("downloads/computekg.nt.gz") == "application/gzip"
    assert set(site.paths()) >= {"index.html", "company/acme-ai/index.html", "deal/acme-bigcloud-lease/index.ttl"}


# ---------------------------------------------------------------------------- in a real browser

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: install Debian's chromium package to run the browser tests "
                    "(tests/run.sh does so on CI)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Session:
    """A browser context confined to one site folder: any other request is refused and recorded."""

    def __init__(self, browser, root: Path, viewport=(1280, 900)):
        self.root = root.resolve()
        self.prefix = self.root.as_uri() + "/"
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})

        def route(r):
            if r.request.url.startswith(self.prefix) or r.request.url.startswith("data:"):
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def goto(self, path: str):
        self.page.goto(self.prefix + path)
        return self.page

    def here(self) -> str:
        return self.page.url[len(self.prefix):]

    def close(self):
        self.context.close()


@pytest.fixture
def session(browser):
    made = []

    def make(root, **kw):
        s = Session(browser, root, **kw)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def test_browse_search_company_deal_facility_map_timeline_graph(bundled_site, session):
    out, _ = bundled_site
    s = session(out)
    page = s.goto("index.html")
    page.fill("#site-q", "xAI")
    page.wait_for_selector("#site-results li[role=option]")
    first = page.inner_text("#site-results li[role=option]")
    assert first.startswith("xAI")
    page.press("#site-q", "ArrowDown")
    with page.expect_navigation():
        page.press("#site-q", "Enter")  # the keyboard opens the highlighted result
    assert s.here() == "company/xai/index.html"
    assert page.inner_text("h1") == "xAI"
    assert page.wait_for_function("() => window.__ready === true")  # the neighbourhood graph drew
    row = page.locator("#deals tbody tr", has=page.locator("a", has_text="anthropic-xai-colossus-1"))
    assert "provider" in row.inner_text() and "disputed" in row.inner_text()
    with page.expect_navigation():
        row.locator("th a").click()
    assert s.here() == "deal/anthropic-xai-colossus-1/index.html"
    figures = page.inner_text(".figures-table")
    assert "disputed" in figures and "about 498 MW" in figures
    with page.expect_navigation():
        page.click("#fac-h + ul a")
    assert s.here() == "facility/colossus-1/index.html"
    page.wait_for_function("() => document.body.dataset.mapReady === '1'")
    with page.expect_navigation():
        page.click("nav[aria-label=Sections] a:text-is('Map')")
    page.wait_for_function("() => document.body.dataset.mapReady === '1'")
    with page.expect_navigation():
        page.click("nav[aria-label=Sections] a:text-is('Timeline')")
    page.wait_for_function("() => document.body.dataset.ready === '1'")
    assert page.locator("#months-chart svg rect.bar").count() > 20
    page.fill("#asof-date", "2027-01-01")
    page.dispatch_event("#asof-date", "change")
    in_force = int(page.evaluate("document.body.dataset.asOfRows"))
    assert in_force > 0 and page.locator("#asof-table tbody tr").count() == in_force
    with page.expect_navigation():
        page.click("#asof-graph")
    assert s.here() == "graph/index.html#as-of=2027-01-01"
    page.wait_for_function("() => window.__ready === true && document.body.dataset.stateReady === '1'")
    assert page.input_value("#g-asof") == "2027-01-01"
    page.fill("#search", "xAI")
    page.click('#results button[data-node="c:xai"]')
    page.wait_for_function("() => document.body.dataset.fragment.indexOf('company=xai') >= 0")
    with page.expect_navigation():
        page.click("#g-company-page")
    assert s.here() == "company/xai/index.html"
    assert s.outside == [] and s.errors == []


def test_graph_view_state_round_trips_through_the_fragment(bundled_site, session, bundled_store):
    out, _ = bundled_site
    s = session(out)
    page = s.goto("graph/index.html#company=anthropic&kinds=lease,investment&facilities=0")
    page.wait_for_function("() => window.__ready === true && document.body.dataset.stateReady === '1'")
    kinds = page.eval_on_selector_all("#filter-kinds label", "ls => ls.map(l => [l.querySelector('span:not(.swatch)')"
                                      ".textContent, l.querySelector('input').checked])")
    assert {k for k, on in kinds if on} == {"lease", "investment"}
    assert not page.is_checked("#filter-other input")
    assert "Anthropic" in page.inner_text("#panel")
    shown = page.evaluate("[document.body.dataset.shownNodes, document.body.dataset.shownEdges]")
    # change a filter: the address follows
    page.locator("#filter-statuses input").first.uncheck()
    frag = page.evaluate("window.location.hash")
    assert "company=anthropic" in frag and "statuses=" in frag and "kinds=" in frag
    shown2 = page.evaluate("[document.body.dataset.shownNodes, document.body.dataset.shownEdges]")
    # the copied link opens the same view in a fresh page
    t = session(out)
    p2 = t.goto("graph/index.html" + frag)
    p2.wait_for_function("() => window.__ready === true && document.body.dataset.stateReady === '1'")
    assert p2.evaluate("[document.body.dataset.shownNodes, document.body.dataset.shownEdges]") == shown2 != shown
    assert "Anthropic" in p2.inner_text("#panel")
    # as-of keeps only the deals in force on the date
    p3 = t.goto("graph/index.html#as-of=2026-06-01")
    p3.wait_for_function("() => window.__ready === true && document.body.dataset.stateReady === '1'")
    deals = p3.evaluate("Array.from(new Set(network.body.data.edges.get().map(e => e.id.split(':')[0])))")
    import datetime as dt

    from graph.lookup import fetch_deals
    from graph.site.data import date_period

    by_id = {d["id"]: d for d in fetch_deals(bundled_store)}
    on = dt.date(2026, 6, 1)
    expected = {i for i, d in by_id.items() if date_period(d["start"]) and date_period(d["end"])
                and date_period(d["start"]).first <= on <= date_period(d["end"]).last}
    drawn = {d for d in deals if d in by_id}
    assert drawn and drawn <= expected
    assert s.outside == t.outside == [] and s.errors == t.errors == []


def test_map_draws_every_facility_with_coordinates(bundled_site, session, bundled_store):
    out, _ = bundled_site
    s = session(out)
    page = s.goto("map/index.html")
    page.wait_for_function("() => document.body.dataset.mapReady === '1'")
    ids = page.evaluate("ckgMap.markers.map(m => m.point.id)")
    from graph.query import run

    expected = {r["id"] for r in run(bundled_store, "SELECT DISTINCT ?id WHERE { ?f a ckg:Facility ; ckg:slug ?id ; "
                                                   "schema:geo/schema:latitude ?lat }").rows}
    assert set(ids) == expected and len(ids) == len(expected) > 10
    # every marker is drawn: itself or inside a cluster on the map, and the clusters count them all
    drawn = page.evaluate("""() => {
      const seen = new Map(); let alone = 0, hidden = 0;
      ckgMap.markers.forEach(m => { const p = ckgMap.map.hasLayer(m) ? m : ckgMap.layer.getVisibleParent(m);
        if (!p) { hidden++; } else if (p === m) { alone++; } else { seen.set(p, p.getChildCount()); } });
      let inClusters = 0; seen.forEach(n => { inClusters += n; });
      return [alone, inClusters, hidden, document.querySelectorAll('.leaflet-overlay-pane path, .marker-cluster').length];
    }""")
    assert drawn[2] == 0 and drawn[0] + drawn[1] == len(ids) and drawn[3] > 0
    # filters: status and country narrow the markers
    page.select_option("#f-country", "US")
    n_us = int(page.evaluate("document.body.dataset.mapShown"))
    assert 0 < n_us < len(ids)
    # a click on a lone marker opens its facility page
    page.select_option("#f-country", "")
    page.evaluate("ckgMap.map.setView([ckgMap.markers[0].point.lat, ckgMap.markers[0].point.lon], 12)")
    page.wait_for_timeout(400)
    first = page.evaluate("ckgMap.markers[0].point.id")
    with page.expect_navigation():
        page.evaluate("ckgMap.markers[0].fire('click')")
    assert s.here() == f"facility/{first}/index.html"
    assert s.outside == [] and s.errors == []


def test_hostile_names_show_literally_in_every_page_kind(evil_site, session):
    out, _ = evil_site
    s = session(out)
    checks = {
        "company/evil/index.html": [EVIL_NAME, "<img src=x onerror=alert(2)>"],
        "deal/evil-lease/index.html": [EVIL_NAME, "<script>window.__xss4=1</script>", '"><script>window.__xss7=1</script>'],
        "facility/site-1/index.html": ["<b>Site</b></script><script>window.__xss3=1</script>", "<i>Town</i>"],
        "company/index.html": [EVIL_NAME],
        "deal/index.html": [EVIL_NAME],
        "facility/index.html": ["<b>Site</b>"],
        "sources/index.html": ["<i>Pub</i>"],
        "index.html": [EVIL_NAME],
        "timeline/index.html": [],
        "map/index.html": [],
        "graph/index.html#company=evil": [EVIL_NAME],
    }
    for path, texts in checks.items():
        page = s.goto(path)
        if path.startswith("graph"):
            page.wait_for_function("() => window.__ready === true && document.body.dataset.stateReady === '1'")
        if path.startswith("map") or path.startswith("facility/site-1"):
            page.wait_for_function("() => document.body.dataset.mapReady === '1'")
        if path.startswith("timeline"):
            page.wait_for_function("() => document.body.dataset.ready === '1'")
            page.fill("#asof-date", "2026-01-01")
            page.dispatch_event("#asof-date", "change")
            texts = ["evil-lease"]
        if path.startswith("map"):
            page.evaluate("ckgMap.markers[0].openTooltip()")
            assert page.inner_text(".leaflet-tooltip") == "<b>Site</b></script><script>window.__xss3=1</script>"
        body = page.inner_text("body")
        for t in texts:
            assert t in body, (path, t)
        assert page.evaluate("Object.keys(window).filter(k => k.startsWith('__xss'))") == [], path
    # the header search shows names as text too
    page = s.goto("index.html")
    page.fill("#site-q", "script")
    page.wait_for_selector("#site-results li[role=option]")
    assert EVIL_NAME in page.inner_text("#site-results")
    assert page.evaluate("Object.keys(window).filter(k => k.startsWith('__xss'))") == []
    assert s.outside == [] and s.errors == []


def test_pages_fit_a_phone(bundled_site, session):
    out, _ = bundled_site
    s = session(out, viewport=(390, 844))
    for path in ("index.html", "company/xai/index.html", "deal/anthropic-xai-colossus-1/index.html",
                 "facility/stargate-abilene/index.html", "map/index.html", "timeline/index.html"):
        page = s.goto(path)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, (path, width)  # wide tables scroll inside their own box
        assert page.is_visible("#site-q")
    assert s.outside == [] and s.errors == []
