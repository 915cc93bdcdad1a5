"""The wheel carries ontology/ and data/, so an installed computekg works outside the repo."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_wheel_carries_ontology_data_and_queries(tmp_path):
    pytest.importorskip("hatchling")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                        "-w", str(tmp_path), str(REPO)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    wheel = next(tmp_path.glob("computekg-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "graph/_bundled/ontology/computekg.ttl" in names
    assert "graph/_bundled/ontology/shapes.ttl" in names
    assert "graph/_bundled/data/companies.yaml" in names
    assert any(n.startswith("graph/_bundled/data/deals/") and n.endswith(".yaml") for n in names)
    assert "graph/queries/leases.rq" in names and "graph/py.typed" in names
    assert any(n.startswith("graph/templates/") for n in names), "the HTML view template ships in the wheel"
    entry = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "computekg = graph.cli:main" in entry
