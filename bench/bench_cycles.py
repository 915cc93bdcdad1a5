"""Bounded cycle search on a synthetic graph (issue 4; prints figures, not a test).

Generates N companies and M deals with ``bench/synthetic.py`` (a few hyperscalers dominating),
turns the records into deal dicts shaped like ``graph.lookup.fetch_deals`` output, builds the
company MultiDiGraph directly with ``graph.analytics.build_graph`` (bypassing the store, to
measure the graph and the algorithm) and times ``graph.analytics.find_cycles``:

1. building the graph (one edge per deal);
2. the cycle search as `computekg cycles` runs it: length bound 6, stopping at --limit cycles;
3. an exhaustive search (no limit) with a smaller bound, to show what the bound buys;
4. the same search on a roll-up view (subsidiaries merged into parents);
5. `computekg cycles` on the bundled data (through the store), exhaustive at length 6.

    python bench/bench_cycles.py [--deals 100000] [--companies 10000] [--max-length 6] [--limit 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from synthetic import generate  # noqa: E402

from graph import analytics  # noqa: E402
from graph.dates import PartialDate  # noqa: E402


def _figure(value, key: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, dict):
        value = {key: value}
    return [{**value, "headline": True}]


def as_deal_dicts(records: dict) -> tuple[list[dict], list[dict]]:
    """Record-format companies and deals -> the dict shapes ``build_graph`` takes (as from the store)."""
    companies = [{"id": c["id"], "name": c["name"], "kind": c.get("kind"), "parent": c.get("parent"),
                  "parent_since": None, "country": c.get("country")} for c in records["companies"]]
    deals = []
    for r in records["deals"]:
        start = PartialDate.parse(r["start"]) if r.get("start") else None
        end = PartialDate.parse(r["end"]) if r.get("end") else None
        deals.append({
            "id": r["id"], "kind": r["kind"], "status": r.get("status"), "provider": r.get("provider"),
            "customer": r.get("customer"), "members": r.get("members", []), "guarantor": None, "end_user": None,
            "facilities": r.get("facilities", []),
            "power_mw": _figure((r.get("capacity") or {}).get("power_mw"), "value"),
            "total_value": _figure(r.get("total_value"), "amount"),
            "announced": r.get("announced"), "start": r.get("start"), "end": r.get("end"),
            "start_date": start.first if start else None, "end_date": end.last if end else None,
            "sources": [{"publisher": s["publisher"], "url": s["url"]} for s in r.get("sources", [])],
        })
    return companies, deals


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deals", type=int, default=100_000)
    ap.add_argument("--companies", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max-length", type=int, default=6)
    ap.add_argument("--limit", type=int, default=100, help="cycles reported (as `computekg cycles --limit`)")
    ap.add_argument("--exhaustive-length", type=int, default=3, help="bound for the no-limit search")
    ap.add_argument("--no-bundled", action="store_true", help="skip the bundled-data run")
    args = ap.parse_args()

    records, t_gen = timed(lambda: generate(args.deals, args.companies, args.seed))
    companies, deals = as_deal_dicts(records)
    print(f"synthetic: {len(companies):,} companies, {len(deals):,} deals (generated in {t_gen:.2f}s)")

    g, t_build = timed(lambda: analytics.build_graph(companies, deals))
    print(f"build graph: {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges in {t_build:.2f}s")

    (found, truncated), t = timed(lambda: analytics.find_cycles(g, max_length=args.max_length, limit=args.limit))
    print(f"cycles, length <= {args.max_length}, limit {args.limit}: {len(found)} found"
          f"{' (stopped at the limit)' if truncated else ''} in {t:.3f}s")

    (found, truncated), t = timed(lambda: analytics.find_cycles(g, max_length=args.exhaustive_length, limit=None))
    by_len = {n: sum(1 for c in found if len(c) == n) for n in range(2, args.exhaustive_length + 1)}
    print(f"cycles, length <= {args.exhaustive_length}, no limit: {len(found):,} found in {t:.2f}s "
          f"(by length: {', '.join(f'{k}: {v:,}' for k, v in by_len.items())})")

    as_of = dt.date(2026, 1, 1)
    g2, t_build2 = timed(lambda: analytics.build_graph(companies, deals, roll_up=True, as_of=as_of))
    (found, truncated), t = timed(lambda: analytics.find_cycles(g2, max_length=args.max_length, limit=args.limit))
    print(f"roll-up, as of {as_of}: graph of {g2.number_of_edges():,} edges in {t_build2:.2f}s; "
          f"cycles (length <= {args.max_length}, limit {args.limit}): {len(found)} in {t:.3f}s")

    if not args.no_bundled:
        from graph.cache import cached_store

        store = cached_store()
        analytics.cycles(store, max_length=2)  # warm the compiled-store cache and imports
        res, t = timed(lambda: analytics.cycles(store, max_length=args.max_length, limit=10**9))
        res2, t2 = timed(lambda: analytics.cycles(store, roll_up=True, max_length=args.max_length, limit=10**9))
        print(f"bundled data (through the store), exhaustive, length <= {args.max_length}: "
              f"{len(res.cycles)} cycles in {t:.3f}s; with roll-up {len(res2.cycles)} in {t2:.3f}s")


if __name__ == "__main__":
    main()
