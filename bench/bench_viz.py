"""Interactive views at scale (issue 5): build, render and open synthetic views in headless Chromium.

For views of 500, 2,000 and 10,000 nodes (companies and facilities; about 1.4 edges per
node), prints: the time to build the view in Python (layout included), to render the page, the
page's size, and the time from navigation to the page's ready marker (set after vis-network's
first drawing) in headless Chromium, opened from file:// with every other request aborted.
Also the bundled data's default view. Not a test: figures for bench/README.md.

    python bench/bench_viz.py [--sizes 500,2000,10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COMPANY_KINDS = ["ai_lab", "hyperscaler", "neocloud", "chipmaker", "data_center_developer", "energy", "investor",
                 "other"]
DEAL_KINDS = ["lease", "cloud_capacity", "chip_supply", "investment", "colocation", "power_purchase", "acquisition",
              "other"]
STATUSES = ["reported", "announced", "signed", "active", "completed"]


def synthetic_records(n_nodes: int, seed: int = 5) -> tuple[list[dict], list[dict], list[dict]]:
    """Companies, facilities and deals (as graph.lookup returns them) making a view of exactly
    ``n_nodes`` nodes: 80% companies, each in at least one deal (preferential attachment, so a
    few hubs), 20% facilities, each named by a deal."""
    rng = random.Random(seed)
    n_comp = max(2, int(n_nodes * 0.8))
    n_fac = n_nodes - n_comp
    companies = [{"id": f"co-{i}", "name": f"Company {i}", "aliases": [], "kind": rng.choice(COMPANY_KINDS),
                  "parent": None, "parent_since": None, "country": "US", "iri": f"urn:co-{i}"}
                 for i in range(n_comp)]
    ends: list[str] = ["co-0"]
    pairs = []
    for i in range(1, n_comp):
        other = rng.choice(ends)
        pairs.append((other, f"co-{i}") if rng.random() < 0.7 else (f"co-{i}", other))
        ends.extend([other, f"co-{i}"])
    for _ in range(int(n_comp * 0.3)):
        a, b = rng.choice(ends), rng.choice(ends)
        if a != b:
            pairs.append((a, b))
    names = {c["id"]: c["name"] for c in companies}
    deals = []
    for k, (prov, cust) in enumerate(pairs):
        year = rng.randint(2019, 2027)
        start = dt.date(year, rng.randint(1, 12), 1)
        mw = rng.choice([0, 0, 50, 100, 300, 1000, 2500])
        deals.append({
            "id": f"deal-{k}", "kind": rng.choice(DEAL_KINDS), "status": rng.choice(STATUSES),
            "provider": prov, "customer": cust, "members": [], "guarantor": None, "end_user": None,
            "parties": {prov: names[prov], cust: names[cust]}, "facilities": [],
            "power_mw": [{"value": mw, "qualifier": None, "source": None, "headline": True}] if mw else [],
            "accelerators": [], "price": [],
            "total_value": [{"amount": rng.choice([1e8, 1e9, 5e9, 3e10]), "currency": "USD", "qualifier": None,
                             "source": None, "headline": True}],
            "announced": f"{year}-{start.month:02d}", "start": f"{year}-{start.month:02d}",
            "end": f"{year + 5}-{start.month:02d}", "start_date": start, "end_date": dt.date(year + 5, 12, 31),
            "supersedes": None, "terms": None, "notes": None,
            "sources": [{"publisher": "Synthetic Wire", "title": f"Deal {k}", "url": f"https://example.com/{k}",
                         "date": f"{year}-{start.month:02d}-01", "kind": "news", "primary": False}],
        })
    facilities = []
    for j in range(n_fac):
        d = deals[(j * 7919) % len(deals)]
        d["facilities"].append(f"site-{j}")
        facilities.append({"id": f"site-{j}", "name": f"Site {j}", "operators": [d["provider"]], "owners": [],
                           "lat": None, "lon": None, "city": None, "country": "US",
                           "status": rng.choice(["planned", "under_construction", "operational"]),
                           "power_mw": rng.choice([100, 300, 1000]), "power_qualifier": None})
    return companies, facilities, deals


def open_and_wait(browser, path: Path) -> tuple[float, float, int, int]:
    """(seconds from navigation to the ready marker as the page measures it, wall-clock seconds,
    requests besides the page, console errors)."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    url = path.resolve().as_uri()
    requests, errors = [], []
    context.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url) if r.url != url else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    t0 = time.perf_counter()
    page.goto(url, timeout=600_000)
    page.wait_for_function("window.__ready === true", timeout=600_000, polling=50)
    wall = time.perf_counter() - t0
    ready_ms = float(page.evaluate("document.body.dataset.readyMs"))
    context.close()
    return ready_ms / 1000.0, wall, len(requests), len(errors)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="500,2000,10000")
    ap.add_argument("--keep", help="keep the pages in DIR")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from graph import render

    out = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ckg-bench-viz-"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            from graph.cache import cached_store

            t = time.perf_counter()
            view = render.build_view(cached_store())
            build = time.perf_counter() - t
            t = time.perf_counter()
            path = render.write_html(view, out / "bundled.html")
            write = time.perf_counter() - t
            rows.append(("bundled data (default cap)", view, build, write, path.stat().st_size,
                         *open_and_wait(browser, path)))
            for n in [int(s) for s in args.sizes.split(",")]:
                companies, facilities, deals = synthetic_records(n)
                t = time.perf_counter()
                view = render.assemble_view(companies, facilities, deals, max_nodes=None)
                build = time.perf_counter() - t
                t = time.perf_counter()
                path = render.write_html(view, out / f"synthetic-{n}.html")
                write = time.perf_counter() - t
                rows.append((f"synthetic {n:,} nodes", view, build, write, path.stat().st_size,
                             *open_and_wait(browser, path)))
            browser.close()
    finally:
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)
    print("| view | nodes | edges | physics | build view (s) | render+write (s) | page (MB) "
          "| first drawing in Chromium (s) | wall to ready (s) | other requests | console errors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, view, build, write, size, ready, wall, reqs, errs in rows:
        c = view["meta"]["counts"]
        size = size / 1e6
        print(f"| {name} | {c['nodes']:,} | {c['edges']:,} | {'on' if view['meta']['physics'] else 'off'} "
              f"| {build:.2f} | {write:.2f} | {size:.1f} | {ready:.2f} | {wall:.2f} | {reqs} | {errs} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
