"""SPARQL text, read as text: the bare keywords of a query (so that a ``SERVICE`` or an update is
found in any spelling the parser accepts) and parameters injected as a ``VALUES`` block of escaped
terms (for endpoints, which cannot bind them). Used by :mod:`graph.query` and :mod:`graph.remote`.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from .errors import QueryError
from .store import to_term


_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_LOCAL_PART = re.compile(r":[^\s{}();,]*")


def inject_values(sparql: str, bindings: Mapping[str, Any]) -> str:
    """Bind variables for an endpoint that has no substitution API: a ``VALUES`` block of
    serialised, escaped terms, placed first in the query's outermost WHERE group (or as a
    trailing VALUES clause when the query has no group). User text is never pasted as SPARQL:
    each value becomes a term, which escapes it.

    >>> inject_values('SELECT ?s WHERE { ?s ?p ?name }', {"name": 'O"Brien'})
    'SELECT ?s WHERE { VALUES (?name) { ("O\\\\"Brien") } ?s ?p ?name }'
    """
    if not bindings:
        return sparql
    names = list(bindings)
    for n in names:
        if not _WORD.fullmatch(n):
            raise QueryError(f"{n!r} is not a variable name")
    block = (" VALUES (" + " ".join("?" + n for n in names) + ") { ("
             + " ".join(str(to_term(bindings[n])) for n in names) + ") } ")
    pos = _where_brace(sparql)
    if pos is None:
        return sparql + "\n" + block.strip()
    return sparql[:pos + 1] + block + sparql[pos + 1:].lstrip(" ")


def _past_opaque(text: str, i: int) -> int | None:
    """Where a comment, string or IRI starting at ``i`` ends (their contents are not SPARQL words);
    None when none starts there."""
    n, c = len(text), text[i]
    if c == "#":
        j = text.find("\n", i)
        return n if j < 0 else j
    if c in "'\"":
        quote = text[i:i + 3] if text[i:i + 3] in ("'" * 3, '"' * 3) else c
        j = i + len(quote)
        while j < n and not text.startswith(quote, j):
            j += 2 if text[j] == "\\" else 1
        return j + len(quote)
    if c == "<":
        m = _IRIREF.match(text, i)
        if m:
            return m.end()
    return None


def sparql_keywords(text: str) -> list[str]:
    """The bare words of a SPARQL text, upper-cased, in order: keywords and function names, not
    the contents of strings, IRIs or comments, nor variables (``?x``) or prefixed names (``ex:y``).

    >>> sparql_keywords('SELECT * WHERE { ?service <http://x/SERVICE> "SERVICE" } # SERVICE')
    ['SELECT', 'WHERE']
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        skip = _past_opaque(text, i)
        if skip is not None:
            i = skip
            continue
        if c.isalpha() or c == "_":
            m = _WORD.match(text, i)
            end = m.end()
            prev = text[i - 1] if i else " "
            if prev not in "?$:@_." and not prev.isalnum() and not text.startswith(":", end):
                out.append(m.group().upper())
            i = end
            # a prefixed name's local part (ex:SERVICE) is not a keyword
            if text.startswith(":", i):
                i = _LOCAL_PART.match(text, i).end()
            continue
        if c in "?$":
            m = _WORD.match(text, i + 1)
            i = m.end() if m else i + 1
            continue
        i += 1
    return out


def _where_brace(text: str) -> int | None:
    """Index of the ``{`` opening the outermost WHERE group, skipping strings, IRIs and comments."""
    i, depth, after_where, first_brace = 0, 0, False, None
    n = len(text)
    while i < n:
        c = text[i]
        skip = _past_opaque(text, i)
        if skip is not None:
            i = skip
            continue
        if c == "{":
            if depth == 0:
                if after_where:
                    return i
                if first_brace is None:
                    first_brace = i
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and c.isalpha():
            m = _WORD.match(text, i)
            if m.group().upper() == "WHERE":
                after_where = True
            i = m.end()
            continue
        i += 1
    return first_brace
