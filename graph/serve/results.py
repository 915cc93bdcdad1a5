"""SPARQL results on the wire: content negotiation and the result formats, with a row cap.

Solutions (SELECT) and booleans (ASK) are written as SPARQL 1.1 Query Results JSON, XML, CSV
or TSV by the writers below, which count rows as they go: a result with more rows than the cap
stops at the first row too many (:class:`TooManyRows`), before it is held in memory whole.
Graphs (CONSTRUCT, DESCRIBE) are written by pyoxigraph's serialisers (Turtle with the
ontology's prefixes, N-Triples, JSON-LD, RDF/XML), after the same count.

>>> choose("text/csv;q=0.5, application/sparql-results+json", "solutions").name
'json'
>>> choose("application/sparql-results+json, application/n-triples;q=0.9", "graph").name
'nt'
>>> choose("text/html", "graph") is None
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable
from xml.sax.saxutils import escape, quoteattr

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class TooManyRows(Exception):
    """The result has more rows (or triples) than the cap allows."""

    def __init__(self, cap: int):
        super().__init__(cap)
        self.cap = cap


@dataclass(frozen=True)
class Format:
    name: str          # the short name accepted by ?format=
    media_type: str    # what the response says it is
    kind: str          # "solutions" (SELECT and ASK) or "graph" (CONSTRUCT, DESCRIBE)
    also: tuple[str, ...] = ()  # other media types a client may ask for


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("json", "application/sparql-results+json", "solutions", ("application/json",)),
    Format("xml", "application/sparql-results+xml", "solutions", ("application/xml", "text/xml")),
    Format("csv", "text/csv", "solutions"),
    Format("tsv", "text/tab-separated-values", "solutions"),
    Format("ttl", "text/turtle", "graph", ("application/x-turtle",)),
    Format("nt", "application/n-triples", "graph", ("text/plain",)),
    Format("jsonld", "application/ld+json", "graph", ("application/json",)),
    Format("rdfxml", "application/rdf+xml", "graph", ("application/xml", "text/xml")),
)}
DEFAULT = {"solutions": "json", "graph": "ttl"}
ALIASES = {"turtle": "ttl", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld", "rdf": "rdfxml"}


def by_name(name: str) -> Format | None:
    return FORMATS.get(ALIASES.get(name.lower(), name.lower()))


def _accepted(accept: str) -> list[tuple[float, int, str]]:
    out = []
    for order, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            key, _, value = f.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        out.append((q, order, media))
    return out


def choose(accept: str | None, kind: str, *, name: str | None = None) -> Format | None:
    """The format for a result of ``kind`` given the request's Accept header (or a ``format``
    name, which wins); None when the client accepts none of ours."""
    if name:
        f = by_name(name)
        return f if f is not None and f.kind == kind else None
    accept = (accept or "").strip() or "*/*"
    best: tuple[float, int, int] | None = None
    chosen = None
    candidates = [f for f in FORMATS.values() if f.kind == kind]
    for q, order, media in _accepted(accept):
        if q <= 0:
            continue
        for pref, f in enumerate(candidates):
            types = (f.media_type,) + f.also
            if media == "*/*":
                hit = f.name == DEFAULT[kind]
            elif media.endswith("/*"):
                hit = any(t.startswith(media[:-1]) for t in types)
            else:
                hit = media in types
            if hit:
                # exact types beat wildcards at equal q, then the client's order, then ours
                rank = (q, 0 if media.endswith("*") else 1, -order * 100 - pref)
                if best is None or rank > best:
                    best, chosen = rank, f
    return chosen


def media_types(kind: str) -> list[str]:
    return [f.media_type for f in FORMATS.values() if f.kind == kind]


# ---------------------------------------------------------------------------- solution writers

def _json_term(t: Any) -> dict:
    cls = type(t).__name__
    if cls == "NamedNode":
        return {"type": "uri", "value": t.value}
    if cls == "BlankNode":
        return {"type": "bnode", "value": t.value}
    if cls == "Literal":
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != XSD_STRING:
            out["datatype"] = t.datatype.value
        return out
    if cls == "Triple":
        return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    raise TypeError(f"not an RDF term: {t!r}")


def _rows(solutions: Iterable, cap: int) -> Iterable[tuple]:
    for n, sol in enumerate(solutions):
        if n >= cap:
            raise TooManyRows(cap)
        yield tuple(sol)


def write_json(variables: list[str], solutions: Iterable, cap: int) -> bytes:
    parts = []
    for values in _rows(solutions, cap):
        parts.append(json.dumps({v: _json_term(t) for v, t in zip(variables, values) if t is not None},
                                ensure_ascii=False, separators=(",", ":")))
    head = json.dumps({"vars": variables}, ensure_ascii=False)
    return ('{"head":' + head + ',"results":{"bindings":[' + ",".join(parts) + "]}}").encode("utf-8")


def _xml_term(t: Any) -> str:
    cls = type(t).__name__
    if cls == "NamedNode":
        return f"<uri>{escape(t.value)}</uri>"
    if cls == "BlankNode":
        return f"<bnode>{escape(t.value)}</bnode>"
    if cls == "Literal":
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    if cls == "Triple":
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}</predicate>"
                f"<object>{_xml_term(t.object)}</object></triple>")
    raise TypeError(f"not an RDF term: {t!r}")


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def write_xml(variables: list[str], solutions: Iterable, cap: int) -> bytes:
    parts = [_XML_HEAD, "<head>"]
    parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
    parts.append("</head><results>")
    for values in _rows(solutions, cap):
        parts.append("<result>")
        parts += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                  for v, t in zip(variables, values) if t is not None]
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts).encode("utf-8")


def _csv_cell(t: Any) -> str:
    if t is None:
        return ""
    cls = type(t).__name__
    text = "_:" + t.value if cls == "BlankNode" else t.value if cls in ("NamedNode", "Literal") else str(t)
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def write_csv(variables: list[str], solutions: Iterable, cap: int) -> bytes:
    lines = [",".join(variables)]  # variable names never need quoting
    lines += [",".join(_csv_cell(t) for t in values) for values in _rows(solutions, cap)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def write_tsv(variables: list[str], solutions: Iterable, cap: int) -> bytes:
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in values) for values in _rows(solutions, cap)]
    return ("\n".join(lines) + "\n").encode("utf-8")


SOLUTION_WRITERS: dict[str, Callable[[list[str], Iterable, int], bytes]] = {
    "json": write_json, "xml": write_xml, "csv": write_csv, "tsv": write_tsv}


def write_boolean(value: bool, fmt: str) -> bytes:
    word = "true" if value else "false"
    if fmt == "json":
        return ('{"head":{},"boolean":' + word + "}").encode()
    if fmt == "xml":
        return f"{_XML_HEAD}<head/><boolean>{word}</boolean></sparql>\n".encode()
    return (word + "\n").encode()  # CSV and TSV have no boolean form: the word alone, as Oxigraph writes it


def write_graph(triples: Iterable, fmt: str, cap: int, prefixes: dict[str, str]) -> bytes:
    import pyoxigraph as ox

    kept = []
    for n, t in enumerate(triples):
        if n >= cap:
            raise TooManyRows(cap)
        kept.append(t)
    rdf = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
           "rdfxml": ox.RdfFormat.RDF_XML}[fmt]
    kept.sort(key=str)  # deterministic output, as everywhere in computekg
    if fmt == "nt":
        return ox.serialize(kept, format=rdf) or b""
    return ox.serialize(kept, format=rdf, prefixes=prefixes) or b""
