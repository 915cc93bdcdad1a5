"""Faults and hostile input: what a user must never see (a traceback, a partial store, a request
to an address a query names) and what they get instead (one `Error:` line, a hint, exit 1 or 2)."""

from __future__ import annotations

import http.server
import threading

import pytest

from graph.cli import main


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def assert_one_error_line(result, code: int = 1) -> str:
    """Exit ``code``, no traceback, and stderr ends in one `Error:` line; returns that line."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    last = _lines(result.stderr)[-1]
    assert last.startswith("Error: "), result.stderr
    return last


# ---------------------------------------------------------------------------- SPARQL safety

@pytest.fixture
def counting_server():
    """A real HTTP server on 127.0.0.1 that counts the requests it gets (answers 400)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's names
            hits.append(self.path)
            self.send_error(400)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql", hits
    server.shutdown()
    server.server_close()


def test_service_is_refused_and_sends_nothing(runner, small_data, counting_server):
    url, hits = counting_server
    q = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
    r = runner.invoke(main, ["--data", str(small_data), "query", q])
    line = assert_one_error_line(r)
    assert "SERVICE" in line and "--allow-service" in line
    assert hits == []
    # the word inside a string, an IRI or a variable is not a SERVICE clause
    ok = runner.invoke(main, ["--data", str(small_data), "query",
                              'SELECT ?service WHERE { ?service <https://e.com/SERVICE> "SERVICE" }'])
    assert ok.exit_code == 0, ok.output
    # allowed: the request is really sent (the server answers 400, which is one error line)
    r = runner.invoke(main, ["--data", str(small_data), "query", "--allow-service", q])
    assert hits, "with --allow-service the SERVICE endpoint is asked"
    assert "Traceback" not in r.output


@pytest.mark.parametrize("update", [
    "INSERT DATA { <https://e.com/a> <https://e.com/b> <https://e.com/c> }",
    "PREFIX ex: <https://e.com/> DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "LOAD <http://127.0.0.1:9/x.ttl>",
    "CLEAR DEFAULT",
])
def test_updates_are_refused_plainly(runner, small_data, update, tmp_path):
    store = tmp_path / "kg"
    assert runner.invoke(main, ["--store", str(store), "load", str(small_data)]).exit_code == 0
    before = runner.invoke(main, ["--store", str(store), "export", "--rdf-format", "nq"]).stdout
    r = runner.invoke(main, ["--store", str(store), "query", update])
    line = assert_one_error_line(r)
    assert "updates" in line and "not accepted" in line and "load" in line
    assert runner.invoke(main, ["--store", str(store), "export", "--rdf-format", "nq"]).stdout == before


def test_named_query_parameters_are_checked(runner, small_data):
    base = ["--data", str(small_data), "query"]
    line = assert_one_error_line(runner.invoke(main, base + ["in-force", "-p", "date=notadate"]), 2)
    assert "'date'" in line and "YYYY-MM-DD" in line and "notadate" in line
    line = assert_one_error_line(runner.invoke(main, base + ["in-force"]), 2)
    assert "needs the parameter 'date'" in line
    line = assert_one_error_line(runner.invoke(main, base + ["rank-money", "-p", "colour=red"]), 2)
    assert "no parameter 'colour'" in line and all(p in line for p in ("role", "currency", "date", "kind"))
    line = assert_one_error_line(runner.invoke(main, base + ["rank-mw", "-p", "role=landlord"]), 2)
    assert "provider" in line and "customer" in line
    ok = runner.invoke(main, base + ["in-force", "-p", "date=2026-01-01", "--format", "json"])
    assert ok.exit_code == 0 and "acme-bigcloud-lease" in ok.stdout


def test_query_timeout_stops_a_long_query(runner):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z . ?d ?s ?w }"
    assert runner.invoke(main, ["query", "ASK { ?s ?p ?o }"]).exit_code == 0  # the compiled store is ready
    t = time.monotonic()
    r = runner.invoke(main, ["query", "--timeout", "0.5", q])
    elapsed = time.monotonic() - t
    line = assert_one_error_line(r)
    assert "longer than 0.5 s" in line and "--timeout" in line
    assert elapsed < 10


# ---------------------------------------------------------------------------- store folders: kills

import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from conftest import SMALL_RECORDS, write  # noqa: E402

REPO = Path(__file__).resolve().parent.parent

EXTRA = """
deals:
  - id: acme-chipco-chips
    kind: chip_supply
    provider: chipco
    customer: acme-ai
    total_value: {amount: 3.0e9, currency: USD}
    announced: 2025-06-01
    status: signed
    sources:
      - {publisher: Wire C, title: Acme buys chips, url: "https://example.com/e", date: 2025-06-01, kind: news}
  - id: subcloud-acme-lease
    kind: lease
    provider: subcloud
    customer: acme-ai
    start: "2026-01"
    end: "2027-12"
    status: signed
    sources:
      - {publisher: Wire D, title: Acme leases from SubCloud, url: "https://example.com/f", date: 2025-07-01, kind: news}
"""

# A different whole dataset for --replace: the same companies, other deals.
OTHER = SMALL_RECORDS.split("deals:")[0] + "deals:" + EXTRA.split("deals:", 1)[1].replace("\n  - id: subcloud-acme-lease",
                                                                               "\n  - id: subcloud-acme-lease-2")


def _env(cache: Path) -> dict:
    env = dict(os.environ, COMPUTEKG_CACHE_DIR=str(cache), PYTHONPATH=str(REPO))
    env.pop("COMPUTEKG_DEBUG", None)
    return env


def cli(*args, cache: Path, check: bool = True) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, "-m", "graph", *map(str, args)], capture_output=True, text=True,
                       env=_env(cache), timeout=300)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def state(store: Path) -> str:
    """Every quad of the store folder, as a reader sees it (ontology and derived graphs included)."""
    from graph.store import OxigraphStore

    import re

    s = OxigraphStore(store, read_only=True)
    try:
        text = s.dump_nquads().decode()
    finally:
        s.close()
    # blank node labels (only the ontology's property chain has any) differ between loads
    return "".join(sorted(re.sub(r"_:[A-Za-z0-9]+", "_:b", line) for line in text.splitlines(keepends=True)))


def _folder_bytes(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def run_and_kill(args, cache: Path, store: Path, when) -> int | None:
    """Start a real `computekg` write and SIGKILL it when ``when(elapsed, store)`` says so; returns
    the exit code if it finished first, else None."""
    proc = subprocess.Popen([sys.executable, "-m", "graph", *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=_env(cache))
    start = time.monotonic()
    while proc.poll() is None:
        if when(time.monotonic() - start, store):
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return None
        time.sleep(0.002)
    return proc.returncode


def _after_seconds(t):
    return lambda elapsed, store: elapsed >= t


def _when_building(elapsed, store):  # the next generation is being written
    return any(p.name.endswith(".build") for p in store.iterdir())


def _when_sealed(elapsed, store):  # sealed, not yet published
    current = (store / "GENERATION").read_text().strip() if (store / "GENERATION").exists() else ""
    return any(p.is_dir() and p.name.startswith("gen-") and "." not in p.name and p.name != current
               for p in store.iterdir())


def _when_published(elapsed, store):  # the pointer names the new generation; old ones not yet removed
    try:
        return (store / "GENERATION").read_text().strip() != _when_published.initial[store]
    except (OSError, KeyError):
        return False


_when_published.initial = {}


def _after_bytes(n):
    base = {}

    def when(elapsed, store):
        size = _folder_bytes(store)
        base.setdefault("size", size)
        return size - base["size"] >= n
    return when


KILL_POINTS = {
    "0.5s": _after_seconds(0.5), "2s": _after_seconds(2.0), "4s": _after_seconds(4.0),
    "building": _when_building, "100KB-written": _after_bytes(100_000), "sealed": _when_sealed,
    "published": _when_published,
}
if os.environ.get("COMPUTEKG_FAULTS_FULL"):  # the long run: many more points, by time and by bytes
    KILL_POINTS.update({f"{t / 10:g}s": _after_seconds(t / 10) for t in range(1, 60, 3)})
    KILL_POINTS.update({f"{n}B-written": _after_bytes(n) for n in (1, 1_000, 10_000, 30_000, 300_000, 1_000_000)})


@pytest.fixture(scope="module")
def fault_inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("fault-inputs")
    cache = root / "cache"
    small = write(root / "records" / "small.yaml", SMALL_RECORDS)
    extra = write(root / "records" / "extra.yaml", EXTRA)
    other = write(root / "other" / "other.yaml", OTHER)
    before = root / "before"
    cli("--store", before, "load", small, cache=cache)
    states = {"before": state(before)}
    for op, args in {"load": ["load", extra], "replace": ["load", "--replace", other], "unload": None}.items():
        target = root / f"after-{op}"
        shutil.copytree(before, target)
        if op == "unload":  # a store of both files, from which extra.yaml is then unloaded
            cli("--store", target, "load", extra, cache=cache)
            states["before-unload"] = state(target)
            cli("--store", target, "unload", extra, cache=cache)
        else:
            cli("--store", target, *args, cache=cache)
        states[op] = state(target)
    # unloading extra.yaml gives exactly the store of small.yaml alone, loading it the store of both
    assert states["unload"] == states["before"] and states["before-unload"] == states["load"]
    assert len(set(states.values())) == 3
    return {"root": root, "cache": cache, "small": small, "extra": extra, "other": other,
            "before": before, "states": states}


@pytest.mark.parametrize("op", ["load", "replace", "unload"])
def test_a_killed_write_leaves_the_store_as_before_or_after(fault_inputs, op, tmp_path):
    fi = fault_inputs
    outcomes = {}
    for point, when in KILL_POINTS.items():
        store = tmp_path / f"store-{point}"
        shutil.copytree(fi["before"], store)
        if op == "unload":
            cli("--store", store, "load", fi["extra"], cache=fi["cache"])
            args = ["--store", store, "unload", fi["extra"]]
            before, after = fi["states"]["before-unload"], fi["states"]["unload"]
        else:
            args = ["--store", store, "load", *(["--replace", fi["other"]] if op == "replace" else [fi["extra"]])]
            before, after = fi["states"]["before"], fi["states"][op]
        _when_published.initial[store] = (store / "GENERATION").read_text().strip()
        code = run_and_kill(args, fi["cache"], store, when)
        assert code in (None, 0), (point, code)
        now = state(store)
        assert now in (before, after), f"{op} killed at {point}: the store is neither as before nor as after"
        outcomes[point] = "after" if now == after else "before"
        # The store is usable: running the write again completes it (no "already in the store").
        again = cli(*args, cache=fi["cache"], check=False)
        if op == "unload" and outcomes[point] == "after":
            assert again.returncode == 1 and "holds no file" in again.stderr
        else:
            assert again.returncode == 0, again.stderr
        assert state(store) == after
        # and nothing is left behind but the current generation
        leftovers = sorted(p.name for p in store.iterdir() if p.name not in ("GENERATION", ".write.lock"))
        current = (store / "GENERATION").read_text().strip()
        assert leftovers == [current, f"{current}.json", f"{current}.lock"], leftovers
    # the kills really landed on both sides of the switch
    assert "before" in outcomes.values() and "after" in outcomes.values(), outcomes
    print(f"\n{op}: {outcomes}")


def test_a_write_clears_what_a_writer_killed_mid_rename_left(fault_inputs, tmp_path):
    """A writer killed between writing a manifest or pointer's temporary file and renaming it
    leaves a dot-file; the next write removes it (and the store reads as before meanwhile)."""
    fi = fault_inputs
    store = tmp_path / "store"
    shutil.copytree(fi["before"], store)
    current = (store / "GENERATION").read_text().strip()
    stale = [store / f".{current}.json.tmp-99999", store / ".GENERATION.tmp-99998"]
    for p in stale:
        p.write_text("half a file")
    assert state(store) == fi["states"]["before"]
    cli("--store", store, "load", fi["extra"], cache=fi["cache"])
    assert state(store) == fi["states"]["load"]
    assert not [p.name for p in stale if p.exists()]


READER = r"""
import json, os, sys, time
from graph.store import OxigraphStore
from graph.lookup import company_deals
path, stop = sys.argv[1], sys.argv[2]
seen, errors, n = {}, [], 0
while not os.path.exists(stop):
    try:
        s = OxigraphStore(path, read_only=True)
        _, deals = company_deals(s, "Acme AI")
        derived = s.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/computekg/id/graph/derived> { ?a ?p ?b } }").rows[0]["n"]
        s.close()
        key = json.dumps([sorted(d["id"] for d in deals), derived])
        seen[key] = seen.get(key, 0) + 1
        n += 1
        time.sleep(0.005)  # leave the 2 cores some room for the writer
    except BaseException as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
print(json.dumps({"lookups": n, "seen": seen, "errors": errors[:5], "failures": len(errors)}))
"""


def test_readers_never_fail_during_replaces(fault_inputs, tmp_path):
    """8 reader processes loop over lookups while 10 `load --replace` run: 0 failures, and every
    answer is one whole state (the deals and the derived graph of the same data)."""
    fi = fault_inputs
    store = tmp_path / "store"
    shutil.copytree(fi["before"], store)
    stop = tmp_path / "stop"
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(store), str(stop)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=_env(fi["cache"])) for _ in range(8)]
    t = time.monotonic()
    try:
        for i in range(10):
            cli("--store", store, "load", "--replace", fi["other"] if i % 2 == 0 else fi["small"], cache=fi["cache"])
    finally:
        stop.touch()
    writes_s = time.monotonic() - t
    results = [json.loads(r.communicate(timeout=120)[0]) for r in readers]
    lookups = sum(r["lookups"] for r in results)
    failures = sum(r["failures"] for r in results)
    seen = set().union(*(r["seen"] for r in results))
    print(f"\n8 readers, 10 replaces in {writes_s:.1f} s: {lookups} lookups, {failures} failures, states {seen}")
    assert failures == 0, [r["errors"] for r in results if r["errors"]]
    assert lookups >= 40
    assert len(seen) == 2, seen  # the small data's answer and the other data's, nothing in between
    assert [p for p in store.iterdir() if p.name.endswith(".build")] == []


def test_old_store_folders_are_read_and_migrated(tmp_path, small_data, fault_inputs):
    """A folder made by the earlier version (a pyoxigraph store directly in DIR) still answers,
    and the first write migrates it to generations."""
    from graph.build import compile_paths, fill_store
    from graph.store import OxigraphStore

    legacy = tmp_path / "legacy"
    s = OxigraphStore(legacy, read_only=False)
    fill_store(s, compile_paths([small_data]))
    s.close()
    assert (legacy / "CURRENT").exists()
    r = cli("--store", legacy, "company", "bigcloud", "--format", "json", cache=fault_inputs["cache"])
    assert {d["id"] for d in json.loads(r.stdout) if d.get("id")} >= {"acme-bigcloud-lease", "chipco-invests-bigcloud"}
    cli("--store", legacy, "load", fault_inputs["extra"], cache=fault_inputs["cache"])
    assert (legacy / "GENERATION").exists() and not (legacy / "CURRENT").exists()
    r = cli("--store", legacy, "company", "acme-ai", "--format", "json", cache=fault_inputs["cache"])
    assert "subcloud-acme-lease" in r.stdout and "acme-bigcloud-lease" in r.stdout


def test_reload_and_unload_semantics(runner, tmp_path, small_data):
    store = tmp_path / "kg"
    extra = write(tmp_path / "records" / "extra.yaml", EXTRA)
    assert runner.invoke(main, ["--store", str(store), "load", str(small_data)]).exit_code == 0
    assert runner.invoke(main, ["--store", str(store), "load", str(extra)]).exit_code == 0
    r = runner.invoke(main, ["--store", str(store), "load", str(extra)])
    assert r.exit_code == 0 and r.stdout.startswith("unchanged")
    # a changed file replaces its own records
    extra.write_text(EXTRA.replace("subcloud-acme-lease", "subcloud-acme-lease-v2"))
    r = runner.invoke(main, ["--store", str(store), "load", str(extra)])
    assert r.exit_code == 0 and r.stdout.startswith("reloaded"), r.output
    deals = runner.invoke(main, ["--store", str(store), "deals", "--format", "json"]).stdout
    assert "subcloud-acme-lease-v2" in deals and '"subcloud-acme-lease"' not in deals
    # unloading a file others refer to is refused, nothing changed
    before = runner.invoke(main, ["--store", str(store), "export", "--rdf-format", "nq"]).stdout
    r = runner.invoke(main, ["--store", str(store), "unload", str(small_data)])
    assert r.exit_code == 1 and "unknown company" in r.stderr
    assert runner.invoke(main, ["--store", str(store), "export", "--rdf-format", "nq"]).stdout == before
    r = runner.invoke(main, ["--store", str(store), "unload", str(tmp_path / "nope.yaml")])
    line = assert_one_error_line(r)
    assert "holds no file" in line and "small.yaml" in line
    r = runner.invoke(main, ["--store", str(store), "unload", str(extra)])
    assert r.exit_code == 0, r.output
    deals = runner.invoke(main, ["--store", str(store), "deals", "--format", "json"]).stdout
    assert "subcloud-acme-lease" not in deals and "acme-bigcloud-lease" in deals


# ---------------------------------------------------------------------------- the cache heals

def _entry(cache: Path) -> Path:
    entries = [p for p in cache.iterdir() if len(p.name) == 32 and "." not in p.name]
    assert len(entries) == 1, entries
    return entries[0]


def _sst(entry: Path) -> Path:
    return max(entry.glob("*.sst"), key=lambda p: p.stat().st_size)


def _manifest(entry: Path) -> Path:
    return next(entry.glob("MANIFEST-*"))


DAMAGE = {
    "sst-truncated": lambda e: open(_sst(e), "wb").close(),
    "sst-half": lambda e: os.truncate(_sst(e), _sst(e).stat().st_size // 2),
    "sst-zeroed": lambda e: _sst(e).write_bytes(b"\0" * _sst(e).stat().st_size),
    "sst-removed": lambda e: _sst(e).unlink(),
    "sst-bytes-flipped": lambda e: _flip(_sst(e)),
    "CURRENT-emptied": lambda e: (e / "CURRENT").write_bytes(b""),
    "CURRENT-removed": lambda e: (e / "CURRENT").unlink(),
    "CURRENT-garbage": lambda e: (e / "CURRENT").write_bytes(b"MANIFEST-999999\n"),
    "MANIFEST-truncated": lambda e: os.truncate(_manifest(e), 10),
    "MANIFEST-zeroed": lambda e: _manifest(e).write_bytes(b"\0" * _manifest(e).stat().st_size),
    "MANIFEST-removed": lambda e: _manifest(e).unlink(),
    "file-instead-of-folder": lambda e: (shutil.rmtree(e), e.write_bytes(b"not a store")),
    "all-files-removed": lambda e: [p.unlink() for p in list(e.iterdir())],
}


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 3, len(data) // 3 + 64):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_cache_entry_is_rebuilt_once(runner, small_data, tmp_path, monkeypatch, damage):
    cache = tmp_path / "cache"
    monkeypatch.setenv("COMPUTEKG_CACHE_DIR", str(cache))
    args = ["--data", str(small_data), "company", "bigcloud", "--format", "json"]
    good = runner.invoke(main, args)
    assert good.exit_code == 0 and "damaged" not in good.stderr
    DAMAGE[damage](_entry(cache))
    healed = runner.invoke(main, args)
    assert healed.exit_code == 0, healed.output
    assert json.loads(healed.stdout) == json.loads(good.stdout)
    notes = [line for line in _lines(healed.stderr) if "damaged" in line]
    assert len(notes) == 1 and "rebuilding it" in notes[0], healed.stderr
    again = runner.invoke(main, args)
    assert again.exit_code == 0 and "damaged" not in again.stderr
    assert json.loads(again.stdout) == json.loads(good.stdout)


def test_a_damaged_index_memo_is_ignored(runner, small_data, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("COMPUTEKG_CACHE_DIR", str(cache))
    args = ["--data", str(small_data), "company", "bigcloud", "--format", "json"]
    good = runner.invoke(main, args)
    for memo in (cache / "index").iterdir():
        memo.unlink()
        memo.mkdir()  # a folder where the memo file should be
    r = runner.invoke(main, args)
    assert r.exit_code == 0 and r.stdout == good.stdout


def test_concurrent_first_runs_build_one_entry(small_data, tmp_path):
    cache = tmp_path / "cache"
    procs = [subprocess.Popen([sys.executable, "-m", "graph", "--data", str(small_data), "company", "bigcloud",
                               "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=_env(cache)) for _ in range(4)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    assert len({o for o, _ in outs}) == 1 and "bigcloud" in outs[0][0]
    assert not any("damaged" in e for _, e in outs)
    _entry(cache)  # exactly one compiled entry, no leftovers of the others
    assert not [p for p in cache.iterdir() if ".tmp-" in p.name or ".bad-" in p.name]


def test_cache_on_a_read_only_or_missing_place_is_one_error_line(runner, small_data, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("COMPUTEKG_CACHE_DIR", str(blocker / "cache"))
    line = assert_one_error_line(runner.invoke(main, ["--data", str(small_data), "company", "bigcloud"]))
    assert "cache folder" in line and "COMPUTEKG_CACHE_DIR" in line


# ---------------------------------------------------------------------------- a remote server stopped mid-load

def _start_oxigraph(location: Path, port: int) -> subprocess.Popen:
    import urllib.request

    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(exe).exists():
        pytest.skip("the oxigraph server is not installed (pip install oxigraph; tests/run.sh does)")
    proc = subprocess.Popen([exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            req = urllib.request.Request(f"http://127.0.0.1:{port}/query", data=b"ASK {}",
                                         headers={"Content-Type": "application/sparql-query"})
            urllib.request.urlopen(req, timeout=2).read()
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the oxigraph server did not start")
            time.sleep(0.05)


def _staging_graphs(url: str) -> int:
    from graph.remote import STAGING_PREFIX, RemoteStore

    rows = RemoteStore(url, timeout=2)._raw_select(
        f'SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}')
    return int(rows[0]["n"]["value"])


@pytest.mark.parametrize("replace", [False, True], ids=["load", "replace"])
def test_a_server_stopped_mid_load_keeps_its_graphs(fault_inputs, tmp_path, replace):
    import socket

    fi = fault_inputs
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    location = tmp_path / "server"
    url = f"http://127.0.0.1:{port}/query"
    server = _start_oxigraph(location, port)
    try:
        cli("--store", url, "load", fi["small"], cache=fi["cache"])
        before = cli("--store", url, "export", "--rdf-format", "nq", cache=fi["cache"]).stdout
        new = fi["other"] if replace else fi["extra"]
        args = ["--store", url, "load", *(["--replace"] if replace else []), new]
        env = dict(_env(fi["cache"]), COMPUTEKG_SPARQL_CHUNK="3")  # many small requests: a wide window
        load = subprocess.Popen([sys.executable, "-m", "graph", *map(str, args)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.monotonic() + 120
        while _staging_graphs(url) == 0:  # the load is writing its staging graphs
            assert load.poll() is None and time.monotonic() < deadline, load.communicate()
            time.sleep(0.005)
        server.send_signal(signal.SIGKILL)
        server.wait()
        _, err = load.communicate(timeout=120)
        assert load.returncode == 1 and "Traceback" not in err
        assert _lines(err)[-1].startswith("Error: cannot reach the SPARQL endpoint"), err
        server = _start_oxigraph(location, port)
        assert cli("--store", url, "export", "--rdf-format", "nq", cache=fi["cache"]).stdout == before
        # and the load, run again, completes: the endpoint then answers as a local store of the same files
        cli(*args, cache=fi["cache"])
        remote = set(cli("--store", url, "export", "--rdf-format", "nt", cache=fi["cache"]).stdout.splitlines())
        files = [new] if replace else [fi["small"], new]
        local = set(cli(*sum((["--data", f] for f in files), []), "export", "--rdf-format", "nt",
                        cache=fi["cache"]).stdout.splitlines())
        assert remote == local
    finally:
        server.kill()
        server.wait()


# ---------------------------------------------------------------------------- limits, bugs, full and read-only disks

def test_thousands_of_problems_list_the_first_hundred_and_a_count(runner, tmp_path):
    lines = ["companies:", "  - {id: a, name: A, kind: ai_lab}", "deals:"]
    lines += [f"  - {{id: d{i}, kind: leese, provider: nobody{i}, customer: a, colour: red, "
              f"sources: [{{publisher: P, title: T, url: 'https://e.com/{i}'}}]}}" for i in range(3000)]
    path = write(tmp_path / "many.yaml", "\n".join(lines) + "\n")
    t = time.monotonic()
    r = runner.invoke(main, ["validate", str(path)])
    elapsed = time.monotonic() - t
    line = assert_one_error_line(r)
    assert "9000 problems found" in line
    listed = [x for x in _lines(r.stderr) if x.startswith(str(path))]
    assert len(listed) == 100
    assert "... and 8900 more problem(s)" in r.stderr and "--all-problems" in r.stderr
    assert elapsed < 60, f"{elapsed:.1f} s"
    every = runner.invoke(main, ["validate", "--all-problems", str(path)])
    assert len([x for x in _lines(every.stderr) if x.startswith(str(path))]) == 9000


def test_deep_nesting_is_one_problem_naming_file_and_line(runner, tmp_path):
    for name, text in (("deep.json", '\n{"deals": ' + "[" * 20_000 + "]" * 20_000 + "}"),
                       ("deep.yaml", "\ndeals: " + "[" * 20_000 + "]" * 20_000 + "\n")):
        path = tmp_path / name
        path.write_text(text)
        r = runner.invoke(main, ["validate", str(path)])
        assert_one_error_line(r)
        assert f"{path}:2: nested more than 64 levels deep" in r.stderr


def test_an_unexpected_exception_is_an_internal_error_line(monkeypatch):
    """A bug (here: a command of the real CLI group class that raises) says "internal error" and how to
    report it; COMPUTEKG_DEBUG=1 also shows the traceback."""
    import click
    from click.testing import CliRunner

    from graph.clikit import Group

    @click.group(cls=Group)
    def cli_group():
        pass

    @cli_group.command()
    def boom():
        {}["missing"]

    r = CliRunner().invoke(cli_group, ["boom"])
    line = assert_one_error_line(r)
    assert "internal error" in line and "KeyError" in line and "report" in line and "COMPUTEKG_DEBUG=1" in line
    monkeypatch.setenv("COMPUTEKG_DEBUG", "1")
    r = CliRunner().invoke(cli_group, ["boom"])
    assert r.exit_code == 1 and "Traceback" in r.stderr and "internal error" in r.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A real 2 MB file system (tmpfs), mounted for the test; skipped where mounting is not allowed."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill(mnt: Path, leave: int) -> None:
    free = shutil.disk_usage(mnt).free
    (mnt / "filler").write_bytes(b"\0" * max(0, free - leave))


def test_a_full_disk_is_one_error_line_and_changes_nothing(runner, small_disk, small_data, tmp_path):
    store = small_disk / "kg"
    assert runner.invoke(main, ["--store", str(store), "load", str(small_data)]).exit_code == 0
    before = state(store)
    extra = write(tmp_path / "extra.yaml", EXTRA)
    _fill(small_disk, 16_000)
    r = runner.invoke(main, ["--store", str(store), "load", str(extra)])
    line = assert_one_error_line(r)
    assert "no space left" in line and "nothing was changed" in line
    assert state(store) == before
    # the cache on a full disk: one line too
    r = runner.invoke(main, ["--data", str(extra), "company", "acme-ai"], env={"COMPUTEKG_CACHE_DIR": str(small_disk / "cache")})
    assert_one_error_line(r)
    (small_disk / "filler").unlink()
    # Suspected (not proven) cause of this load failing in whole-suite runs only: the failed cache
    # build above ran in this process, and until its store object is collected the files it deleted
    # may stay allocated on the tmpfs. Collect it first. (Noted in the issue: close the store on a
    # failed build.)
    import gc

    del r  # its exc_info holds the failed build's frames, and so its store
    gc.collect()
    r = runner.invoke(main, ["--store", str(store), "load", str(extra)])
    assert r.exit_code == 0, r.output


def test_a_read_only_disk_is_read_but_not_written(small_disk, small_data, tmp_path):
    store = small_disk / "kg"
    cache = small_disk / "cache"
    cli("--store", store, "load", small_data, cache=cache)  # separate processes: nothing held open here
    good = cli("--data", small_data, "company", "bigcloud", "--format", "json", cache=cache).stdout
    extra = write(tmp_path / "x.yaml", EXTRA)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        r = cli("--store", store, "company", "bigcloud", "--format", "json", cache=cache)
        assert json.loads(r.stdout) == json.loads(good)
        r = cli("--data", small_data, "company", "bigcloud", "--format", "json", cache=cache)
        assert json.loads(r.stdout) == json.loads(good)  # the cached entry still answers
        for args, word in ((["--store", store, "load", extra], "read-only"),
                           (["--data", extra, "--data", small_data, "company", "bigcloud"], "cache")):
            r = cli(*args, cache=cache, check=False)
            assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
            last = _lines(r.stderr)[-1]
            assert last.startswith("Error: ") and word in last, last
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)


def test_pruning_spares_the_folder_of_a_build_still_running(tmp_path):
    """Two builds of different keys at once (another process, or a site reading its data's
    history): the one that finishes first must not remove the other's half-written folder."""
    from graph.cache import _build_lock, _prune

    running = tmp_path / ("a" * 32 + ".tmp-x1")
    killed = tmp_path / ("b" * 32 + ".tmp-x2")
    for d in (running, killed):
        (d / "build").mkdir(parents=True)
    with _build_lock(tmp_path, "a" * 32):
        _prune(tmp_path, keep="c" * 32)
        assert running.is_dir() and not killed.exists()
    _prune(tmp_path, keep="c" * 32)
    assert not running.exists()
