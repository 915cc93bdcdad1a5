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
    from graph.build import cached_store
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

    out, _ = bundled_site
    ttl = rdflib.Graph().parse(out / "downloads" / "computekg.ttl", format="turtle")
    jsonld = rdflib.Graph().parse(out / "downloads" / "computekg.jsonld", format="json-ld")
    assert len(ttl) == len(jsonld) > 10_000
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
    from graph.build import cached_store
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
