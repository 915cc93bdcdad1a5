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
