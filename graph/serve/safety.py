"""What the endpoint refuses before a query reaches the engine: federated queries (``SERVICE``)
and updates.

The check works on SPARQL's tokens, not on substrings: strings, IRIs, comments, variables and
prefixed names are skipped, so ``?service``, ``schema:Service`` or ``"SERVICE"`` are allowed,
while ``SERVICE``, ``service`` or ``SeRvIcE`` as a keyword anywhere (nested groups, subqueries,
``SERVICE SILENT``) is refused. It errs on the side of refusing: the text is also checked with
its ``\\uXXXX`` escapes decoded, and a refusal names the keyword.

Updates never run in any case (the endpoint only calls the store's query method, on a store
opened read-only); :func:`update_keyword` only tells an update apart from a malformed query so
the client gets 403 and a plain reason rather than a parser message.

>>> service_keyword('SELECT ?service WHERE { ?s a schema:Service ; ex:p "SERVICE" }') is None
True
>>> service_keyword('SELECT * WHERE { sErViCe <http://127.0.0.1:1/> { ?s ?p ?o } }')
'sErViCe'
>>> update_keyword('PREFIX ex: <http://e/> INSERT DATA { ex:a ex:b ex:c }')
'INSERT'
"""

from __future__ import annotations

import re
from typing import Iterator

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
# PN_LOCAL may hold escapes such as `\#` or `\'`, which must not start a comment or a string.
_LOCAL = r"(?:[\w.\-:%]|\\[_~.\-!$&'()*+,;=/?#@%])*"
_PNAME = re.compile(r"[A-Za-z_][\w.\-]*:" + _LOCAL + r"|:" + _LOCAL)
_WORD = re.compile(r"[A-Za-z_][\w\-]*")
_VAR = re.compile(r"[?$][\w]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})


def keywords(text: str) -> Iterator[str]:
    """The bare words of a SPARQL text (keywords, function names, prefixes of prefixed names), in
    order, as written. Strings, IRIs, comments, variables and numbers are skipped."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "'\"":
            quote = text[i:i + 3] if text[i:i + 3] in ("'''", '"""') else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
        elif c == "<" and (m := _IRIREF.match(text, i)):
            i = m.end()
        elif c in "?$":
            i = _VAR.match(text, i).end()  # a variable, or a lone ? (a path modifier)
        elif c == ":" or c.isalpha() or c == "_":
            m = _PNAME.match(text, i)
            if m:  # a prefixed name; its prefix is yielded too (`SERVICE:x` parses as `SERVICE :x`)
                if m.group().index(":"):
                    yield m.group()[:m.group().index(":")]
                i = m.end()
                continue
            m = _WORD.match(text, i)
            if m:
                yield m.group()
                i = m.end()
            else:
                i += 1
        elif c.isdigit():  # a number; letters right after it are words (`2SERVICE` parses as `2 SERVICE`)
            i = _NUMBER.match(text, i).end()
        else:
            i += 1


def _decoded(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if int(m.group(1) or m.group(2), 16) < 0x110000
                       else m.group(0), text)


def _find(text: str, wanted: frozenset[str], *, inside: bool) -> str | None:
    variants = [text]
    if "\\u" in text or "\\U" in text:
        variants.append(_decoded(text))
    for variant in variants:
        for word in keywords(variant):
            upper = word.upper()
            # A word that merely contains the keyword counts: the parser splits `trueSERVICE`.
            if upper in wanted or (inside and any(k in upper for k in wanted)):
                return word
    return None


def service_keyword(text: str) -> str | None:
    """The ``SERVICE`` keyword as written in ``text``, or None when the query has none."""
    return _find(text, frozenset({"SERVICE"}), inside=True)


def update_keyword(text: str) -> str | None:
    """The first update keyword (INSERT, DELETE, LOAD, DROP...) of ``text``, upper-cased, or None."""
    word = _find(text, UPDATE_KEYWORDS, inside=False)
    return word.upper() if word else None
