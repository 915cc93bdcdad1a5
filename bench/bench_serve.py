"""`computekg serve` against `oxigraph serve-read-only` over the same store, in one run (issue 10).

Both servers open the same compiled store folder (the bundled data's cached store) read-only on
127.0.0.1. For each workload and for 1, 4 and 16 concurrent clients, every client (its own
process, one kept-alive HTTP connection) sends requests for DURATION seconds; throughput and the
p50 and p95 latency are printed side by side, with the ratio of p50 latencies and of throughputs
(target: /sparql within 1.5x of Oxigraph's server).

Workloads (the same SPARQL text goes to both servers, with the ontology's PREFIX lines):

- named query: ``GET /sparql?name=leases`` on computekg against the text of ``leases.rq`` posted
  to Oxigraph's ``/query?union-default-graph`` (named queries read every graph);
- company deals: a SPARQL lookup of one company's deals (POST to both);
- company page: ``GET /company/xai/`` from computekg's site (when the site builder is installed),
  against Oxigraph answering the company-deals SPARQL that such a page is built from.

    python bench/bench_serve.py [--duration 5] [--clients 1,4,16] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

COMPANY_DEALS = """SELECT ?deal ?kind ?role ?counterparty ?mw WHERE {
  ?c ckg:slug "xai" .
  { ?d ckg:provider ?c . BIND("provider" AS ?role) OPTIONAL { ?d ckg:customer/ckg:slug ?counterparty } }
  UNION { ?d ckg:customer ?c . BIND("customer" AS ?role) OPTIONAL { ?d ckg:provider/ckg:slug ?counterparty } }
  ?d ckg:slug ?deal ; a ?kind .
  OPTIONAL { ?d ckg:powerCapacity/schema:value ?mw }
} ORDER BY ?deal"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, path: str, body: bytes | None, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode(errors='replace') if proc.stderr else ''}")
        try:
            status, _ = one_request(port, "POST" if body else "GET", path, body,
                                    {"Content-Type": "application/sparql-query"})
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not become ready")


def one_request(port, method, path, body, headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _client(port, method, path, body, headers, duration, out):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    lat, errors = [], 0
    stop = time.monotonic() + duration
    while time.monotonic() < stop:
        t = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200 or not data:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        lat.append(time.perf_counter() - t)
    conn.close()
    out.put((lat, errors))


def load(port, method, path, body, headers, clients, duration):
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_client, args=(port, method, path, body, headers, duration, out))
             for _ in range(clients)]
    for p in procs:
        p.start()
    lat, errors = [], 0
    for _ in procs:
        lt, e = out.get(timeout=duration + 120)
        lat += lt
        errors += e
    for p in procs:
        p.join()
    lat.sort()
    return {"n": len(lat), "rps": len(lat) / duration, "p50": lat[len(lat) // 2] * 1000,
            "p95": lat[min(len(lat) - 1, int(len(lat) * 0.95))] * 1000, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=5.0)
    ap.add_argument("--clients", default="1,4,16")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    levels = [int(x) for x in args.clients.split(",")]

    from graph import query as q
    from graph.cache import cached_store
    from graph.vocab import sparql_prologue

    store = cached_store()
    folder = str(store.path)
    store.close()
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")

    ckg_port = free_port()
    ox_port = free_port()
    env = dict(os.environ)
    ckg = subprocess.Popen([sys.executable, "-m", "graph", "serve", "--port", str(ckg_port), "--workers",
                            str(args.workers)], cwd=HERE.parent, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    oxs = subprocess.Popen([oxigraph, "serve-read-only", "--location", folder, "--bind", f"127.0.0.1:{ox_port}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_ready(ckg_port, "/sparql", b"ASK {}", ckg)
        wait_ready(ox_port, "/query", b"ASK {}", oxs)
        has_site = one_request(ckg_port, "GET", "/company/xai/", None, {})[0] == 200
        json_accept = {"Accept": "application/sparql-results+json"}
        post = {"Content-Type": "application/sparql-query; charset=utf-8", **json_accept}
        leases = (sparql_prologue() + q.get("leases").text).encode()
        deals = (sparql_prologue() + COMPANY_DEALS).encode()
        # the same answers from both, before timing anything
        a = one_request(ckg_port, "GET", "/sparql?name=leases", None, json_accept)[1]
        b = one_request(ox_port, "POST", "/query?union-default-graph", leases, post)[1]
        import json

        def rows(body):
            d = json.loads(body)
            return sorted(tuple(sorted((k, v["value"]) for k, v in r.items())) for r in d["results"]["bindings"])

        assert rows(a) == rows(b) and rows(a), "the servers disagree on leases"
        a = one_request(ckg_port, "POST", "/sparql", deals, post)[1]
        b = one_request(ox_port, "POST", "/query", deals, post)[1]
        assert rows(a) == rows(b) and rows(a), "the servers disagree on the company's deals"

        workloads = [
            ("named query (leases)", ("GET", "/sparql?name=leases", None, json_accept),
             ("POST", "/query?union-default-graph", leases, post)),
            ("company deals (SPARQL)", ("POST", "/sparql", deals, post), ("POST", "/query", deals, post)),
        ]
        if has_site:
            workloads.append(("company page (/company/xai/)", ("GET", "/company/xai/", None, {}),
                              ("POST", "/query", deals, post)))
        print(f"computekg serve ({args.workers} workers) vs oxigraph serve-read-only, same store "
              f"({folder}), {args.duration:g} s per run, 127.0.0.1")
        print(f"{'workload':30} {'clients':>7} | {'computekg req/s':>15} {'p50 ms':>7} {'p95 ms':>7} | "
              f"{'oxigraph req/s':>14} {'p50 ms':>7} {'p95 ms':>7} | {'p50 ratio':>9} {'req/s ratio':>11} errors")
        worst = 0.0
        for label, mine, theirs in workloads:
            for c in levels:
                for spec, port in ((mine, ckg_port), (theirs, ox_port)):  # warm
                    for _ in range(3):
                        one_request(port, spec[0], spec[1], spec[2], spec[3])
                r1 = load(ckg_port, *mine, c, args.duration)
                r2 = load(ox_port, *theirs, c, args.duration)
                p50_ratio = r1["p50"] / r2["p50"]
                rps_ratio = r2["rps"] / r1["rps"]
                if not label.startswith("company page"):
                    worst = max(worst, p50_ratio, rps_ratio)
                print(f"{label:30} {c:>7} | {r1['rps']:>15.1f} {r1['p50']:>7.2f} {r1['p95']:>7.2f} | "
                      f"{r2['rps']:>14.1f} {r2['p50']:>7.2f} {r2['p95']:>7.2f} | {p50_ratio:>9.2f} "
                      f"{rps_ratio:>11.2f} {r1['errors']}+{r2['errors']}")
        if not has_site:
            print("company page: not measured (this installation has no site builder: graph/site/)")
        verdict = "OK" if worst <= 1.5 else "OVER TARGET"
        print(f"worst /sparql ratio (computekg / oxigraph; p50 latency or inverse throughput): {worst:.2f} "
              f"(target <= 1.5) {verdict}")
    finally:
        for p in (ckg, oxs):
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
