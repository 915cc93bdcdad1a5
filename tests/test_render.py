"""Interactive views (graph.render, `computekg viz`), checked in a real headless Chromium.

The browser tests open the written file from file:// with every other request aborted, and wait
on the ready marker the page sets after its first drawing (never on sleeps).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import write
from graph import cli, render
from graph.cli import main
from graph.errors import BadValue, UnknownName

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EVIL = "O'Brien & \"Sons\" <img src=x onerror=\"window.__xss=1\"></script><script>window.__xss2=1</script> 北京 🚀"
EVIL_YAML = """
companies:
  - {id: evil, name: 'O''Brien & "Sons" <img src=x onerror="window.__xss=1"></script><script>window.__xss2=1</script> 北京 🚀', kind: ai_lab}
  - {id: bigcloud, name: BigCloud, kind: hyperscaler}
facilities:
  - id: site-1
    name: '<b>Site</b></script><script>window.__xss3=1</script>'
    operator: bigcloud
    power_mw: 100
    status: operational
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
    notes: '</script><script>window.__xss4=1</script><img src=x onerror="window.__xss5=1">'
    sources:
      - {publisher: '<i>Pub</i>', title: '"><script>window.__xss6=1</script>', url: 'https://example.com/a?q="><script>window.__xss7=1</script>', date: 2025-01-10, kind: news}
"""
ROLLUP_YAML = """
deals:
  - id: subcloud-serves-acme
    kind: cloud_capacity
    provider: subcloud
    customer: acme-ai
    capacity: {power_mw: 50}
    start: "2025-07"
    end: "2026-06"
    status: active
    sources:
      - {publisher: Wire C, title: SubCloud serves Acme, url: "https://example.com/e", date: 2025-07-01, kind: news}
  - id: holdco-funds-subcloud
    kind: investment
    provider: holdco
    customer: subcloud
    total_value: {amount: 1.0e9, currency: USD}
    announced: "2025-08"
    status: completed
    sources:
      - {publisher: Wire D, title: HoldCo funds SubCloud, url: "https://example.com/f", date: 2025-08-01, kind: news}
"""


# ---------------------------------------------------------------------------- helpers

def store_for(*paths):
    from graph.cache import cached_store

    return cached_store([str(p) for p in paths])


def edge_set(view, role="deal"):
    return {(e["from"], e["to"], e["deal"]) for e in view["edges"] if e["role"] == role}


class _Scripts(HTMLParser):
    """Inline scripts, styles and the CSP meta of a page, as the browser sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts, self.styles, self.csp, self.srcs = [], [], None, []
        self._in = None
        self._buf = []
        self._type = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = a["content"]
        if tag in ("script", "style"):
            self._in, self._buf, self._type = tag, [], a.get("type")
            if a.get("src"):
                self.srcs.append(a["src"])
        if tag == "link" and a.get("href") and not a["href"].startswith("data:"):
            self.srcs.append(a["href"])

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)

    def handle_endtag(self, tag):
        if tag == self._in:
            text = "".join(self._buf)
            if tag == "style":
                self.styles.append(text)
            elif self._type != "application/json":
                self.scripts.append(text)
            self._in = None


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


# ---------------------------------------------------------------------------- views (no browser)

def test_whole_view_of_small_data(small_data):
    view = render.build_view(store_for(small_data))
    ids = {n["id"] for n in view["nodes"]}
    # companies without deals (holdco, subcloud) are not drawn; the facility a deal names is
    assert ids == {"c:acme-ai", "c:bigcloud", "c:chipco", "f:site-1"}
    # arrows from provider to customer
    assert edge_set(view) == {("c:bigcloud", "c:acme-ai", "acme-bigcloud-lease"),
                              ("c:chipco", "c:bigcloud", "chipco-invests-bigcloud"),
                              ("c:chipco", "c:bigcloud", "bigcloud-buys-chips")}
    assert all(e["arrows"] for e in view["edges"] if e["role"] == "deal")
    assert edge_set(view, "site") == {("f:site-1", "c:acme-ai", "acme-bigcloud-lease")}
    assert edge_set(view, "operator") == {("c:bigcloud", "f:site-1", None)}
    shapes = {n["id"]: n["shape"] for n in view["nodes"]}
    assert shapes["f:site-1"] == "square" and shapes["c:acme-ai"] == "dot"
    meta = view["meta"]
    assert meta["counts"] == {"nodes": 4, "edges": 5, "deals": 3, "companies": 3, "facilities": 1}
    assert meta["left_out"]["nodes"] == 0 and meta["physics"] is True
    assert meta["data_as_of"] == "2025-04-02" and meta["licence"] == "CC BY 4.0"
    assert not meta["credits"]  # no Epoch AI data in these records
    json.dumps(view)  # plain data all the way down
    # deterministic: the same records give the same page, byte for byte
    assert render.render_html(view) == render.render_html(render.build_view(store_for(small_data)))
    lease = view["deals"]["acme-bigcloud-lease"]
    facts = dict(map(tuple, lease["facts"]))
    assert facts["Power"] == "100 MW" and facts["Price"] == "about USD 100 million per month"
    assert facts["Accelerators"] == "50,000 × H100" and facts["Start"] == "2025-01"
    chips = dict(map(tuple, view["deals"]["bigcloud-buys-chips"]["facts"]))
    assert chips["Total value"] == "USD 5 billion"
    assert chips["Total value, other sources"] == "about USD 6 billion (per Wire B)"
    # widths follow headline MW: the lease is the only deal with MW, so it is the widest
    widths = {e["deal"]: e["width"] for e in view["edges"] if e["role"] == "deal"}
    assert widths["acme-bigcloud-lease"] == 10.0 and widths["chipco-invests-bigcloud"] == 1.0


def test_neighbourhood_depth_filters_and_cap(small_data):
    store = store_for(small_data)
    one = render.build_view(store, ["Acme"], depth=1)
    assert {n["id"] for n in one["nodes"]} == {"c:acme-ai", "c:bigcloud", "f:site-1"}
    assert one["meta"]["title"] == "computekg: Acme AI (depth 1)"
    two = render.build_view(store, ["Acme"], depth=2)
    assert {n["id"] for n in two["nodes"]} == {"c:acme-ai", "c:bigcloud", "c:chipco", "f:site-1"}
    zero = render.build_view(store, ["chipco"], depth=0)
    assert [n["id"] for n in zero["nodes"]] == ["c:chipco"] and zero["edges"] == []

    inv = render.build_view(store, kinds=["investment"])
    assert set(inv["deals"]) == {"chipco-invests-bigcloud"}
    assert render.build_view(store, statuses=["completed"])["deals"].keys() == {"chipco-invests-bigcloud"}
    # in force on 2026-01-01: only the lease has both dates
    assert set(render.build_view(store, as_of=__import__("datetime").date(2026, 1, 1))["deals"]) == \
        {"acme-bigcloud-lease"}

    capped = render.build_view(store, max_nodes=2)
    assert {n["id"] for n in capped["nodes"]} == {"c:bigcloud", "c:acme-ai"}  # the best connected
    lo = capped["meta"]["left_out"]
    assert (lo["nodes"], lo["edges"], lo["deals"]) == (2, 4, 2)
    assert "Left out" in capped["meta"]["summary"] and "ChipCo" in capped["meta"]["summary"]
    # named companies stay whatever the cap
    assert "c:chipco" in {n["id"] for n in render.build_view(store, ["ChipCo"], max_nodes=1)["nodes"]}
    assert render.build_view(store, max_nodes=0)["meta"]["left_out"]["nodes"] == 0


def test_roll_up_merges_subsidiaries_into_their_parent(small_data):
    write(small_data.parent / "more.yaml", ROLLUP_YAML)
    store = store_for(small_data.parent)
    plain = render.build_view(store)
    assert ("c:subcloud", "c:acme-ai", "subcloud-serves-acme") in edge_set(plain)
    assert ("c:holdco", "c:subcloud", "holdco-funds-subcloud") in edge_set(plain)
    rolled = render.build_view(store, roll_up=True)
    ids = {n["id"] for n in rolled["nodes"]}
    assert "c:subcloud" not in ids and "c:holdco" in ids
    assert ("c:holdco", "c:acme-ai", "subcloud-serves-acme") in edge_set(rolled)
    # the deal inside the group has no edge and is counted as left out
    assert "holdco-funds-subcloud" not in rolled["deals"]
    assert rolled["meta"]["left_out"]["intra_group_deals"] == 1
    holdco = next(n for n in rolled["nodes"] if n["id"] == "c:holdco")
    assert ["Includes (rolled up)", "SubCloud"] in holdco["facts"]
    # before parent_since (2025-06) SubCloud was not HoldCo's
    early = render.build_view(store, roll_up=True, as_of=__import__("datetime").date(2025, 5, 1))
    assert all(n["id"] != "c:holdco" or "Includes (rolled up)" not in dict(map(tuple, n["facts"]))
               for n in early["nodes"])


def test_unknown_names_and_bad_values(small_data):
    store = store_for(small_data)
    with pytest.raises(UnknownName) as exc:
        render.build_view(store, ["Bigclod"])
    assert "bigcloud" in str(exc.value).lower()
    with pytest.raises(BadValue) as bad:
        render.build_view(store, kinds=["leese"])
    assert bad.value.hint.startswith("did you mean 'lease'?") and "cloud_capacity" in bad.value.hint
    with pytest.raises(BadValue):
        render.build_view(store, color_by="colour")


def test_cli_viz_errors_are_one_line(runner, small_data, tmp_path):
    out = tmp_path / "v.html"
    r = runner.invoke(main, ["--data", str(small_data), "viz", "Bigclod", "-o", str(out)])
    assert r.exit_code == 1 and "Did you mean 'bigcloud'" in r.stderr and "Traceback" not in r.output
    r = runner.invoke(main, ["--data", str(small_data), "viz", "--kinds", "lease,leese", "-o", str(out)])
    assert r.exit_code == 2 and "did you mean 'lease'" in r.stderr
    r = runner.invoke(main, ["--data", str(small_data), "viz", "--status", "sgned", "-o", str(out)])
    assert r.exit_code == 2 and "signed" in r.stderr
    assert not out.exists()
    r = runner.invoke(main, ["viz", "--help"])
    assert r.exit_code == 0 and "computekg viz Anthropic" in r.output


def test_cli_choices_equal_the_render_registries():
    assert cli.VIZ_COLOR_BY == render.COLOR_BY and cli.VIZ_SIZE_BY == render.SIZE_BY
    assert cli.VIZ_MAX_NODES == render.DEFAULT_MAX_NODES


def test_json_in_the_page_cannot_close_its_script():
    text = render.json_for_script({"a": "</script><!-- & \u2028\u2029 >"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029 >"}


def test_one_file_written_and_nothing_else(runner, small_data, tmp_path, monkeypatch):
    import pyvis

    pyvis_dir = Path(pyvis.__file__).parent
    before = sorted(str(p) for p in pyvis_dir.rglob("*") if "__pycache__" not in p.parts)
    work = tmp_path / "empty"
    work.mkdir()
    monkeypatch.chdir(work)
    r = runner.invoke(main, ["--data", str(small_data), "viz", "-o", "view.html", "--color-by", "year"])
    assert r.exit_code == 0, r.output
    assert sorted(os.listdir(work)) == ["view.html"]
    render.write_html(render.build_view(store_for(small_data)), work / "again.html")
    assert sorted(os.listdir(work)) == ["again.html", "view.html"]
    assert sorted(str(p) for p in pyvis_dir.rglob("*") if "__pycache__" not in p.parts) == before
    page = (work / "view.html").read_bytes().decode("utf-8")  # UTF-8 whatever the locale
    assert page.startswith("<!DOCTYPE html>")
    found = _Scripts()
    found.feed(page)
    assert found.srcs == [], "the page refers to other files"
    assert "vis.Network" in page and "sourceMappingURL" not in page


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


class Opened:
    def __init__(self, page, url, requests, errors):
        self.page, self.url, self.requests, self.errors = page, url, requests, errors


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(path: Path) -> Opened:
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        contexts.append(context)
        url = path.resolve().as_uri()
        requests, errors = [], []

        def route(r):
            if r.request.url == url:
                r.continue_()
            else:
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda req: requests.append(req.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_function("window.__ready === true && document.body.dataset.ready === '1'", timeout=60_000)
        return Opened(page, url, requests, errors)

    yield opener
    for c in contexts:
        c.close()


PAINTED = """() => {
  const c = document.querySelector('#graph canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } }
  return n;
}"""
COUNTS = """() => [network.body.data.nodes.length, network.body.data.edges.length,
                   Number(document.body.dataset.nodeCount), Number(document.body.dataset.edgeCount)]"""


def test_page_works_offline(small_data, tmp_path, open_page):
    view = render.build_view(store_for(small_data))
    path = render.write_html(view, tmp_path / "view.html")
    opened = open_page(path)
    assert opened.requests == [opened.url], "the page asked for something besides itself"
    assert opened.errors == []
    page = opened.page
    n, e = view["meta"]["counts"]["nodes"], view["meta"]["counts"]["edges"]
    assert page.evaluate(COUNTS) == [n, e, n, e]
    assert page.evaluate(PAINTED) > 500, "the canvas is blank"
    text = page.inner_text("body")
    assert "Data as of 2025-04-02" in text and "CC BY 4.0" in text and "4 nodes, 5 edges" in text
    # filter toggles hide the deals of a kind, and bring them back
    page.get_by_label("investment").uncheck()
    assert page.evaluate("network.body.data.edges.length") == e - 1
    page.get_by_label("investment").check()
    assert page.evaluate("network.body.data.edges.length") == e


def test_large_view_has_no_physics_and_straight_edges(tmp_path, open_page):
    view = synthetic_view(400)
    assert view["meta"]["physics"] is False and view["meta"]["counts"]["nodes"] == 400
    path = render.write_html(view, tmp_path / "big.html")
    opened = open_page(path)
    assert opened.errors == [] and opened.requests == [opened.url]
    page = opened.page
    assert page.evaluate("network.physics.options.enabled") is False
    assert page.evaluate(COUNTS)[:2] == [400, len(view["edges"])]
    assert page.evaluate(PAINTED) > 500


def synthetic_view(n: int) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    try:
        from bench_viz import synthetic_records
    finally:
        sys.path.pop(0)
    companies, facilities, deals = synthetic_records(n)
    return render.assemble_view(companies, facilities, deals, max_nodes=None)


def node_point(page, node_id):
    return page.evaluate("""(id) => {
      const p = network.getPositions([id])[id];
      const d = network.canvasToDOM(p);
      const r = document.getElementById('graph').getBoundingClientRect();
      return [r.left + d.x, r.top + d.y];
    }""", node_id)


def test_hostile_names_are_shown_as_text_and_never_run(runner, tmp_path, open_page):
    data = write(tmp_path / "evil" / "evil.yaml", EVIL_YAML)
    path = tmp_path / "evil.html"
    r = runner.invoke(main, ["--data", str(data), "viz", "evil", "-o", str(path)])
    assert r.exit_code == 0, r.output
    opened = open_page(path)
    page = opened.page
    assert opened.errors == []
    assert page.evaluate("network.body.data.nodes.get('c:evil').label") == EVIL
    assert page.title() == f"computekg: {EVIL} (depth 1)"
    assert page.inner_text("#title") == f"computekg: {EVIL} (depth 1)"

    # hover: the tooltip shows the name as text
    x, y = node_point(page, "c:evil")
    page.mouse.move(x - 40, y - 40)
    page.mouse.move(x, y)
    page.wait_for_selector("#tip:not([hidden])")
    assert EVIL in page.text_content("#tip")
    assert page.locator("#tip img, #tip script, #tip b, #tip i").count() == 0

    # click: the side panel shows the same facts
    page.mouse.click(x, y)
    page.wait_for_selector("#panel:not([hidden])")
    assert page.text_content("#panel h2") == EVIL
    # the deal, from the panel: notes and sources as text, links to http(s) in a new tab
    page.locator("#panel button.link").first.click()
    panel = page.text_content("#panel")
    assert "</script><script>window.__xss4=1</script>" in panel and "<i>Pub</i>" in panel
    link = page.locator("#panel a").first
    assert link.get_attribute("target") == "_blank" and link.get_attribute("rel") == "noopener noreferrer"
    assert link.get_attribute("href").startswith("https://example.com/a?q=")
    assert page.locator("#panel img, #panel script, #panel i").count() == 0

    # search: results show the name as text; choosing one opens the panel
    page.fill("#search", "brien & \"sons\" <img")
    hit = page.locator("#results button").first
    assert hit.locator(".hit-label").text_content() == EVIL
    hit.click()
    assert page.text_content("#panel h2") == EVIL
    page.fill("#search", "<b>site")
    assert page.locator("#results .hit-label").first.text_content() == "<b>Site</b></script><script>window.__xss3=1</script>"

    ran = page.evaluate("[1,2,3,4,5,6,7].map(i => window['__xss' + (i === 1 ? '' : i)])")
    assert ran == [None] * 7, "a script from the data ran"
    assert page.locator("img").count() == 0
    assert opened.errors == []


def test_content_security_policy(small_data, tmp_path, open_page):
    page_text = render.render_html(render.build_view(store_for(small_data)))
    found = _Scripts()
    found.feed(page_text)
    assert found.csp is not None
    policy = {d.strip().split()[0]: d.strip().split()[1:] for d in found.csp.split(";") if d.strip()}
    assert policy["default-src"] == ["'none'"] and policy["connect-src"] == ["'none'"]
    assert sorted(policy["script-src"]) == sorted(sha(s) for s in found.scripts)
    assert len(found.scripts) == 2  # vis-network and the page's own script; the data is JSON
    assert sorted(policy["style-src"]) == sorted(sha(s) for s in found.styles)
    assert "'unsafe-inline'" not in found.csp and "'unsafe-eval'" not in found.csp
    # the browser enforces it: a script injected at run time does not run
    path = tmp_path / "csp.html"
    path.write_text(page_text, encoding="utf-8")
    opened = open_page(path)
    ran = opened.page.evaluate("""() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = 1';
      document.body.appendChild(s);
      return window.__injected;
    }""")
    assert ran is None
    assert any("Content Security Policy" in e for e in opened.errors)


def test_notebook_helper_returns_html_that_draws(small_data, browser, monkeypatch):
    view = render.build_view(store_for(small_data))
    shown = render.show(view, height=500)
    wrapper = shown._repr_html_()
    pytest.importorskip("IPython")
    from IPython.display import HTML

    assert isinstance(shown, HTML)
    srcdoc = re.search(r'srcdoc="([^"]*)"', wrapper).group(1)
    assert html.unescape(srcdoc) == render.render_html(view)
    assert 'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"' in wrapper
    # without IPython: an object notebooks display through _repr_html_
    monkeypatch.setitem(sys.modules, "IPython", None)
    monkeypatch.setitem(sys.modules, "IPython.display", None)
    plain = render.show(view, height=500)
    assert not isinstance(plain, HTML) and plain._repr_html_() == wrapper
    # and the frame really draws
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(wrapper)
        frame = page.frames[1]
        frame.wait_for_function("window.__ready === true", timeout=60_000)
        assert frame.evaluate("network.body.data.nodes.length") == view["meta"]["counts"]["nodes"]
    finally:
        context.close()
