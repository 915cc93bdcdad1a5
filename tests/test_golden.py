"""Records -> triples, compared with expected Turtle (tests/golden/<case>.yaml beside <case>.ttl)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from graph.build import compile_paths

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.yaml"))


@pytest.mark.parametrize("case", CASES)
def test_records_to_triples_match_golden(case):
    built = compile_paths([GOLDEN / f"{case}.yaml"]).graph.to_rdflib()
    expected = Graph().parse(GOLDEN / f"{case}.ttl", format="turtle")
    if not isomorphic(built, expected):
        _, only_built, only_expected = graph_diff(to_isomorphic(built), to_isomorphic(expected))
        lines = ["+ " + " ".join(t.n3() for t in triple) for triple in sorted(only_built)]
        lines += ["- " + " ".join(t.n3() for t in triple) for triple in sorted(only_expected)]
        pytest.fail(f"triples for {case} differ from tests/golden/{case}.ttl:\n" + "\n".join(lines))


def test_golden_cases_exist():
    assert {"seed-lease", "joint-venture"} <= set(CASES)


def test_building_twice_gives_identical_sorted_ntriples():
    from graph.triples import iter_sorted_ntriples

    a = list(iter_sorted_ntriples(compile_paths([GOLDEN / "seed-lease.yaml"]).graph))
    b = list(iter_sorted_ntriples(compile_paths([GOLDEN / "seed-lease.yaml"]).graph))
    assert a == b and a == sorted(a)
    assert not any(line.startswith("_:") or " _:" in line for line in a), "no blank nodes for named things"
