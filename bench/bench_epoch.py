"""What Epoch AI's data costs the lookups (issue 6; prints figures, not a test).

The Epoch import adds ~30,000 triples and, in `computekg company`, the sites a company owns or
uses. All the joining happens when the store is compiled; a lookup runs a few more indexed
queries. Compared, each in a fresh process on the warm compiled-store cache, alternating, medians
of REPEAT runs:

1. `computekg company NAME` with Epoch's data against `computekg --no-epoch company NAME`
   (xAI: 11 sites; Google: the most sites of any company), and against
   `python -c "import pyoxigraph, click"` (the floor for any pyoxigraph + click program);
2. `computekg facility "Stargate Abilene"` and `--as-of 2025-10-01` against the same floor.

Also prints the one-off compile time of the bundled data with and without Epoch.

    python bench/bench_epoch.py [--repeat 15]
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


def timed(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def medians(cmds: dict[str, list[str]], env: dict, repeat: int) -> dict[str, float]:
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(repeat):
        for k, cmd in cmds.items():
            times[k].append(timed(cmd, env))
    return {k: statistics.median(v) for k, v in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    exe = Path(sys.executable).parent / "computekg"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "graph"]
    env = dict(os.environ, COMPUTEKG_CACHE_DIR=tempfile.mkdtemp(prefix="ckg-bench-epoch-"))
    print(f"# computekg: {' '.join(cli)}; python {sys.version.split()[0]}; {os.cpu_count()} cores")
    for flags, label in (([], "with Epoch AI"), (["--no-epoch"], "without (--no-epoch)")):
        t = timed(cli + flags + ["company", "xAI"], env)
        print(f"compile the bundled data {label}: {t:.1f} s (once; cached until the data change)")
    floor = [sys.executable, "-c", "import pyoxigraph, click"]
    cmds = {"floor": floor}
    for name in ("xAI", "Google"):
        cmds[f"company {name}"] = cli + ["company", name]
        cmds[f"--no-epoch company {name}"] = cli + ["--no-epoch", "company", name]
    cmds["facility Abilene"] = cli + ["facility", "Stargate Abilene"]
    cmds["facility Abilene --as-of"] = cli + ["facility", "Stargate Abilene", "--as-of", "2025-10-01"]
    m = medians(cmds, env, args.repeat)
    print(f"floor (import pyoxigraph, click): {m['floor'] * 1000:.0f} ms")
    for name in ("xAI", "Google"):
        a, b = m[f"company {name}"], m[f"--no-epoch company {name}"]
        print(f"1. company {name}: {a * 1000:.0f} ms with Epoch vs {b * 1000:.0f} ms without -> ratio {a / b:.2f}; "
              f"{a / m['floor']:.2f}x the floor")
    for k in ("facility Abilene", "facility Abilene --as-of"):
        print(f"2. {k}: {m[k] * 1000:.0f} ms; {m[k] / m['floor']:.2f}x the floor")
    shutil.rmtree(env["COMPUTEKG_CACHE_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
