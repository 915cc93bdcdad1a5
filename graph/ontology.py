"""Where the bundled ontology, shapes and data live, and loading them.

In a source checkout they are the repository's ``ontology/`` and ``data/``; in an installed
wheel they are copied into ``graph/_bundled/``. rdflib is imported only by the functions that
parse Turtle, so importing this module stays light.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PKG / "_bundled" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    return _PKG.parent / name


ONTOLOGY_DIR = _find("ontology")
DATA_DIR = _find("data")
ONTOLOGY_FILE = ONTOLOGY_DIR / "computekg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
QUERIES_DIR = _PKG / "queries"


@lru_cache(maxsize=None)
def ontology_graph():
    from rdflib import Graph

    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@lru_cache(maxsize=None)
def shapes_graph():
    from rdflib import Graph

    return Graph().parse(SHAPES_FILE, format="turtle")
