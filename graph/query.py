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

from .errors import BadValue, QueryError, UnknownName
from .ontology import QUERIES_DIR
from .sparqltext import sparql_keywords
from .store import Result


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

    @property
    def parameters(self) -> list["Param"]:
        """The parameters declared in the ``# params:`` header."""
        return parse_params(self.params)


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query: ``?name (description)``."""

    name: str
    description: str
    optional: bool
    kind: str  # "date", "iri", "choice", "kind" or "text"
    choices: tuple[str, ...] = ()


_PARAM = re.compile(r"\?([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(((?:[^()]|\([^()]*\))*)\))?")


def parse_params(header: str) -> list[Param]:
    """Parse a ``# params:`` header: ``?role ("provider" or "customer"; default provider), ?date (optional
    xsd:date)``. A parameter is optional when its description says "optional" or gives a default.

    >>> [(p.name, p.optional, p.kind, p.choices) for p in parse_params('?role ("a" or "b"; default a), ?date (xsd:date)')]
    [('role', True, 'choice', ('a', 'b')), ('date', False, 'date', ())]
    """
    if not header or header.strip().lower() == "none":
        return []
    out = []
    for m in _PARAM.finditer(header):
        name, desc = m.group(1), (m.group(2) or "").strip()
        optional = bool(re.search(r"\b(optional|default)\b", desc, re.IGNORECASE))
        head = desc.split(";")[0]
        choices = tuple(re.findall(r'"([^"]*)"', head)) if re.fullmatch(r'\s*("[^"]*"\s*(or|,)?\s*)+', head) else ()
        if "xsd:date" in desc:
            kind = "date"
        elif "IRI" in desc:
            kind = "iri"
        elif choices:
            kind = "choice"
        elif re.search(r"\bdeal kind\b", desc):
            kind = "kind"
        else:
            kind = "text"
        out.append(Param(name, desc, optional, kind, choices))
    return out


def check_params(q: NamedQuery, params: Mapping[str, Any]) -> dict[str, Any]:
    """Check values given for a named query's parameters: every name must be declared, every
    required one given, each in its declared form. Returns the bindings to use.

    Raises :class:`BadValue` naming the parameter (unknown names list the declared ones).
    """
    import datetime as _dt

    declared = {p.name: p for p in q.parameters}
    listing = ", ".join(f"{p.name}{' (optional)' if p.optional else ''}" for p in declared.values()) or "none"
    for name in params:
        if name not in declared:
            raise BadValue(f"query {q.name!r} has no parameter {name!r}; its parameters: {listing}",
                           "see `computekg query --list`")
    for p in declared.values():
        if p.name not in params:
            if not p.optional:
                raise BadValue(f"query {q.name!r} needs the parameter {p.name!r}: {p.description}",
                               f"give it with -p {p.name}=VALUE")
            continue
        value = params[p.name]
        text = str(value).strip()
        if p.kind == "date":
            try:
                ok = len(text) == 10 and bool(_dt.date.fromisoformat(text))
            except ValueError:
                ok = False
            if not ok:
                raise BadValue(f"parameter {p.name!r} of query {q.name!r} must be a date as YYYY-MM-DD, "
                               f"got {text!r}", f"e.g. -p {p.name}=2027-01-01")
        elif p.kind == "choice" and text not in p.choices:
            raise BadValue(f"parameter {p.name!r} of query {q.name!r} must be one of "
                           + ", ".join(p.choices) + f", got {text!r}")
        elif p.kind == "kind":
            from .vocab import DEAL_KINDS

            if text not in DEAL_KINDS:
                raise BadValue(f"parameter {p.name!r} of query {q.name!r} must be a deal kind "
                               f"({', '.join(DEAL_KINDS)}), got {text!r}")
    return dict(params)


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
        from .suggest import close

        raise UnknownName("query", name, close(name, [q.name for q in user_queries()], lower=False))
    return _load(path)


def run(store, sparql: str, params: Mapping[str, Any] | None = None, *, timeout: float | None = None) -> Result:
    """Run SPARQL text on a store over all its graphs, binding ``params`` (variable -> value)."""
    if timeout is not None:
        return store.query(sparql, params or None, timeout=timeout)
    return store.query(sparql, params or None)


def run_named(store, name: str, params: Mapping[str, Any] | None = None) -> Result:
    """Run a named query. The tool's own (``_``-prefixed) queries read only the records (or, where
    the store says it answers them faster so, ``lookups_read_union``, every graph: the ontology and
    the derived relations hold nothing these queries match)."""
    q = get(name)
    text = q.text
    if params:
        # Bound by a VALUES block first in the query (as for endpoints), not by pyoxigraph's
        # substitutions: with those, pyoxigraph 0.5 planned _deal-dates (a UNION) without the bound
        # company and read every deal (a company lookup at 100,000 deals: 1.6 s; with VALUES 18 ms).
        from .sparqltext import inject_values

        text, params = inject_values(text, params), None
    return store.query(text, None, union=not q.internal or getattr(store, "lookups_read_union", False))


# ---------------------------------------------------------------------------- SPARQL safety
# Plain functions, shared by `query` and `serve`: they read the query's keywords (outside strings,
# IRIs and comments) and never run anything.

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
def keywords(text: str) -> list[str]:
    """The bare words of a SPARQL text, upper-cased (see :func:`graph.store.sparql_keywords`).

    >>> keywords('SELECT * WHERE { ?service <http://x/SERVICE> "SERVICE" } # SERVICE')
    ['SELECT', 'WHERE']
    """
    return sparql_keywords(text)


def is_update(text: str) -> bool:
    """True when the text is a SPARQL Update (its first keyword after PREFIX/BASE declarations)."""
    words = keywords(text)
    k = 0
    while k < len(words) and words[k] in ("PREFIX", "BASE"):
        k += 1
    return k < len(words) and words[k] in UPDATE_KEYWORDS


def uses_service(text: str) -> bool:
    """True when the query asks a remote endpoint (``SERVICE``), which would make this machine
    send HTTP requests to any address named in the query."""
    return "SERVICE" in keywords(text)


def check_read_query(text: str, *, allow_service: bool = False) -> None:
    """Refuse what a read-only query must not do: updates, and ``SERVICE`` unless allowed.

    Raises :class:`QueryError` saying why and what to do instead.
    """
    if is_update(text):
        raise QueryError("SPARQL updates (INSERT, DELETE, LOAD, DROP, CLEAR...) are not accepted: "
                         "queries only read the graph",
                         "change a store with `computekg --store DIR load FILE`, `unload FILE` or `load --replace`")
    if not allow_service and uses_service(text):
        raise QueryError("the query uses SERVICE, which would send requests from this machine to the "
                         "address it names; refused",
                         "pass --allow-service if you trust the query and the endpoint it names")


def looks_like_query(text: str) -> bool:
    """True when text is SPARQL rather than a query name or a file."""
    return bool(re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE)\b", text, re.IGNORECASE)) or "{" in text \
        or is_update(text)

