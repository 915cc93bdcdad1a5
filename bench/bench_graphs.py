"""Where the records live and what lookups cost (issue 9; prints figures, not a test).

The same compiled records in two store layouts, each a store folder opened read-only:

* ``before``: every source's triples in the default graph (the layout before issue 9), lookups
  reading the default graph alone;
* ``now``: each source's triples in its own named graph (the layout now), lookups as the store
  chooses (:meth:`graph.store.OxigraphStore._data_graphs`): one source's graph alone, or with
  several sources the union of every graph;
* ``union``: the same store, lookups always on the union of every graph;
* ``listed``: the same store, lookups on the default graph and the source graphs, listed as the
  query's default graph (``default_graph=[...]``).

Each measure is ``graph.open(store=...).company(NAME)`` in one process, the layouts alternating,
medians of REPEAT runs; the answers are checked to be equal. ``--deals N`` adds a synthetic store
of N deals (bench/synthetic.py; 100,000 takes a few minutes to build).

    python bench/bench_graphs.py [--repeat 25] [--deals 20000]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def build(path: Path, graphs: dict, named: bool) -> None:
    from graph.build import derive, graph_ntriples, load_ontology
    from graph.store import OxigraphStore

    store = OxigraphStore(path)
    for name, g in sorted(graphs.items()):
        store.bulk_load_ntriples(graph_ntriples(g), name if named else None)
    load_ontology(store)
    derive(store)
    store.close()


def measure(label: str, folder: Path, graphs: dict, names: list[str], repeat: int) -> None:
    import graph
    from graph.store import OxigraphStore

    folder.mkdir(parents=True, exist_ok=True)
    build(folder / "default", graphs, named=False)
    build(folder / "named", graphs, named=True)

    class Union(OxigraphStore):
        lookups_read_union = True

    class Listed(OxigraphStore):
        lookups_read_union = False

        def _data_graphs(self):
            import pyoxigraph as ox

            return {"default_graph": [ox.DefaultGraph(), *(ox.NamedNode(g) for g in sorted(graphs))]}

    stores = {"before": OxigraphStore(folder / "default", read_only=True),
              "now": OxigraphStore(folder / "named", read_only=True),
              "union": Union(folder / "named", read_only=True),
              "listed": Listed(folder / "named", read_only=True)}
    for name in names:
        times: dict[str, list[float]] = {k: [] for k in stores}
        answers = {}
        for _ in range(repeat):
            for key, store in stores.items():
                kg = graph.open(store=store)
                t = time.perf_counter()
                answers[key] = repr(kg.company(name))
                times[key].append(time.perf_counter() - t)
        same = "same answers" if len(set(answers.values())) == 1 else "ANSWERS DIFFER"
        cells = ", ".join(f"{k} {statistics.median(v) * 1000:.1f} ms" for k, v in times.items())
        print(f"{label}: company {name}: {cells} ({same})")
    for store in stores.values():
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=25)
    ap.add_argument("--deals", type=int, default=0, help="also a synthetic store of this many deals")
    args = ap.parse_args()
    from graph.build import compile_paths
    from graph.ontology import DATA_DIR

    folder = Path(tempfile.mkdtemp(prefix="ckg-bench-graphs-"))
    try:
        compiled = compile_paths([DATA_DIR], shacl=False)
        sizes = ", ".join(f"{name.rsplit('/', 1)[-1]} {len(g):,}" for name, g in sorted(compiled.graphs.items()))
        print(f"# bundled data: {sizes} triples")
        measure("bundled", folder / "bundled", compiled.graphs, ["Microsoft", "xAI", "Anthropic", "CoreWeave"],
                args.repeat)
        if args.deals:
            from synthetic import generate

            from graph.loaders import LineDict, RawRecord, ReadResult
            from graph.sources import SOURCES
            from graph.sources import graphs as source_graphs
            from graph.validate import validate

            records = generate(args.deals, None, 1)
            read = ReadResult()
            for section, items in records.items():
                for i, item in enumerate(items):
                    read.records.append(RawRecord(section, LineDict(item, line=i + 1), "<synthetic>", i + 1))
            validated = validate(read)
            graphs = source_graphs(validated.catalog, {}, [SOURCES["curated"]])
            counts = {}
            for d in validated.catalog.deals.values():
                if d.provider:
                    counts[d.provider] = counts.get(d.provider, 0) + 1
            top = max(counts, key=counts.get)
            typical = sorted(counts, key=counts.get)[len(counts) // 2]
            print(f"# synthetic: {args.deals:,} deals, {sum(len(g) for g in graphs.values()):,} triples")
            measure("synthetic", folder / "synthetic", graphs, [top, typical], max(3, args.repeat // 5))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
