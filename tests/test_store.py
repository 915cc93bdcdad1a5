"""One test suite for the store protocol, run against every backend: oxigraph in memory and on disk,
and two real SPARQL servers started by the tests on 127.0.0.1 (Oxigraph server and Virtuoso)."""

from __future__ import annotations

import pytest

from graph.errors import QueryError, StoreError
from graph.store import IRI, OxigraphStore, Rows

EX = "https://example.com/"
DATA = f"""<{EX}a> <{EX}name> "Anthropic" .
<{EX}b> <{EX}name> "O'Brien \\"quoted\\" <tag>" .
<{EX}a> <{EX}mw> "300"^^<http://www.w3.org/2001/XMLSchema#integer> .
<{EX}a> <{EX}end> "2029-05-31"^^<http://www.w3.org/2001/XMLSchema#date> .
""".encode()


class StoreSuite:
    """Subclasses provide ``make_store(tmp_path)`` returning a writable store."""

    def make_store(self, tmp_path):  # pragma: no cover - abstract
        raise NotImplementedError

    @pytest.fixture
    def store(self, tmp_path):
        s = self.make_store(tmp_path)
        s.load_ntriples(DATA)
        return s

    def test_select_returns_python_values(self, store):
        rows = store.query(f"SELECT ?mw ?end WHERE {{ <{EX}a> <{EX}mw> ?mw ; <{EX}end> ?end }}")
        assert isinstance(rows, Rows) and rows.variables == ["mw", "end"]
        import datetime

        assert rows.rows == [{"mw": 300, "end": datetime.date(2029, 5, 31)}]

    def test_bindings_are_terms_not_text(self, store):
        q = f"SELECT ?s ?n WHERE {{ ?s <{EX}name> ?n }}"
        tricky = "O'Brien \"quoted\" <tag>"
        rows = store.query(q, {"n": tricky})
        assert [r["s"] for r in rows] == [IRI(f"{EX}b")]
        injected = store.query(q, {"n": '" } ?s ?p ?o { "'})
        assert len(injected) == 0

    def test_ask_and_construct(self, store):
        assert store.query(f"ASK {{ <{EX}a> ?p ?o }}") is True
        assert store.query(f"ASK {{ <{EX}zzz> ?p ?o }}") is False
        lines = store.query(f"CONSTRUCT {{ ?s <{EX}label> ?n }} WHERE {{ ?s <{EX}name> ?n }}")
        assert len(lines) == 2 and all(line.endswith(" .") for line in lines)

    def test_prefixes_are_predeclared(self, store):
        assert store.query("ASK { FILTER(xsd:integer('1') = 1) }") is True

    def test_malformed_query_names_the_position(self, store):
        with pytest.raises(QueryError) as err:
            store.query("SELECT ?x WHERE { ?x ?p }")
        assert "malformed SPARQL" in str(err.value) and "1:" in str(err.value)

    def test_named_graphs_are_visible_in_union_queries_only(self, store):
        store.load_ntriples(f"<{EX}c> <{EX}name> \"C\" .\n".encode(), f"{EX}graph")
        q = f"SELECT ?s WHERE {{ ?s <{EX}name> \"C\" }}"
        assert len(store.query(q)) == 1
        assert len(store.query(q, union=False)) == 0
        assert f"{EX}graph" in store.graphs()

    def test_dump_is_sorted_and_complete(self, store):
        nq = store.dump_nquads().decode().splitlines()
        assert nq == sorted(nq) and len(nq) == 4

    def test_update_and_derived_graph(self, store):
        store.update(f"INSERT DATA {{ GRAPH <{EX}g2> {{ <{EX}x> <{EX}name> \"X\" }} }}")
        assert f"{EX}g2" in store.graphs()
        store.update(f"DROP SILENT GRAPH <{EX}g2>")
        assert f"{EX}g2" not in store.graphs()

    def test_constructs_and_bindings_together(self, store):
        lines = store.query(f"CONSTRUCT {{ ?s <{EX}label> ?n }} WHERE {{ ?s <{EX}name> ?n }}", {"s": IRI(f"{EX}a")})
        assert lines == [f'<{EX}a> <{EX}label> "Anthropic" .']


class TestRemoteStore(StoreSuite):
    """A real SPARQL 1.1 server (Oxigraph's), started by the tests on 127.0.0.1."""

    @pytest.fixture(autouse=True)
    def _server(self, sparql_server):
        self.url = sparql_server
        from graph.remote import RemoteStore

        RemoteStore(self.url).update("DROP ALL")

    def make_store(self, tmp_path):
        from graph.remote import RemoteStore

        return RemoteStore(self.url)

    def test_unreachable_endpoint_is_a_clear_error(self):
        from graph.remote import RemoteStore

        with pytest.raises(StoreError) as err:
            RemoteStore("http://127.0.0.1:9/query", timeout=2).query("ASK {}")
        assert "cannot reach the SPARQL endpoint" in str(err.value)


class TestVirtuosoStore(StoreSuite):
    """Virtuoso Open Source, started by the tests on 127.0.0.1: records in a named graph, updates
    to /sparql-auth with Digest credentials from the environment."""

    @pytest.fixture(autouse=True)
    def _server(self, virtuoso_server, monkeypatch):
        self.server = virtuoso_server
        virtuoso_server.reset(monkeypatch)

    def make_store(self, tmp_path):
        return self.server.store()

    def test_records_go_to_the_records_graph_and_lookups_read_only_it(self, store):
        from graph.remote import RemoteStore

        assert self.server.records_graph not in store.graphs()
        raw = RemoteStore(self.server.url)  # no records graph: Virtuoso's own default graph, the union
        rows = raw._raw_select(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{EX}a> <{EX}name> ?n }} }}")
        assert [b["g"]["value"] for b in rows] == [self.server.records_graph]
        # the server's own graphs stay out of lookups and dumps
        assert store.query("ASK { ?s a ?class }", union=False) is False
        assert store.query("ASK { ?s a ?class }") is True
        assert not store.is_empty()


class TestMemoryStore(StoreSuite):
    def make_store(self, tmp_path):
        return OxigraphStore()


class TestDiskStore(StoreSuite):
    def make_store(self, tmp_path):
        return OxigraphStore(tmp_path / "store")

    def test_read_only_reopen_sees_data_and_refuses_writes(self, tmp_path):
        s = OxigraphStore(tmp_path / "s")
        s.load_ntriples(DATA)
        s.close()
        ro = OxigraphStore(tmp_path / "s", read_only=True)
        assert ro.query(f"ASK {{ <{EX}a> ?p ?o }}") is True
        with pytest.raises(StoreError):
            ro.load_ntriples(DATA)

    def test_opening_a_folder_that_is_not_a_store_is_a_clear_error(self, tmp_path):
        with pytest.raises(StoreError) as err:
            OxigraphStore(tmp_path / "nothing-here", read_only=True)
        assert "not a computekg store" in str(err.value) and "load" in err.value.hint
