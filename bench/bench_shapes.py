"""The SHACL shapes as SPARQL (``graph.shapes_sparql.check_store``, issue 13) against two baselines
measured in the same run, on synthetic stores (``bench/synthetic.py``) of N deals:

1. pyoxigraph's own ``bulk_load`` of the same N-Quads into a fresh store folder: what a load costs
   anyway. Target: the check well under it at 100,000 deals.
2. pySHACL (``graph.shacl.check``) on the same triples as one rdflib graph, at the sizes given
   by ``--pyshacl`` (default 10,000 deals; it took 454 s and most of 12.8 GB at 100,000).

Also timed: ``check_store(focus_graphs=[...])`` on a named graph that types 1% of the deals
(their values read from the whole store), the cost of re-checking after one file is replaced.

    python bench/bench_shapes.py [--deals 10000 100000] [--pyshacl 10000] [--work DIR]

With ``--work DIR`` the synthetic stores are kept there and reused by the next run.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from synthetic import build_store  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int, pyshacl: bool, work: Path) -> None:
    import pyoxigraph as ox

    from graph.shapes_sparql import check_store, compiled
    from graph.vocab import graph_iri, source_graph

    folder = work / f"store-{n}"
    if not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        t_build, _ = timed(lambda: build_store(folder, n))
        (folder / "done").write_text(f"{t_build:.1f}")
    store = ox.Store(str(folder))
    store.update(f"DROP SILENT GRAPH <{graph_iri('source/bench-extra')}>")
    quads = store.dump(format=ox.RdfFormat.N_QUADS)
    print(f"\n{n:,} deals: {len(store):,} quads, {len(quads) / 1e6:.0f} MB of N-Quads "
          f"(store built in {(folder / 'done').read_text().strip()} s)", flush=True)

    fresh = work / f"bulk-{n}"
    target = ox.Store(str(fresh))
    t_bulk, _ = timed(lambda: (target.bulk_load(quads, format=ox.RdfFormat.N_QUADS), target.flush()))
    del target
    shutil.rmtree(fresh)

    timed(compiled)  # compiled once per process; not part of a check
    t_check, problems = timed(lambda: check_store(store))
    assert problems == [], problems[:5]
    print(f"  bulk_load of the N-Quads   {t_bulk:8.2f} s")
    print(f"  check_store (every node)   {t_check:8.2f} s   ratio to bulk_load {t_check / t_bulk:.2f}", flush=True)

    extra = graph_iri("source/bench-extra")
    store.update(f"""INSERT {{ GRAPH <{extra}> {{ ?d a ?t }} }} WHERE {{
        GRAPH <{source_graph('curated')}> {{ ?d a ?t ; <https://w3id.org/computekg/ontology#slug> ?s }}
        FILTER(STRENDS(?s, "00")) }}""")
    t_focus, problems = timed(lambda: check_store(store, focus_graphs=[extra]))
    assert problems == [], problems[:5]
    print(f"  check_store (1% focused)   {t_focus:8.2f} s   ratio to every node {t_focus / t_check:.3f}", flush=True)

    if pyshacl:
        from rdflib import Graph

        from graph.shacl import check

        g = Graph()
        nt = b"".join(f"{q.subject} {q.predicate} {q.object} .\n".encode() for q in
                      store.quads_for_pattern(None, None, None, ox.NamedNode(source_graph("curated"))))
        g.parse(data=nt, format="nt")
        before = rss_mb()
        t_shacl, problems = timed(lambda: check(g))
        assert problems == [], problems[:5]
        print(f"  pySHACL on the rdflib graph {t_shacl:7.2f} s   ratio check_store / pySHACL {t_check / t_shacl:.3f}"
              f"   (peak RSS {before:.0f} -> {rss_mb():.0f} MB)")
    store.update(f"DROP SILENT GRAPH <{extra}>")
    del store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deals", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--pyshacl", type=int, nargs="*", default=[10_000], help="sizes also checked by pySHACL")
    ap.add_argument("--work", help="keep the synthetic stores in this folder, and reuse them")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-shapes-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for n in args.deals:
            run(n, n in args.pyshacl, work)


if __name__ == "__main__":
    main()
