"""Data sources as units (issue 9): one registry, one named graph per source, outputs that do
not depend on hash seeds, a cache that notices every input, and .rq files that use only
declared terms."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import graph
from conftest import REPO, SMALL_RECORDS, write
from graph.build import compile_paths
from graph.cache import cached_store
from graph.sources import SOURCES, chosen
from graph.vocab import CKG_NS, PREFIXES, source_graph

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "epoch"
PKG = REPO / "graph"


# ---------------------------------------------------------------------------- the registry

def test_the_registry_names_each_source_once_and_only_it_names_them():
    assert list(SOURCES) == ["curated", "epoch"]
    for name, source in SOURCES.items():
        assert source.name == name and source.graph == source_graph(name)
        assert (PKG / "sources" / name).is_dir()
        for attr in ("sections", "loaders", "yaml_sections", "check", "triples", "summary"):
            assert hasattr(source, attr), (name, attr)
    sections = [sec for s in SOURCES.values() for sec in s.sections]
    assert len(sections) == len(set(sections)), "two sources claim one record section"
    # Outside its folder and the registry line, no module names a source's folder or tests a
    # section's prefix (what `startswith("epoch")` did).
    offenders = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG)
        if rel.parts[0] == "sources":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"startswith\(\s*['\"]epoch", text) or re.search(r"\bfrom \.+\s*epoch\b|\bgraph\.epoch\b|"
                                                                      r"epoch_triples|GRAPH_BUILDERS", text):
            offenders.append(str(rel))
    assert not offenders, offenders


def test_an_unknown_source_lists_the_known_ones():
    from graph.errors import BadValue

    with pytest.raises(BadValue) as err:
        chosen(["epoc"])
    assert "epoc" in str(err.value) and "curated, epoch" in err.value.hint
    assert [s.name for s in chosen(["epoch"])] == ["curated", "epoch"]  # the curated records always come
    assert [s.name for s in chosen(["curated"])] == ["curated"]


def test_each_source_has_its_own_named_graph_in_the_store_and_lookups_read_their_union(tmp_path):
    from graph.lookup import company_index
    from graph.store import OxigraphStore
    from graph.build import fill_store

    compiled = compile_paths([FIXTURES], shacl=False)
    store = OxigraphStore()
    fill_store(store, compiled)
    graphs = store.graphs()
    assert source_graph("curated") in graphs and source_graph("epoch") in graphs
    curated = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{source_graph('curated')}> {{ ?s ?p ?o }} }}")
    epoch = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{source_graph('epoch')}> {{ ?s ?p ?o }} }}")
    assert curated.rows[0]["n"] == len(compiled.graphs[source_graph("curated")])
    assert epoch.rows[0]["n"] == len(compiled.graphs[source_graph("epoch")])
    # Nothing in the default graph; lookups and union=False queries see both sources.
    import pyoxigraph as ox

    assert not list(store._store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    ids = {c["id"] for c in company_index(store)}
    from_epoch = {c.id for c in compiled.catalog.companies.values() if c.from_epoch}
    assert from_epoch and from_epoch <= ids and {"openai", "microsoft"} <= ids
    q = f"SELECT ?c WHERE {{ ?c <{CKG_NS}fromEpoch> true }}"
    assert len(store.query(q, union=False)) == len(store.query(q)) > 0
    # A company made from an Epoch name is the Epoch source's, not the curated records'.
    some = sorted(from_epoch)[0]
    ask = "ASK {{ GRAPH <{g}> {{ <https://w3id.org/computekg/id/company/" + some + "> ?p ?o }} }}"
    assert store.query(ask.format(g=source_graph("epoch")))
    assert not store.query(ask.format(g=source_graph("curated")))


def test_curated_only_reads_every_file_but_keeps_the_curated_records():
    plain = compile_paths([FIXTURES], sources=["curated"], shacl=False)
    assert list(plain.graphs) == [source_graph("curated")] and not plain.summary
    full = compile_paths([FIXTURES], shacl=False)
    assert full.summary.startswith("Epoch AI: ")


# ---------------------------------------------------------------------------- determinism

def _run(args, env):
    return subprocess.run([sys.executable, "-m", "graph", *args], env=env, capture_output=True, check=True).stdout


@pytest.mark.parametrize("args", [
    ["export", "--rdf-format", "nq"],
    ["facilities", "--format", "json"],
    ["company", "OpenAI", "--format", "json"],
    ["validate", "--notes", str(FIXTURES)],
], ids=["export", "facilities", "company", "validate"])
def test_outputs_are_the_same_bytes_whatever_the_hash_seed(args, tmp_path):
    """Separate processes with different PYTHONHASHSEED values (set and dict order of strings
    changes with it) write byte-identical output: nothing is compared after sorting here."""
    outs = set()
    for seed in ("0", "1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(REPO),
                   COMPUTEKG_CACHE_DIR=str(tmp_path / f"cache-{seed}"))
        outs.add(_run(["--data", str(FIXTURES), *args], env))
    assert len(outs) == 1 and len(next(iter(outs))) > 100


# ---------------------------------------------------------------------------- the compiled-store cache

def _deal_ids(store) -> set[str]:
    return {r["id"] for r in store.query("SELECT ?id WHERE { ?d a ?k ; <%sslug> ?id FILTER(STRSTARTS(STR(?d), "
                                         "'https://w3id.org/computekg/id/deal/')) }" % CKG_NS)}


def test_the_cache_is_rebuilt_when_a_record_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPUTEKG_CACHE_DIR", str(tmp_path / "cache"))
    records = write(tmp_path / "records" / "small.yaml", SMALL_RECORDS)
    first = cached_store([records.parent])
    before, entry = _deal_ids(first), first.generation
    first.close()
    again = cached_store([records.parent])
    assert again.generation == entry  # unchanged: the same entry
    again.close()
    assert "acme-bigcloud-lease" in before
    records.write_text(SMALL_RECORDS.replace("acme-bigcloud-lease", "acme-bigcloud-lease-2"), encoding="utf-8")
    changed = cached_store([records.parent])
    assert changed.generation != entry and _deal_ids(changed) - before == {"acme-bigcloud-lease-2"}
    changed.close()


@pytest.mark.parametrize("what", ["ontology", "code", "query"])
def test_the_cache_key_changes_with_the_ontology_the_code_and_the_queries(what, tmp_path, monkeypatch):
    """The cache key covers the ontology, the package's code and its .rq files (a copy is edited)."""
    import graph.cache as cache

    copy = tmp_path / "graph"
    shutil.copytree(PKG, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "ontology", tmp_path / "ontology")
    monkeypatch.setattr(cache, "__file__", str(copy / "cache.py"))
    monkeypatch.setattr(cache, "ONTOLOGY_DIR", tmp_path / "ontology")
    monkeypatch.setattr(cache, "QUERIES_DIR", copy / "queries")
    records = write(tmp_path / "records" / "small.yaml", SMALL_RECORDS)
    key = cache.cache_key([records])
    assert cache.cache_key([records]) == key
    target = {"ontology": tmp_path / "ontology" / "computekg.ttl", "code": copy / "triples.py",
              "query": copy / "queries" / "leases.rq"}[what]
    target.write_text(target.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert cache.cache_key([records]) != key
    assert cache.cache_key([records], sources=["curated"]) != cache.cache_key([records])


# ---------------------------------------------------------------------------- queries use declared terms

def test_every_ckg_term_in_the_queries_is_declared_in_the_ontology():
    import pyoxigraph as ox

    declared = {q.subject.value for q in ox.parse(path=str(REPO / "ontology" / "computekg.ttl"),
                                                   format=ox.RdfFormat.TURTLE)
                if q.predicate.value == PREFIXES["rdf"] + "type"}
    used: dict[str, set[str]] = {}
    for rq in sorted((PKG / "queries").glob("*.rq")):
        text = "\n".join(line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
                         for line in rq.read_text(encoding="utf-8").splitlines())
        for term in re.findall(r"\bckg:([A-Za-z_][\w-]*)", text) + \
                re.findall(re.escape("<" + CKG_NS) + r"([^>]+)>", text):
            used.setdefault(CKG_NS + term, set()).add(rq.name)
    assert len(used) > 20
    missing = {t: sorted(files) for t, files in used.items() if t not in declared}
    assert not missing, f"ckg: terms used in graph/queries/*.rq but not declared in ontology/computekg.ttl: {missing}"


def test_the_layer_table_has_no_circle_left():
    assert not graph.SAME_LAYER and not graph.KNOWN_CIRCLES


def test_the_api_and_the_cli_choose_the_sources(runner, tmp_path, monkeypatch):
    from graph.cli import main
    from graph.errors import BadValue

    monkeypatch.setenv("COMPUTEKG_CACHE_DIR", str(tmp_path / "cache"))
    assert graph.open(FIXTURES).company("OpenAI").sites
    assert not graph.open(FIXTURES, sources=["curated"]).company("OpenAI").sites
    with pytest.raises(BadValue, match="unknown data source 'epok'"):
        graph.open(FIXTURES, sources=["epok"]).companies()
    with_epoch = runner.invoke(main, ["validate", str(FIXTURES)])
    without = runner.invoke(main, ["--no-epoch", "validate", str(FIXTURES)])
    assert with_epoch.exit_code == without.exit_code == 0
    assert "; Epoch AI: " in with_epoch.stdout and "Epoch AI" not in without.stdout


def test_dropping_a_source_graph_leaves_exactly_the_store_without_that_source():
    """The sources are kept apart: the curated graph is the same with or without Epoch AI's data,
    so replacing or removing one source's graph touches nothing of the others."""
    from graph.build import fill_store
    from graph.store import OxigraphStore

    full = compile_paths([FIXTURES], shacl=False)
    plain = compile_paths([FIXTURES], sources=["curated"], shacl=False)
    curated = source_graph("curated")
    assert set(full.graphs[curated]) == set(plain.graphs[curated])
    a, b = OxigraphStore(), OxigraphStore()
    fill_store(a, full)
    fill_store(b, plain)
    a.update(f"DROP GRAPH <{source_graph('epoch')}>")
    from graph.build import derive
    from graph.vocab import ONTOLOGY_GRAPH

    derive(a)

    def data(store) -> list[str]:  # the ontology's blank nodes are labelled anew by each parse
        return [ln for ln in store.dump_nquads().decode().splitlines() if not ln.endswith(f"<{ONTOLOGY_GRAPH}> .")]

    assert data(a) == data(b) and len(data(b)) > 100
