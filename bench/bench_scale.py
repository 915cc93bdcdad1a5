"""Scale: load, memory, store size, lookups, stats and the named queries at 1k to 1M deals (issue 13).

For each size, synthetic records (``bench/synthetic.py``, written as one JSON file) go through the
real CLI in fresh processes, each timed from outside and its peak memory read from the kernel
(``os.wait4``'s rusage of that child alone):

- ``computekg --store DIR load FILE``: wall time, peak RSS, store size on disk;
- the baseline: pyoxigraph's own ``Store.bulk_load`` of the same triples as N-Quads (exported
  with ``computekg --store DIR export --rdf-format nq``) into an empty folder, in a fresh process;
- ``computekg --store DIR company NAME`` for a typical company and the largest (a hyperscaler);
- ``computekg --store DIR stats``;
- ``computekg --store DIR query NAME`` for every named query (parameters where one is required).

    python bench/bench_scale.py                 # 1k, 10k, 100k
    python bench/bench_scale.py --sizes 1000 10000
    python bench/bench_scale.py --million       # adds 1,000,000 (hours and several GB here)

Targets (issue 13): peak memory that does not grow with the input (at most 1 GB at 1M); load within
2x of the bulk_load baseline; 1M deals load; ``stats`` on 100k deals under 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import synthetic  # noqa: E402  (bench/synthetic.py)

# Named queries that need a parameter, and the one given here (synthetic names).
QUERY_PARAMS = {"in-force": ["-p", "date=2026-01-01"], "providers-of": ["-p", "company_name=Hyperscaler 1"]}

BASELINE = """
import sys, pyoxigraph
store = pyoxigraph.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=pyoxigraph.RdfFormat.N_QUADS)
store.flush()
"""


def run(cmd: list[str], env: dict, *, stdout=subprocess.DEVNULL) -> tuple[float, float]:
    """Run a command to completion: (wall seconds, peak RSS of that process in MB)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in KB on Linux


def best(cmd: list[str], env: dict, repeat: int) -> float:
    return min(run(cmd, env)[0] for _ in range(repeat))


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def named_queries() -> list[str]:
    from graph.query import user_queries

    return [q.name for q in user_queries()]


def measure(n: int, work: Path, env: dict, repeat: int) -> dict:
    cli = [sys.executable, "-m", "graph"]
    records = synthetic.generate(n)
    src = work / f"deals-{n}.json"
    src.write_text(json.dumps(records))
    store = work / f"store-{n}"
    row: dict = {"deals": n, "companies": len(records["companies"])}
    row["load_s"], row["load_rss_mb"] = run([*cli, "--store", str(store), "load", str(src)], env)
    row["store_mb"] = size_mb(store)
    nq = work / f"deals-{n}.nq"
    row["export_s"], _ = run([*cli, "--store", str(store), "export", "--rdf-format", "nq", "-o", str(nq)], env)
    with nq.open("rb") as f:
        row["quads"] = sum(1 for _ in f)
    base = work / f"bulk-{n}"
    row["bulk_s"], row["bulk_rss_mb"] = run([sys.executable, "-c", BASELINE, str(base), str(nq)], env)
    row["bulk_store_mb"] = size_mb(base)
    shutil.rmtree(base)
    nq.unlink()
    deals_of: dict[str, int] = {}
    for d in records["deals"]:
        for c in (d["provider"], d["customer"]):
            deals_of[c] = deals_of.get(c, 0) + 1
    ranked = sorted(deals_of, key=lambda c: (deals_of[c], c))
    typical, largest = ranked[len(ranked) // 2], ranked[-1]
    row["typical"], row["largest"] = (typical, deals_of[typical]), (largest, deals_of[largest])
    s = ["--store", str(store)]
    run([*cli, *s, "company", typical], env)  # first open of the store (not counted)
    row["lookup_typical_s"] = best([*cli, *s, "company", typical], env, repeat)
    row["lookup_largest_s"] = best([*cli, *s, "company", largest], env, repeat)
    row["stats_s"] = best([*cli, *s, "stats"], env, repeat)
    row["queries"] = {q: best([*cli, *s, "query", q, *QUERY_PARAMS.get(q, [])], env, 1) for q in named_queries()}
    shutil.rmtree(store)
    src.unlink()
    return row


def table(rows: list[dict]) -> str:
    def f(x: float) -> str:
        return f"{x:.2f}" if x < 10 else f"{x:.0f}"

    head = ["deals", "quads", "load (s)", "peak RSS (MB)", "store (MB)", "bulk_load (s)", "ratio",
            "bulk_load RSS (MB)", "lookup typical (s)", "lookup largest (s)", "stats (s)"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        out.append("| " + " | ".join([
            f"{r['deals']:,}", f"{r['quads']:,}", f(r["load_s"]), f"{r['load_rss_mb']:.0f}", f"{r['store_mb']:.0f}",
            f(r["bulk_s"]), f"{r['load_s'] / r['bulk_s']:.1f}", f"{r['bulk_rss_mb']:.0f}",
            f"{f(r['lookup_typical_s'])} ({r['typical'][1]} deals)", f"{f(r['lookup_largest_s'])} ({r['largest'][1]:,} deals)",
            f(r["stats_s"])]) + " |")
    names = list(rows[0]["queries"]) if rows else []
    out += ["", "| named query (s) | " + " | ".join(f"{r['deals']:,}" for r in rows) + " |",
            "|---|" + "---|" * len(rows)]
    for q in names:
        out.append(f"| {q} | " + " | ".join(f(r["queries"][q]) for r in rows) + " |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--million", action="store_true", help="add 1,000,000 deals")
    ap.add_argument("--repeat", type=int, default=3, help="runs per lookup and stats (best kept)")
    ap.add_argument("--work", help="a folder for records and stores (default: a temporary one)")
    args = ap.parse_args()
    sizes = [*args.sizes, *([1_000_000] if args.million else [])]
    env = {**os.environ, "PYTHONPATH": str(HERE.parent), "COMPUTEKG_CACHE_DIR": tempfile.mkdtemp(prefix="ckg-cache-")}
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="ckg-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for n in sizes:
            print(f"{n:,} deals ...", file=sys.stderr, flush=True)
            rows.append(measure(n, work, env, args.repeat))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(env["COMPUTEKG_CACHE_DIR"], ignore_errors=True)
    print(table(rows))


if __name__ == "__main__":
    main()
