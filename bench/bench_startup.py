"""Start-up and lookup ratios for issue 2 (prints figures; not a test).

1. `computekg company Anthropic` (bundled data, warm compiled-store cache) against
   `python -c "import pyoxigraph, click"`: target within 1.5x.
2. On a persistent store of N synthetic deals (default 100,000), a company lookup in a fresh
   process (`computekg --store DIR company NAME --format jsonl`) against raw pyoxigraph opening
   the store read-only and running the same queries in a fresh process, reading every value of
   every solution (and printing nothing): target within 1.3x. The company is the largest
   hyperscaler (about 8,000 deals), the worst case; a typical company is also timed.

Each command runs REPEAT times, alternating, and the medians are compared.

3. With ``--against REV``: the same lookup on the same records (REV's bundled data) by this
   checkout's code and by REV's code (exported with ``git archive``), alternating: the ratio says
   whether the lookup got slower since REV, whatever the machine's load.

    python bench/bench_startup.py [--deals 100000] [--repeat 15] [--keep DIR] [--against REV]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def timed(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def compare(label: str, a: list[str], b: list[str], env: dict, repeat: int, target: float) -> float:
    ta, tb = [], []
    for _ in range(repeat):
        ta.append(timed(a, env))
        tb.append(timed(b, env))
    ma, mb = statistics.median(ta), statistics.median(tb)
    ratio = ma / mb
    verdict = "OK" if ratio <= target else "OVER TARGET"
    print(f"{label}: {ma * 1000:.0f} ms vs {mb * 1000:.0f} ms -> ratio {ratio:.2f} (target <= {target}) {verdict}")
    return ratio


RAW_LOOKUP = r'''
import sys, pyoxigraph as ox
from pathlib import Path
store = ox.Store.read_only(sys.argv[1])
qdir = Path(sys.argv[2])
party = ox.NamedNode("https://w3id.org/computekg/id/company/" + sys.argv[3])
prefixes = {"ckg": "https://w3id.org/computekg/ontology#", "schema": "https://schema.org/",
            "prov": "http://www.w3.org/ns/prov#", "skos": "http://www.w3.org/2004/02/skos/core#",
            "org": "http://www.w3.org/ns/org#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "xsd": "http://www.w3.org/2001/XMLSchema#"}
n = 0
for name in ["_deal-core", "_deal-parties", "_deal-facilities", "_deal-values", "_deal-sources"]:
    q = (qdir / (name + ".rq")).read_text()
    for sol in store.query(q, prefixes=prefixes, substitutions={ox.Variable("party"): party}):
        n += len(tuple(sol))  # read every value, as any use of the answer must
print(n)
'''


def against(rev: str, cli: list[str], env: dict, repeat: int) -> None:
    """Measure 3: this code and REV's code, each answering `company Anthropic` from REV's data."""
    root = HERE.parent
    old = Path(tempfile.mkdtemp(prefix="ckg-bench-rev-"))
    archive = subprocess.run(["git", "-C", str(root), "archive", rev], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(old / "graph")], env=env, check=True)
    data = str(old / "data")
    old_env = dict(env, PYTHONPATH=str(old), COMPUTEKG_CACHE_DIR=tempfile.mkdtemp(prefix="ckg-bench-cache-rev-"))
    new_cmd = cli + ["--data", data, "company", "Anthropic"]
    old_cmd = [sys.executable, "-m", "graph", "--data", data, "company", "Anthropic"]
    for cmd, e in ((new_cmd, env), (old_cmd, old_env)):  # warm both caches
        subprocess.run(cmd, env=e, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # `python -m graph` for both sides: the same launcher, so only the code differs.
    new_cmd = [sys.executable, "-m", "graph", "--data", data, "company", "Anthropic"]
    ta, tb = [], []
    for _ in range(repeat):
        ta.append(timed(new_cmd, env))
        tb.append(timed(old_cmd, old_env))
    a, b = statistics.median(ta) * 1000, statistics.median(tb) * 1000
    print(f"3. company lookup ({rev}'s data), this code vs the code at {rev}: {a:.0f} ms vs {b:.0f} ms "
          f"-> ratio {a / b:.2f}")
    shutil.rmtree(old, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deals", type=int, default=100_000)
    ap.add_argument("--companies", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--keep", help="build (or reuse) the synthetic store in this folder")
    ap.add_argument("--against", metavar="REV", help="also compare the lookup with the code at this git revision")
    ap.add_argument("--skip-synthetic", action="store_true", help="only the bundled-data measures")
    args = ap.parse_args()

    # The console script beside this interpreter (not a shell shim such as pyenv's, which adds its own start-up).
    exe = Path(sys.executable).parent / "computekg"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "graph"]
    env = dict(os.environ)
    # Measure as an installed tool runs: with compiled bytecode (pip byte-compiles on install);
    # some environments set PYTHONDONTWRITEBYTECODE, which would recompile every module every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "graph")], env=env, check=True)
    cache = tempfile.mkdtemp(prefix="ckg-bench-cache-")
    env["COMPUTEKG_CACHE_DIR"] = cache
    subprocess.run(cli + ["company", "Anthropic"], env=env, check=True, stdout=subprocess.DEVNULL)  # warm the cache
    print(f"# computekg: {' '.join(cli)}; python {sys.version.split()[0]}; {os.cpu_count()} cores")
    compare("1. company lookup (bundled data) vs import pyoxigraph+click",
            cli + ["company", "Anthropic"], [sys.executable, "-c", "import pyoxigraph, click"], env, args.repeat, 1.5)

    if args.against:
        against(args.against, cli, env, args.repeat)
    if args.skip_synthetic:
        shutil.rmtree(cache, ignore_errors=True)
        return

    from synthetic import build_store

    store_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ckg-bench-store-"))
    if not (store_dir / "CURRENT").exists():
        t = time.perf_counter()
        info = build_store(store_dir, n_deals=args.deals, n_companies=args.companies, seed=7)
        print(f"# built a store of {args.deals:,} synthetic deals, {info['triples']:,} triples, "
              f"in {time.perf_counter() - t:.0f} s")
    from graph.ontology import QUERIES_DIR

    script = Path(tempfile.mkdtemp()) / "raw_lookup.py"
    script.write_text(RAW_LOOKUP)
    for label, name in (("largest hyperscaler", "hyperscaler-1"), ("typical company", f"company-{args.companies // 2}")):
        compare(f"2. company lookup, {label}, on {args.deals:,} deals (fresh process) vs raw pyoxigraph, "
                "same queries",
                cli + ["--store", str(store_dir), "company", name, "--format", "jsonl"],
                [sys.executable, str(script), str(store_dir), str(QUERIES_DIR), name], env, args.repeat, 1.3)
    shutil.rmtree(cache, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(store_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
