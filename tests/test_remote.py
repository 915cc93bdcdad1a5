"""The CLI against a remote SPARQL 1.1 endpoint answers exactly as the embedded store does, on
each real server the tests start on 127.0.0.1: Oxigraph server (records in the default graph) and
Virtuoso (records in a named graph, updates to /sparql-auth with credentials from the environment)."""

from __future__ import annotations

import json

import pytest

from graph.cli import main



@pytest.fixture
def remote(endpoint):
    """The global options that point the CLI at the emptied server."""
    return endpoint.options


def run(runner, *args):
    r = runner.invoke(main, list(args))
    assert r.exit_code == 0, r.output
    return r.stdout


def test_load_then_lookups_match_the_embedded_store(runner, remote, small_data, monkeypatch):
    monkeypatch.setattr("graph.remote.CHUNK_LINES", 50)  # many chunks, staged then moved in one update
    out = run(runner, *remote, "load", str(small_data))
    assert "loaded" in out
    for args in (["company", "bigcloud", "--format", "json"],
                 ["company", "Acme", "--as-of", "2026-01-01", "--format", "json"],
                 ["deals", "--provider", "chipco", "--format", "json"],
                 ["query", "leases", "--format", "json"],
                 ["query", "providers-of", "-p", "company_name=BigCloud", "--format", "json"],
                 ["stats", "--format", "json"]):
        assert json.loads(run(runner, *remote, *args)) == \
            json.loads(run(runner, "--data", str(small_data), *args)), args


def test_export_from_the_endpoint_has_the_same_triples(runner, remote, small_data):
    run(runner, *remote, "load", str(small_data))
    remote_nt = set(run(runner, *remote, "export", "--rdf-format", "nt").splitlines())
    local_nt = set(run(runner, "--data", str(small_data), "export", "--rdf-format", "nt").splitlines())
    assert remote_nt == local_nt and len(remote_nt) > 50


def test_a_failed_load_leaves_the_endpoint_unchanged(runner, remote, small_data, tmp_path):
    run(runner, *remote, "load", str(small_data))
    before = run(runner, *remote, "export", "--rdf-format", "nq")
    bad = tmp_path / "bad.yaml"
    bad.write_text("deals:\n  - {id: x, kind: lease, provider: nobody, customer: acme-ai, "
                   "sources: [{publisher: P, title: T, url: 'https://e.com'}]}\n")
    r = runner.invoke(main, [*remote, "load", str(bad)])
    assert r.exit_code == 1 and "unknown company 'nobody'" in r.stderr
    assert run(runner, *remote, "export", "--rdf-format", "nq") == before


def test_malformed_query_and_unreachable_endpoint(runner, remote):
    r = runner.invoke(main, [*remote, "query", "SELECT ?x WHERE { ?x ?p }"])
    assert r.exit_code == 1 and "malformed SPARQL: error at 1:" in r.stderr
    r = runner.invoke(main, ["--store", "http://127.0.0.1:9/query", "company", "x"])
    assert r.exit_code == 1 and "cannot reach the SPARQL endpoint" in r.stderr and "Traceback" not in r.output


def test_hostile_values_stay_values(runner, remote, small_data):
    run(runner, *remote, "load", str(small_data))
    r = runner.invoke(main, [*remote, "query", "providers-of", "-p",
                             'company_name=x")) } UNION { ?c ?p ?o } #', "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout) == []
