"""Named SPARQL queries (``graph/queries/*.rq``) and running SPARQL with bound parameters.

Each ``.rq`` file starts with comment lines: ``# summary: ...`` and ``# params: ...``.
Parameters are bound as terms (pyoxigraph substitutions), never pasted into the text.
Files named ``derive-*.rq`` are the CONSTRUCT rules materialised when a store is filled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from .errors import QueryError, UnknownName
from .ontology import QUERIES_DIR
from .store import Result, Rows


@dataclass(frozen=True)
class NamedQuery:
    name: str
    summary: str
    params: str
    text: str
    path: Path

    @property
    def internal(self) -> bool:
        """Queries the tool itself uses (lookup building blocks), not listed for users."""
        return self.name.startswith("_")


def _header(text: str, key: str) -> str:
    m = re.search(rf"^#\s*{key}:\s*(.+)$", text, re.MULTILINE)
    return m.group(1).strip() if m else ""


@lru_cache(maxsize=None)
def all_queries() -> dict[str, NamedQuery]:
    return {path.stem: _load(path) for path in sorted(QUERIES_DIR.glob("*.rq"))}


def user_queries() -> list[NamedQuery]:
    return [q for q in all_queries().values() if not q.internal]


def derive_queries() -> list[str]:
    return [q.text for name, q in sorted(all_queries().items()) if name.startswith("derive-")]


@lru_cache(maxsize=None)
def _load(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    return NamedQuery(path.stem, _header(text, "summary"), _header(text, "params"), text, path)


def get(name: str) -> NamedQuery:
    """A named query; reads only its own file (the lookup path stays cheap)."""
    path = QUERIES_DIR / f"{name}.rq"
    if "/" in name or "\\" in name or not path.is_file():
        import difflib

        close = difflib.get_close_matches(name, [q.name for q in user_queries()], n=3)
        raise UnknownName("query", name, close)
    return _load(path)


def run(store, sparql: str, params: Mapping[str, Any] | None = None) -> Result:
    """Run SPARQL text on a store over all its graphs, binding ``params`` (variable -> value)."""
    return store.query(sparql, params or None)


def run_named(store, name: str, params: Mapping[str, Any] | None = None) -> Result:
    """Run a named query. The tool's own (``_``-prefixed) queries read only the records."""
    q = get(name)
    return store.query(q.text, params or None, union=not q.internal)


def looks_like_query(text: str) -> bool:
    """True when text is SPARQL rather than a query name or a file."""
    return bool(re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE)\b", text, re.IGNORECASE)) or "{" in text


def rows_or_error(result: Result) -> Rows:
    if not isinstance(result, Rows):
        raise QueryError("expected a SELECT query")
    return result
