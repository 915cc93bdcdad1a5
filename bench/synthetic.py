"""Synthetic deal records for benchmarks: 1k to 100k deals, a few hyperscalers dominating.

``generate`` returns a dict in the record format (companies, facilities, deals), so the same
validation and triple-building code as real data is exercised. ``build_store`` fills a
persistent store folder from it (validation and triples as usual; SHACL skipped: it is a
per-batch check whose cost is not what these benchmarks measure).

    python bench/synthetic.py --deals 1000 -o synthetic.yaml   # write records to a file
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KINDS = ["lease", "cloud_capacity", "chip_supply", "investment", "colocation", "power_purchase", "acquisition",
         "other"]
KIND_WEIGHTS = [20, 35, 15, 12, 8, 6, 2, 2]
STATUSES = ["reported", "announced", "signed", "active", "completed", "terminated", "superseded"]


def generate(n_deals: int = 1000, n_companies: int | None = None, seed: int = 1) -> dict:
    rng = random.Random(seed)
    n_companies = n_companies or max(20, n_deals // 10)
    n_hyper = 5
    companies = [{"id": f"hyperscaler-{i}", "name": f"Hyperscaler {i}", "kind": "hyperscaler"}
                 for i in range(1, n_hyper + 1)]
    for i in range(1, n_companies - n_hyper + 1):
        kind = rng.choice(["ai_lab", "neocloud", "chipmaker", "data_center_developer", "energy", "investor", "other"])
        c = {"id": f"company-{i}", "name": f"Company {i}", "kind": kind, "aliases": [f"Co{i}"]}
        if i > 10 and rng.random() < 0.05:
            c["parent"] = f"company-{rng.randint(1, 10)}"
        companies.append(c)
    ids = [c["id"] for c in companies]
    hyper = ids[:n_hyper]
    facilities = [{"id": f"site-{i}", "name": f"Site {i}", "operator": rng.choice(hyper),
                   "power_mw": rng.choice([50, 100, 300, 1000]), "status": "operational"}
                  for i in range(1, max(2, n_companies // 20) + 1)]
    deals = []
    for i in range(1, n_deals + 1):
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        provider = rng.choice(hyper) if rng.random() < 0.4 else rng.choice(ids)
        customer = rng.choice(ids)
        while customer == provider:
            customer = rng.choice(ids)
        year = rng.randint(2023, 2027)
        d = {"id": f"deal-{i}", "kind": kind, "provider": provider, "customer": customer,
             "announced": f"{year}-{rng.randint(1, 12):02d}", "start": f"{year}-{rng.randint(1, 12):02d}",
             "end": f"{year + rng.randint(1, 6)}-{rng.randint(1, 12):02d}", "status": rng.choice(STATUSES),
             "sources": [{"publisher": f"Wire {rng.randint(1, 50)}", "title": f"Deal {i} reported",
                          "url": f"https://example.com/deals/{i}", "date": f"{year}-{rng.randint(1, 12):02d}-01",
                          "kind": rng.choice(["news", "company_release", "filing", "aggregator"])}]}
        if rng.random() < 0.6:
            d["capacity"] = {"power_mw": rng.choice([10, 50, 100, 200, 500, 1000])}
        if rng.random() < 0.5:
            d["total_value"] = {"amount": rng.randint(1, 500) * 1e8, "currency": "USD",
                                "qualifier": rng.choice(["exact", "approx", "up_to"])}
        if rng.random() < 0.2:
            d["facilities"] = [rng.choice(facilities)["id"]]
        deals.append(d)
    return {"companies": companies, "facilities": facilities, "deals": deals}


def build_store(path: str | Path, n_deals: int = 1000, n_companies: int | None = None, seed: int = 1) -> dict:
    """Fill a persistent store folder with synthetic records (validated, as in a real load)."""
    from graph.build import Compiled, fill_store
    from graph.errors import ValidationFailed
    from graph.loaders import LineDict, RawRecord, ReadResult
    from graph.store import OxigraphStore
    from graph.sources import SOURCES
    from graph.sources import graphs as source_graphs
    from graph.validate import validate

    records = generate(n_deals, n_companies, seed)
    read = ReadResult()
    for section, items in records.items():
        for i, item in enumerate(items):
            read.records.append(RawRecord(section, LineDict(item, line=i + 1), "<synthetic>", i + 1))
    validated = validate(read)
    if validated.report.problems:
        raise ValidationFailed(validated.report.problems)
    graphs = source_graphs(validated.catalog, {}, [SOURCES["curated"]])
    store = OxigraphStore(path, read_only=False)
    fill_store(store, Compiled(validated.catalog, graphs, None, validated.report), bulk=True)
    store.close()
    return {"triples": sum(len(g) for g in graphs.values()), "deals": n_deals}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deals", type=int, default=1000)
    ap.add_argument("--companies", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True, help="a .json or .yaml file to write")
    args = ap.parse_args()
    records = generate(args.deals, args.companies, args.seed)
    out = Path(args.output)
    if out.suffix == ".json":
        out.write_text(json.dumps(records, indent=1))
    else:
        import yaml

        out.write_text(yaml.safe_dump(records, sort_keys=False))
    print(f"wrote {len(records['deals'])} deals, {len(records['companies'])} companies to {out}")


if __name__ == "__main__":
    main()
