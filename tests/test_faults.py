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
    import time

    q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z . ?d ?s ?w }"
    t = time.monotonic()
    r = runner.invoke(main, ["query", "--timeout", "0.5", q])
    elapsed = time.monotonic() - t
    line = assert_one_error_line(r)
    assert "longer than 0.5 s" in line and "--timeout" in line
    assert elapsed < 10
