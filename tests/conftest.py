"""Shared fixtures: a private compiled-store cache per test session, CLI runner, small records."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Never touch the user's ~/.cache: compiled stores go to a session temp folder."""
    path = tmp_path_factory.mktemp("ckg-cache")
    old = os.environ.get("COMPUTEKG_CACHE_DIR")
    os.environ["COMPUTEKG_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("COMPUTEKG_CACHE_DIR", None)
    else:
        os.environ["COMPUTEKG_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def sparql_server(tmp_path_factory):
    """A real SPARQL 1.1 endpoint: Oxigraph's server (pip package ``oxigraph``) on 127.0.0.1.

    Yields the query URL (``/query``; updates go to ``/update``); stopped at the end of the session.
    """
    import shutil
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(exe).exists():
        pytest.skip("the oxigraph server is not installed (pip install oxigraph; tests/run.sh does)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    location = tmp_path_factory.mktemp("oxigraph-server")
    proc = subprocess.Popen([exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while True:
        try:
            req = urllib.request.Request(url, data=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
            urllib.request.urlopen(req, timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the oxigraph server did not start: " + proc.stderr.read().decode(errors="replace"))
            time.sleep(0.05)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


VIRTUOSO_INI = """
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
CaseMode = 2
CheckpointInterval = 0
DirsAllowed = .
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ThreadsPerQuery = 1
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 2000000
MaxQueryExecutionTime = 300
"""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Endpoint:
    """A SPARQL server the tests started: how computekg reaches it, and how a test empties it."""

    def __init__(self, name: str, url: str, *, update_url: str | None = None, records_graph: str | None = None,
                 credentials: tuple[str, str] | None = None):
        self.name, self.url, self.update_url, self.records_graph = name, url, update_url, records_graph
        self.credentials = credentials
        self.system_graphs: set[str] = set()

    @property
    def options(self) -> list[str]:
        """The global CLI options that point computekg at this server (credentials are not options)."""
        out = ["--store", self.url]
        if self.update_url:
            out += ["--update-url", self.update_url]
        if self.records_graph:
            out += ["--records-graph", self.records_graph]
        return out

    def store(self, **kw):
        from graph.remote import RemoteStore

        return RemoteStore(self.url, update_url=self.update_url, records_graph=self.records_graph, **kw)

    def use_credentials(self, monkeypatch) -> None:
        """Credentials go in the environment only: set them there (or clear them) for this test."""
        for var, value in zip(("COMPUTEKG_SPARQL_USER", "COMPUTEKG_SPARQL_PASSWORD"), self.credentials or ()):
            monkeypatch.setenv(var, value)
        if not self.credentials:
            monkeypatch.delenv("COMPUTEKG_SPARQL_USER", raising=False)
            monkeypatch.delenv("COMPUTEKG_SPARQL_PASSWORD", raising=False)

    def reset(self, monkeypatch) -> None:
        """Empty it: every graph but the server's own (Virtuoso keeps system graphs)."""
        self.use_credentials(monkeypatch)
        store = self.store()
        if not self.system_graphs and self.records_graph is None:
            store.update("DROP ALL")
            return
        for g in store.graphs() + ([self.records_graph] if self.records_graph else []):
            if g not in self.system_graphs:
                store.update(f"DROP SILENT GRAPH <{g}>")


def _wait_until_ready(proc, url: str, name: str, log, seconds: float) -> None:
    import time
    import urllib.parse
    import urllib.request

    deadline = time.monotonic() + seconds
    body = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    while True:
        try:
            urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=2).read()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                raise RuntimeError(f"the {name} server did not start within {seconds:g} s: " + log())
            time.sleep(0.1)


def _stop(proc) -> None:
    import subprocess

    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """Virtuoso Open Source (Debian package ``virtuoso-opensource``) on 127.0.0.1, in its own
    database folder, stopped at the end of the session. Queries go to ``/sparql``; updates to
    ``/sparql-auth``, which asks for HTTP Digest credentials (the ``dba`` account), given to
    computekg through the environment. Records go to a named graph: Virtuoso's default graph is
    the union of all graphs, and it refuses ``INSERT DATA`` into it."""
    import shutil
    import subprocess

    exe = shutil.which("virtuoso-t")
    if exe is None:
        if os.geteuid() == 0:  # CI runs as root, where tests/run.sh installs it: missing there is a failure
            pytest.fail("virtuoso-t is missing: run the tests with tests/run.sh, which installs the Debian "
                        "package virtuoso-opensource")
        pytest.skip("Virtuoso is not installed (Debian: sudo apt-get install virtuoso-opensource; "
                    "tests/run.sh installs it when run as root)")
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = _free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(dir=folder, isql_port=_free_port(), http_port=http_port))
    proc = subprocess.Popen([exe, "+foreground", "+configfile", str(folder / "virtuoso.ini")], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"

    def log() -> str:
        path = folder / "virtuoso.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else "(no log)"

    try:
        _wait_until_ready(proc, base + "/sparql", "Virtuoso", log, 120)
        from graph.vocab import graph_iri

        server = Endpoint("virtuoso", base + "/sparql", update_url=base + "/sparql-auth",
                          records_graph=graph_iri("records"), credentials=("dba", "dba"))
        server.system_graphs = set(server.store().graphs())
        yield server
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def oxigraph_endpoint(sparql_server):
    return Endpoint("oxigraph", sparql_server)


@pytest.fixture(params=["oxigraph", "virtuoso"])
def endpoint(request, monkeypatch):
    """Each real SPARQL server in turn, emptied, with its credentials (if any) in the environment."""
    server = request.getfixturevalue(f"{request.param}_endpoint" if request.param == "oxigraph"
                                     else "virtuoso_server")
    server.reset(monkeypatch)
    return server


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def bundled_store():
    """The compiled store of the bundled data/ (read-only)."""
    from graph.cache import cached_store

    return cached_store()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


SMALL_RECORDS = """
companies:
  - {id: acme-ai, name: Acme AI, kind: ai_lab, aliases: [Acme]}
  - {id: bigcloud, name: BigCloud, kind: hyperscaler}
  - {id: chipco, name: ChipCo, kind: chipmaker}
  - {id: holdco, name: HoldCo, kind: other}
  - {id: subcloud, name: SubCloud, kind: neocloud, parent: holdco, parent_since: 2025-06}
facilities:
  - id: site-1
    name: Site One
    operator: bigcloud
    location: {city: Springfield, country: US, lat: 40.0, lon: -89.0}
    power_mw: 100
    status: operational
deals:
  - id: acme-bigcloud-lease
    kind: lease
    provider: bigcloud
    customer: Acme
    facilities: [site-1]
    capacity: {power_mw: 100, accelerators: [{model: H100, count: 50000}]}
    price: {amount: 1.0e8, currency: USD, per: month, qualifier: approx}
    start: "2025-01"
    end: "2028-02"
    status: signed
    sources:
      - {publisher: Example News, title: Acme leases Site One, url: "https://example.com/a", date: 2025-01-10, kind: news}
  - id: chipco-invests-bigcloud
    kind: investment
    provider: chipco
    customer: bigcloud
    total_value: {amount: 2.0e9, currency: USD, qualifier: up_to}
    announced: 2025-03-01
    status: completed
    sources:
      - {publisher: ChipCo, title: ChipCo invests, url: "https://example.com/b", date: 2025-03-01, kind: company_release}
  - id: bigcloud-buys-chips
    kind: chip_supply
    provider: chipco
    customer: bigcloud
    total_value: [{amount: 5.0e9, currency: USD, source: 1}, {amount: 6.0e9, currency: USD, qualifier: approx, source: 2}]
    announced: "2025"
    status: signed
    sources:
      - {publisher: Wire A, title: BigCloud buys chips, url: "https://example.com/c", date: 2025-04-01, kind: news}
      - {publisher: Wire B, title: BigCloud chip order, url: "https://example.com/d", date: 2025-04-02, kind: aggregator}
"""


@pytest.fixture
def small_data(tmp_path) -> Path:
    return write(tmp_path / "records" / "small.yaml", SMALL_RECORDS)
