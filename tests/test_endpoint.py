"""The HTTP side of a remote store (graph/endpoint.py): credentials from the environment only,
timeouts, bounded retries for reads and never for updates, one-line errors naming the endpoint
and the HTTP status; chunked loads. Against real servers: Oxigraph server and Virtuoso started
by the tests, and a small HTTP server here that answers as a busy or slow server would."""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from graph.cli import main
from graph.errors import QueryError, StoreError
from graph.remote import RemoteStore

ASK_TRUE = b'{"head": {}, "boolean": true}'


class Scripted:
    """An HTTP server on 127.0.0.1 answering from a list of (status, headers, body, delay), one per
    request (the last one repeats); it counts the requests by content type."""

    def __init__(self, answers):
        self.answers, self.seen = list(answers), []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.seen.append(self.headers.get("Content-Type", ""))
                status, headers, body, delay = outer.answers[min(len(outer.seen), len(outer.answers)) - 1]
                time.sleep(delay)
                try:
                    self.send_response(status)
                    for k, v in {"Content-Type": "application/sparql-results+json", **headers}.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/query"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def count(self, kind: str) -> int:
        return sum(kind in c for c in self.seen)


BUSY = (503, {"Content-Type": "text/plain"}, b"Service Unavailable: overloaded\n", 0)


def test_reads_are_tried_again_with_backoff_then_fail_in_one_line():
    with Scripted([BUSY]) as server:
        started = time.monotonic()
        with pytest.raises(StoreError) as err:
            RemoteStore(server.url, timeout=5).query("ASK {}")
        assert server.count("form-urlencoded") == 3  # bounded: three tries in all
        assert time.monotonic() - started >= 0.25 + 0.5  # with a doubling pause between them
    message = str(err.value)
    assert server.url in message and "HTTP 503" in message and "overloaded" in message and "\n" not in message


def test_a_read_succeeds_once_the_server_recovers():
    with Scripted([BUSY, (200, {}, ASK_TRUE, 0)]) as server:
        assert RemoteStore(server.url, timeout=5).query("ASK {}") is True
        assert server.count("form-urlencoded") == 2


def test_updates_are_never_repeated():
    with Scripted([BUSY]) as server:
        with pytest.raises(StoreError) as err:
            RemoteStore(server.url, update_url=server.url, timeout=5).update("INSERT DATA { <urn:a> <urn:b> 1 }")
        assert server.count("sparql-update") == 1
    assert "refused the update" not in str(err.value) and "HTTP 503" in str(err.value)


def test_a_slow_answer_is_a_timeout_naming_the_endpoint():
    with Scripted([(200, {}, ASK_TRUE, 3)]) as server:
        started = time.monotonic()
        with pytest.raises(QueryError) as err:
            RemoteStore(server.url, timeout=0.5).query("ASK {}")
        assert time.monotonic() - started < 2.5  # no retry after a timeout: the query is too slow, not the server
    assert f"{server.url} gave no answer to the query within 0.5 s" in str(err.value)


def test_an_answer_the_server_cut_short_is_an_error_not_a_silent_truncation():
    rows = b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "value": "urn:a"}}, ' \
           b'{"s": {"type": "uri", "value": "urn:b"}}]}}'
    with Scripted([(200, {"X-SPARQL-MaxRows": "2"}, rows, 0)]) as server:  # as Virtuoso says it
        with pytest.raises(StoreError) as err:
            RemoteStore(server.url).query("SELECT ?s WHERE { ?s ?p ?o }")
    assert "cut the answer at 2 rows" in str(err.value) and "ResultSetMaxRows" in err.value.hint


def test_credentials_never_go_on_the_command_line(runner):
    r = runner.invoke(main, ["--store", "http://ann:s3cret@127.0.0.1:9/query", "company", "x"])
    assert r.exit_code == 2 and "s3cret" not in r.output
    assert "credentials in the URL" in r.stderr and "COMPUTEKG_SPARQL_USER" in r.stderr


def test_endpoint_options_need_an_endpoint(runner, tmp_path):
    r = runner.invoke(main, ["--store", str(tmp_path / "kg"), "--update-url", "http://127.0.0.1:9/update",
                             "company", "x"])
    assert r.exit_code == 2 and "--update-url goes with --store URL" in r.stderr


# ---------------------------------------------------------------------------- Virtuoso's protected endpoint

def test_virtuoso_updates_need_the_credentials_from_the_environment(virtuoso_server, monkeypatch):
    virtuoso_server.reset(monkeypatch)
    monkeypatch.delenv("COMPUTEKG_SPARQL_USER")
    monkeypatch.delenv("COMPUTEKG_SPARQL_PASSWORD")
    insert = "INSERT DATA { GRAPH <urn:test:g> { <urn:a> <urn:b> 1 } }"
    with pytest.raises(StoreError) as err:
        virtuoso_server.store().update(insert)
    assert f"{virtuoso_server.update_url} refused the update (HTTP 401" in str(err.value)
    assert "COMPUTEKG_SPARQL_USER" in err.value.hint

    monkeypatch.setenv("COMPUTEKG_SPARQL_USER", "dba")
    monkeypatch.setenv("COMPUTEKG_SPARQL_PASSWORD", "not-the-password")
    with pytest.raises(StoreError) as err:
        virtuoso_server.store().update(insert)
    assert "HTTP 401" in str(err.value) and "not-the-password" not in str(err.value) + err.value.hint
    assert "check the credentials" in err.value.hint

    virtuoso_server.use_credentials(monkeypatch)
    virtuoso_server.store().update(insert)  # Digest authentication, answered from the environment
    assert "urn:test:g" in virtuoso_server.store().graphs()


def test_virtuoso_public_endpoint_refuses_updates_with_a_hint(virtuoso_server, monkeypatch):
    virtuoso_server.reset(monkeypatch)
    store = RemoteStore(virtuoso_server.url, update_url=virtuoso_server.url, records_graph=virtuoso_server.records_graph)
    with pytest.raises(StoreError) as err:
        store.update("INSERT DATA { GRAPH <urn:test:g> { <urn:a> <urn:b> 1 } }")
    assert "HTTP 500" in str(err.value) and "--update-url" in err.value.hint


# ---------------------------------------------------------------------------- chunked loads, on both servers

NT = b"".join(f"<urn:test:s{i}> <urn:test:p> \"{i}\" .\n".encode() for i in range(7)) + \
    b"_:x <urn:test:p> <urn:test:s0> .\n_:x <urn:test:q> \"blank\" .\n"


def _staging(store) -> int:
    from graph.remote import STAGING_PREFIX

    rows = store._raw_select(f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}')
    return len(rows)


def test_a_large_load_goes_in_bounded_chunks_and_lands_whole(endpoint, monkeypatch):
    monkeypatch.setattr("graph.remote.CHUNK_LINES", 3)
    store = endpoint.store()
    store.load_ntriples(NT)
    rows = store.query("SELECT ?s ?o WHERE { ?s <urn:test:p> ?o }", union=False)
    assert len(rows) == 8 and _staging(store) == 0
    # the blank node stayed one node across the chunks
    assert store.query('ASK { ?b <urn:test:p> <urn:test:s0> ; <urn:test:q> "blank" }', union=False) is True


def test_a_load_that_fails_part_way_adds_nothing(endpoint, monkeypatch):
    monkeypatch.setattr("graph.remote.CHUNK_LINES", 3)
    store = endpoint.store()
    bad = NT + b"<urn:test:late> <urn:test:p> <not an iri> .\n"
    with pytest.raises((QueryError, StoreError)) as err:
        store.load_ntriples(bad)
    assert "HTTP 400" in str(err.value)
    assert store.query("ASK { ?s <urn:test:p> ?o }") is False and _staging(store) == 0
