"""Website figures: `computekg site` build time, size and peak memory, and the map's first drawing.

Each build runs in a fresh process (so its peak resident memory is its own), on:
- the bundled data (curated records and Epoch AI's datasets, the cached compiled store);
- a synthetic store of N companies and M deals (bench/synthetic.py; default 10,000 / 100,000).
Then the map page of the bundled site is opened in headless Chromium from file:// (every other
request refused) and the time to its first drawing with every marker is read from the page
(``document.body.dataset.mapReadyMs``, ms since navigation start), median of several loads.
Baseline for the build time: the same process exporting the store as Turtle (`computekg export`),
which every site build also does.

    python bench/bench_site.py [--companies 10000] [--deals 100000] [--skip-synthetic] [--loads 5]
                               [--store DIR --skip-bundled]   # a synthetic store filled before
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from graph.remote import open_store
from graph.cache import cached_store
store = open_store(sys.argv[3], read_only=True) if sys.argv[3] != "-" else cached_store()
mode = sys.argv[4]
t = time.perf_counter()
if mode == "export":
    from graph.export import export_rdf
    n = len(export_rdf(store, "turtle"))
    out = {"seconds": time.perf_counter() - t, "bytes": n}
else:
    from graph.site import build_site
    r = build_site(store, sys.argv[2])
    out = {"seconds": time.perf_counter() - t, "bytes": r.bytes, "files": r.files, "counts": r.counts}
ru = resource.getrusage(resource.RUSAGE_SELF)
out["peak_mb"] = ru.ru_maxrss / 1024
out["cpu"] = ru.ru_utime + ru.ru_stime
print(json.dumps(out))
"""


def run_child(out_dir: str, store: str, mode: str) -> dict:
    res = subprocess.run([sys.executable, "-c", CHILD, str(HERE.parent), out_dir, store, mode],
                         capture_output=True, text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def map_first_draw(site: Path, loads: int) -> tuple[float, int]:
    from playwright.sync_api import sync_playwright

    prefix = site.resolve().as_uri() + "/"
    times, markers = [], 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(prefix) else r.abort())
            page = context.new_page()
            page.goto(prefix + "map/index.html")
            page.wait_for_function("() => document.body.dataset.mapReady === '1'", timeout=120_000)
            times.append(float(page.evaluate("document.body.dataset.mapReadyMs")))
            markers = page.evaluate("ckgMap.markers.length")
            context.close()
        browser.close()
    return statistics.median(times), markers


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--companies", type=int, default=10_000)
    ap.add_argument("--deals", type=int, default=100_000)
    ap.add_argument("--skip-synthetic", action="store_true")
    ap.add_argument("--loads", type=int, default=5)
    ap.add_argument("--store", help="a synthetic store folder filled before (bench/synthetic.py build_store): "
                                    "measure on it instead of filling a new one; with --skip-bundled, only it")
    ap.add_argument("--skip-bundled", action="store_true")
    args = ap.parse_args(argv)
    from graph.cache import cached_store

    if not args.skip_bundled:
        cached_store()  # compile the bundled store once, outside the timings
    with tempfile.TemporaryDirectory(prefix="ckg-bench-site-") as tmp:
        tmp = Path(tmp)
        if not args.skip_bundled:
            base = run_child("-", "-", "export")
            r = run_child(str(tmp / "bundled"), "-", "site")
            c = r["counts"]
            print(f"bundled data: {c['companies']} companies, {c['deals']} deals, {c['facilities']} facilities")
            print(f"  site build     {r['seconds']:7.1f} s ({r['cpu']:.1f} s CPU)  {r['files']} files, "
                  f"{r['bytes'] / 1e6:.1f} MB, peak {r['peak_mb']:.0f} MB RSS")
            print(f"  baseline: export --rdf-format turtle {base['seconds']:.2f} s ({base['cpu']:.1f} s CPU, "
                  f"peak {base['peak_mb']:.0f} MB RSS) "
                  f"(site build = {r['seconds'] / base['seconds']:.1f}x the Turtle export)")
            ms, n = map_first_draw(tmp / "bundled", args.loads)
            print(f"  map first drawing in Chromium: {ms:.0f} ms (median of {args.loads} loads, {n} facilities)")
        if not args.skip_synthetic:
            from synthetic import build_store

            t = time.perf_counter()
            store = args.store
            if store is None:
                store = str(tmp / "store")
                build_store(store, n_deals=args.deals, n_companies=args.companies)
            filled = time.perf_counter() - t
            base = run_child("-", store, "export")
            r = run_child(str(tmp / "synthetic"), store, "site")
            c = r["counts"]
            print(f"synthetic: {c['companies']:,} companies, {c['deals']:,} deals, {c['facilities']:,} facilities "
                  + (f"(store filled in {filled:.0f} s)" if args.store is None else f"(store {args.store})"))
            print(f"  site build     {r['seconds']:7.1f} s ({r['cpu']:.0f} s CPU)  {r['files']:,} files, "
                  f"{r['bytes'] / 1e6:.0f} MB, peak {r['peak_mb']:.0f} MB RSS")
            print(f"  baseline: export --rdf-format turtle {base['seconds']:.1f} s ({base['cpu']:.0f} s CPU, "
                  f"peak {base['peak_mb']:.0f} MB RSS) "
                  f"(site build = {r['seconds'] / base['seconds']:.1f}x the Turtle export)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
