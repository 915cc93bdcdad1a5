"""`computekg diff` speed (issue 14): two versions of the bundled data, and two large synthetic stores.

Baseline, measured in the same run: reading both sides' quads (``dump_nquads`` + pyoxigraph's
parser, no grouping, no comparison), what any comparison that parses the whole graph costs.
``diff`` compares the sides' N-Quads lines as bytes and parses and describes only the entities
whose lines differ, so a ratio below 1 is the point.

1. Bundled data: ``git:REV`` (the data at an older commit, default the oldest one whose records
   still compile) against ``data/``: cold (the revision extracted and compiled, as on a first run)
   and warm (both compiled stores cached, as on every later run). Target: under 5 s. Run it from
   a git checkout.
2. Synthetic stores of N deals (default 100,000; ``bench/synthetic.py``) and a copy with 1% of
   the deals changed, 0.5% removed and 0.5% added. Target: under a minute.

    python bench/bench_diff.py [--deals 100000] [--rev REV] [--keep DIR]
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from synthetic import generate  # noqa: E402


def read_quads(store) -> int:
    import pyoxigraph as ox

    return sum(1 for _ in ox.parse(store.dump_nquads(), format=ox.RdfFormat.N_QUADS))


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def fill(path: Path, records: dict) -> None:
    """A store folder from records, through validation and triples (as synthetic.build_store)."""
    import synthetic

    original = synthetic.generate
    synthetic.generate = lambda *a, **k: records
    try:
        synthetic.build_store(path)
    finally:
        synthetic.generate = original


def mutate(records: dict, seed: int = 7) -> tuple[dict, dict]:
    rng = random.Random(seed)
    out = copy.deepcopy(records)
    deals = out["deals"]
    n = len(deals)
    idx = list(range(n))
    rng.shuffle(idx)
    changed, removed = idx[: n // 100], set(idx[n // 100: n // 100 + n // 200])
    for i in changed:
        deals[i]["status"] = "terminated" if deals[i].get("status") != "terminated" else "active"
    out["deals"] = [d for i, d in enumerate(deals) if i not in removed]
    for j in range(n // 200):
        extra = copy.deepcopy(deals[j])
        extra["id"] = f"added-deal-{j}"
        out["deals"].append(extra)
    return out, {"changed": len(changed), "removed": len(removed), "added": n // 200}


def bundled(rev: str | None) -> None:
    from graph.cache import cached_store
    from graph.diff import compare, describe, diff, git_tree

    repo = HERE.parent
    if rev is None:
        revs = subprocess.run(["git", "log", "--format=%H", "--", "data"], cwd=repo, capture_output=True,
                              text=True).stdout.split()
        rev = revs[min(5, len(revs) - 1)] if revs else "HEAD"
    spec = f"git:{rev}"
    os.environ["COMPUTEKG_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-diff-cache-")  # cold: nothing cached
    cold, d = timed(lambda: diff(spec, str(repo / "data")))
    warm, d = timed(lambda: diff(spec, str(repo / "data")))
    stores = [cached_store([git_tree(spec, cwd=repo)]), cached_store([repo / "data"])]
    base, n = timed(lambda: sum(read_quads(s) for s in stores))
    describe_t, descs = timed(lambda: [describe(s) for s in stores])
    compare_t, _ = timed(lambda: compare(*descs))
    print(f"bundled data, {spec[:16]} -> data/: {len(d.changes)} entities differ; {n:,} quads on both sides")
    print(f"  diff, cold (revision extracted, both sides compiled): {cold:6.2f} s")
    print(f"  diff, warm (both compiled stores cached):    {warm:6.2f} s   target < 5 s: "
          f"{'met' if warm < 5 else 'missed'}")
    print(f"  baseline, read both sides' quads:           {base:6.2f} s   warm ratio {warm / base:4.2f}x")
    print(f"  for reference, describing every entity of both sides and comparing: {describe_t + compare_t:.2f} s")


def synthetic_pair(n: int, keep: Path | None) -> None:
    from graph.diff import compare_stores
    from graph.store import OxigraphStore

    root = keep or Path(tempfile.mkdtemp(prefix="bench-diff-"))
    a, b = root / f"old-{n}", root / f"new-{n}"
    records = generate(n, max(20, n // 10))
    changed, expect = mutate(records)
    for path, recs in ((a, records), (b, changed)):
        if not path.exists():
            t, _ = timed(lambda: fill(path, recs))
            print(f"  built {path.name} in {t:.0f} s (setup, not measured)")
    stores = [OxigraphStore(a, read_only=True), OxigraphStore(b, read_only=True)]
    base, nq = timed(lambda: sum(read_quads(s) for s in stores))
    total, d = timed(lambda: compare_stores(*stores))
    counts = d.counts()["deal"]
    print(f"synthetic stores, {n:,} deals ({nq:,} quads on both sides): expected {expect}, found {counts}")
    print(f"  diff of two stores:                {total:6.1f} s   target < 60 s: {'met' if total < 60 else 'missed'}")
    print(f"  baseline, read both sides' quads:  {base:6.1f} s   ratio {total / base:4.2f}x")
    if keep is None:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deals", type=int, default=100_000)
    ap.add_argument("--rev", help="the older revision of data/ (default: a few data commits back)")
    ap.add_argument("--keep", type=Path, help="keep (and reuse) the synthetic stores in this folder")
    args = ap.parse_args()
    bundled(args.rev)
    synthetic_pair(args.deals, args.keep)


if __name__ == "__main__":
    main()
