"""The README's screenshot: a real view of the bundled data, drawn by headless Chromium.

Renders `computekg viz NAME... --depth N` (default: Anthropic, depth 1) with graph.render, opens
it from file:// with every other request aborted, waits for the page's ready marker, hovers the
first named company so its tooltip shows, and saves a 1200x800 PNG.

    python bench/screenshot.py [NAME ...] [--depth 1] [-o bench/viz-screenshot.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", default=["Anthropic"])
    ap.add_argument("--depth", type=int, default=1)
    ap.add_argument("-o", "--output", default=str(HERE / "viz-screenshot.png"))
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from graph.cache import cached_store
    from graph.lookup import resolve_company
    from graph.render import build_view, write_html

    store = cached_store()
    view = build_view(store, args.names, depth=args.depth)
    first = "c:" + resolve_company(store, args.names[0])["id"] if args.names else None
    with tempfile.TemporaryDirectory(prefix="ckg-shot-") as tmp:
        page_path = write_html(view, Path(tmp) / "view.html")
        url = page_path.resolve().as_uri()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": 1200, "height": 800})
            context.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
            page = context.new_page()
            page.goto(url)
            page.wait_for_function("window.__ready === true")
            if first:
                # let the small view's physics settle, so the hovered node stays under the pointer
                page.wait_for_function("network.physics.stabilized !== false || !network.physics.options.enabled")
                x, y = page.evaluate("""(id) => {
                  const d = network.canvasToDOM(network.getPositions([id])[id]);
                  const r = document.getElementById('graph').getBoundingClientRect();
                  return [r.left + d.x, r.top + d.y];
                }""", first)
                page.mouse.move(x - 30, y - 30)
                page.mouse.move(x, y)
                page.wait_for_selector("#tip:not([hidden])")
            page.screenshot(path=args.output)
            browser.close()
    c = view["meta"]["counts"]
    print(f"wrote {args.output}: {c['nodes']} nodes, {c['edges']} edges, {c['deals']} deals")
    return 0


if __name__ == "__main__":
    sys.exit(main())
