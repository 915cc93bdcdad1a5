"""The SHACL shapes (``ontology/shapes.ttl``) as SPARQL SELECT queries, run by pyoxigraph on a store.

pySHACL (:mod:`graph.shacl`) checks one whole rdflib graph; at 100,000 deals that took minutes
and gigabytes. Here each shape is compiled once per process into SELECT queries that return the
nodes breaking it, and pyoxigraph answers them on the store itself, where the records already
are. :func:`check_store` returns the same :class:`~graph.errors.Problem` values as
:func:`graph.shacl.check` on the same data (``tests/test_shapes_sparql.py`` compares the two,
constraint by constraint). ``focus_graphs`` limits the check to the nodes typed in some named
graphs (values are still read from every graph), so re-checking after one file is replaced costs
what that file holds.

Only the SHACL constructs listed in :data:`NODE_KEYS`, :data:`PROPERTY_KEYS` and
:data:`NESTED_KEYS` are compiled; a shape using anything else raises :class:`ShapeError` when
the shapes are compiled, so a new shape is never silently skipped. Every shape that constrains
must carry its ``sh:message`` (pySHACL's generic messages are not reproduced).

Where pySHACL's Python semantics and SPARQL's differ on odd values, the queries follow pySHACL:
a pattern's final ``$`` also matches before a final newline (Python's ``re``); an ``xsd:date``
must have a four-digit year; ``sh:in`` and ``sh:hasValue`` compare terms, not values;
``sh:lessThanOrEquals`` orders literals as rdflib does (different datatypes by their IRIs). One
known difference remains: rdflib reads ``"2020-01-01T00:00:00"^^xsd:date`` as a date; here it is
not. (pySHACL itself fails on an ill-typed date compared by ``sh:lessThanOrEquals``.)

The queries hold no user text: the shapes' terms and the store's class IRIs are written into them
as pyoxigraph writes terms (``<...>``, ``"..."``, escaped), and focus graph names as checked IRIs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence

from .errors import Problem, ShapeError, StoreError
from .ontology import SHAPES_FILE
from .vocab import PREFIXES, SHAPES_NS, short_name

SH = "http://www.w3.org/ns/shacl#"
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
XSD = PREFIXES["xsd"]

# What a shape may say. Anything else in shapes.ttl is refused when the shapes are compiled.
_NOTES = frozenset({RDFS + "comment", RDFS + "label", SH + "name", SH + "description"})
NODE_KEYS = frozenset({RDF + "type", SH + "targetClass", SH + "property", SH + "xone", SH + "message",
                       SH + "severity"}) | _NOTES
PROPERTY_KEYS = frozenset({SH + k for k in (
    "path", "message", "severity", "minCount", "maxCount", "class", "datatype", "pattern", "flags", "minInclusive",
    "maxInclusive", "nodeKind", "disjoint", "lessThanOrEquals", "in", "hasValue")}) | {RDF + "type"} | _NOTES
# Inside sh:xone: shapes whose conformance is an expression on the focus node.
NESTED_KEYS = frozenset({RDF + "type", SH + "property", SH + "class"}) | _NOTES
NESTED_PROPERTY_KEYS = frozenset({RDF + "type", SH + "path", SH + "minCount", SH + "maxCount"}) | _NOTES

_NODE_KINDS = {
    SH + "IRI": "isIRI(?v)", SH + "BlankNode": "isBlank(?v)", SH + "Literal": "isLiteral(?v)",
    SH + "BlankNodeOrIRI": "(isBlank(?v) || isIRI(?v))", SH + "BlankNodeOrLiteral": "(isBlank(?v) || isLiteral(?v))",
    SH + "IRIOrLiteral": "(isIRI(?v) || isLiteral(?v))",
}
# Datatypes whose lexical forms pySHACL (rdflib) checks; the check here casts them.
_CASTS = {XSD + t for t in ("date", "dateTime", "time", "integer", "decimal", "float", "double", "boolean")}
_STRINGISH = f"(isIRI({{v}}) || (isLiteral({{v}}) && datatype({{v}}) IN (<{XSD}string>, <{RDF}langString>)))"


@dataclass(frozen=True)
class Check:
    """One compiled query: it selects ``?f`` (the focus node) and, when ``has_value``, ``?v``.
    ``{target}`` is where the focus nodes' pattern goes (:func:`_target`). ``text`` checks every
    node: it scans the values first (pyoxigraph looks up each focus node's values one by one,
    20 times slower than a scan). ``focused`` checks the nodes of some graphs: it starts from
    them, so its cost follows their number."""

    shape: str
    path: str  # the property's IRI; "" for a constraint on the node itself
    message: str
    text: str
    focused: str
    classes: tuple[str, ...]  # the node shape's sh:targetClass
    has_value: bool
    kind: str = "alone"  # "found" or "missing": merged with the node shape's others (:func:`merged`)
    body: str = ""  # found: a pattern over ?f ?v of breaking values; missing: a SELECT of the ?f that pass


# --- reading shapes.ttl ------------------------------------------------------------------

class _Shapes:
    """The shapes graph as subject -> predicate -> [objects] (pyoxigraph terms)."""

    def __init__(self, triples: Iterable[Any]):
        self.by: dict[Any, dict[str, list[Any]]] = {}
        for t in triples:
            self.by.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)

    def get(self, node: Any, key: str) -> list[Any]:
        return self.by.get(node, {}).get(SH + key if ":" not in key else key, [])

    def one(self, node: Any, key: str) -> Any:
        values = self.get(node, key)
        if len(values) > 1:
            raise ShapeError(f"shape {_name(node)} has {len(values)} values of {_curie(key if ':' in key else SH + key)}; "
                             "the compiler takes one")
        return values[0] if values else None

    def items(self, head: Any) -> list[Any]:
        out = []
        while head.value != RDF + "nil":
            out.append(self.one(head, RDF + "first"))
            (head,) = self.get(head, RDF + "rest")
        return out


def _curie(iri: str) -> str:
    for prefix, base in (("sh", SH), ("ckgsh", SHAPES_NS)):
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return short_name(iri)


def _name(node: Any) -> str:
    import pyoxigraph as ox

    return _curie(node.value) if isinstance(node, ox.NamedNode) else "[ ]"


def _refuse_unknown(shapes: _Shapes, node: Any, allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(shapes.by.get(node, {})) - allowed)
    if unknown:
        raise ShapeError(f"{what} uses {', '.join(_curie(k) for k in unknown)}, which the SPARQL shapes do not support")


def _iri(term: Any, what: str) -> str:
    import pyoxigraph as ox

    if not isinstance(term, ox.NamedNode):
        raise ShapeError(f"{what} must be an IRI, not {term}")
    return str(term)  # <...>, as pyoxigraph writes it (its IRIs are checked when parsed)


def _number(term: Any, what: str) -> int:
    try:
        return int(term.value)
    except (AttributeError, ValueError):
        raise ShapeError(f"{what} must be an integer, not {term}") from None


# --- compiling -------------------------------------------------------------------------

def _value_tests(shapes: _Shapes, prop: Any) -> list[str]:
    """SPARQL expressions on ``?v``, each true when the value node breaks one constraint (sh:class:
    a MINUS of its own)."""
    tests = []
    for d in shapes.get(prop, "datatype"):
        dt = _iri(d, "sh:datatype")
        ok = f"isLiteral(?v) && datatype(?v) = {dt}"
        if d.value in _CASTS:
            ok += f" && isLiteral({dt}(STR(?v)))"
        if d.value == XSD + "date":  # rdflib reads years 0001-9999 only
            ok += ' && regex(STR(?v), "^[0-9]{4}-")'
        tests.append(f"!COALESCE({ok}, false)")
    flags = shapes.one(prop, "flags")
    for p in shapes.get(prop, "pattern"):
        tests.append(f"(isBlank(?v) || !COALESCE(regex(STR(?v), {_pattern(p, flags)}), false))")
    for key, op in (("minInclusive", ">="), ("maxInclusive", "<=")):
        for bound in shapes.get(prop, key):
            tests.append(f"!(isLiteral(?v) && COALESCE(?v {op} {bound}, false))")
    for kind in shapes.get(prop, "nodeKind"):
        if kind.value not in _NODE_KINDS:
            raise ShapeError(f"sh:nodeKind {kind} is not a SHACL node kind")
        tests.append("!" + _NODE_KINDS[kind.value])
    for members in shapes.get(prop, "in"):
        same = " || ".join(f"sameTerm(?v, {m})" for m in shapes.items(members))
        tests.append(f"!({same or 'false'})")
    return tests


def _pattern(p: Any, flags: Any) -> str:
    import pyoxigraph as ox

    text = p.value
    mode = flags.value if flags is not None else ""
    if "m" not in mode.lower() and text.endswith("$") and not text.endswith("\\$"):
        text = text[:-1] + "\\n?$"  # Python's re (pySHACL): a final $ also matches before a final newline
    out = str(ox.Literal(text))
    return f"{out}, {ox.Literal(mode)}" if mode else out


def _conforming(shapes: _Shapes, node: Any, owner: str) -> tuple[str, str]:
    """For the nested shape ``node``: a SELECT of the focus nodes ``?f`` that conform to it, and
    an expression true where ``?f`` conforms (for a few focus nodes)."""
    _refuse_unknown(shapes, node, NESTED_KEYS, f"a shape in the sh:xone of {owner}")
    classes = [f"VALUES ?u {{ {{subclasses:{_iri(c, 'sh:class')}}} }} ?f <{RDF}type> ?u ."
               for c in shapes.get(node, "class")]
    parts, tests = list(classes), [f"EXISTS {{ {c} }}" for c in classes]
    for prop in shapes.get(node, "property"):
        _refuse_unknown(shapes, prop, NESTED_PROPERTY_KEYS, f"a property shape in the sh:xone of {owner}")
        path = _iri(shapes.one(prop, "path"), "sh:path")
        low, high = shapes.one(prop, "minCount"), shapes.one(prop, "maxCount")
        if low is not None and _number(low, "sh:minCount") > 0:
            parts.append(f"{{ {_at_least(path, _number(low, 'sh:minCount'))} }}")
            tests.append(f"EXISTS {{ {_distinct_values(path, _number(low, 'sh:minCount'))} }}")
        if high is not None:
            parts.append(f"MINUS {{ {_at_least(path, _number(high, 'sh:maxCount') + 1)} }}")
            tests.append(f"NOT EXISTS {{ {_distinct_values(path, _number(high, 'sh:maxCount') + 1)} }}")
    return f"SELECT DISTINCT ?f WHERE {{ {{target}} {' '.join(parts)} }}", "(" + " && ".join(tests or ["true"]) + ")"


def _distinct_values(path: str, n: int) -> str:
    """A pattern matching where ``?f`` has at least ``n`` different values of ``path``."""
    if n > 4:
        raise ShapeError(f"counts above 3 are not supported in sh:xone or sh:maxCount ({n - 1})")
    names = [f"?x{i}" for i in range(n)]
    pattern = " ".join(f"?f {path} {x} ." for x in names)
    apart = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1:]]
    return pattern + (f" FILTER({' && '.join(apart)})" if apart else "")


def _at_least(path: str, n: int) -> str:
    """A SELECT of the ``?f`` with at least ``n`` different values of ``path``."""
    if n == 1:
        return f"SELECT DISTINCT ?f WHERE {{ ?f {path} ?x }}"
    return f"SELECT ?f WHERE {{ ?f {path} ?x }} GROUP BY ?f HAVING (COUNT(DISTINCT ?x) >= {n})"


def _violating(shapes: _Shapes, node: Any) -> bool:
    sev = shapes.one(node, "severity")
    return sev is None or sev.value == SH + "Violation"


def _message(shapes: _Shapes, node: Any) -> str:
    m = shapes.one(node, "message")
    if m is None:
        raise ShapeError(f"shape {_name(node)} has no sh:message (the SPARQL shapes do not make pySHACL's own)")
    return m.value


def _property_checks(shapes: _Shapes, node_name: str, classes: tuple[str, ...], prop: Any) -> list[Check]:
    path_term = shapes.one(prop, "path")
    path = _iri(path_term, f"the sh:path of a property shape of {node_name} (only a single property is supported)")
    _refuse_unknown(shapes, prop, PROPERTY_KEYS, f"the property shape of {_curie(path_term.value)} in {node_name}")
    if not _violating(shapes, prop):
        return []
    message = _message(shapes, prop)
    out = []

    def add(text: str, has_value: bool, focused: str | None = None, kind: str = "alone", body: str = "") -> None:
        out.append(Check(node_name, path_term.value, message, text, focused or text, classes, has_value, kind, body))

    # Each query finds the breaking (?f, ?v) from the values alone (a scan of one property, usually
    # empty), and only then joins them with the focus nodes: pyoxigraph looks up each focus node's
    # values one by one, 20 times slower. Missing values: the focus nodes MINUS (a hash anti-join).
    def found(body: str, has_value: bool = True, focused_body: str | None = None) -> None:
        head = f"SELECT ?f {'?v' if has_value else ''} WHERE"
        add(f"{head} {{ {{ {head} {{ {body} }} }} {{target}} }}", has_value,
            f"{head} {{ {{target}} {focused_body or body} }}", "found", body)

    tests = _value_tests(shapes, prop)
    if tests:
        found(f"?f {path} ?v . FILTER({' || '.join(tests)})")
    for c in shapes.get(prop, "class"):
        kinds = f"VALUES ?u {{ {{subclasses:{_iri(c, 'sh:class')}}} }} ?v <{RDF}type> ?u"
        found(f"?f {path} ?v . MINUS {{ {kinds} }}", focused_body=f"?f {path} ?v . FILTER NOT EXISTS {{ {kinds} }}")
    low, high = shapes.one(prop, "minCount"), shapes.one(prop, "maxCount")
    if low is not None and _number(low, "sh:minCount") > 0:
        n = _number(low, "sh:minCount")
        add(f"SELECT ?f WHERE {{ {{target}} MINUS {{ {_at_least(path, n)} }} }}", False,
            f"SELECT ?f WHERE {{ {{target}} FILTER NOT EXISTS {{ {_distinct_values(path, n)} }} }}", "missing",
            _at_least(path, n))
    if high is not None:
        n = _number(high, "sh:maxCount") + 1
        found(f"{{ {_at_least(path, n)} }}", False, _distinct_values(path, n))
    def pair(other: str, var: str) -> str:  # two scans, hash-joined: 6 times faster than a lookup per value
        return f"{{ SELECT ?f ?v WHERE {{ ?f {path} ?v }} }} {{ SELECT ?f {var} WHERE {{ ?f {other} {var} }} }}"

    for other in shapes.get(prop, "disjoint"):
        q = _iri(other, "sh:disjoint")
        found(pair(q, "?v"), focused_body=f"?f {path} ?v . ?f {q} ?v")
    for other in shapes.get(prop, "lessThanOrEquals"):
        v_str, o_str = _STRINGISH.format(v="?v"), _STRINGISH.format(v="?o")
        # pySHACL: strings (IRIs too) compare as text, a string and a non-string never; other literals
        # in rdflib's order: numbers by value, different datatypes by the datatypes' IRIs, else by value
        by_type = "(datatype(?v) != datatype(?o) && !(isNumeric(?v) && isNumeric(?o)))"
        broken = (f"IF({v_str} != {o_str}, true, IF({v_str}, !(STR(?v) <= STR(?o)), IF({by_type}, "
                  "STR(datatype(?v)) > STR(datatype(?o)), !COALESCE(?v <= ?o, false))))")
        q = _iri(other, "sh:lessThanOrEquals")
        found(f"{pair(q, '?o')} FILTER({broken})", focused_body=f"?f {path} ?v . ?f {q} ?o . FILTER({broken})")
    for value in shapes.get(prop, "hasValue"):
        add(f"SELECT ?f WHERE {{ {{target}} MINUS {{ ?f {path} {value} }} }}", False,
            f"SELECT ?f WHERE {{ {{target}} FILTER NOT EXISTS {{ ?f {path} {value} }} }}", "missing",
            f"SELECT DISTINCT ?f WHERE {{ ?f {path} {value} }}")
    return out


def _node_checks(shapes: _Shapes, node: Any) -> list[Check]:
    _refuse_unknown(shapes, node, NODE_KEYS, f"shape {_name(node)}")
    classes = tuple(_iri(c, "sh:targetClass") for c in shapes.get(node, "targetClass"))
    name = _name(node)
    out: list[Check] = []
    for prop in shapes.get(node, "property"):
        out.extend(_property_checks(shapes, name, classes, prop))
    xones = shapes.get(node, "xone")
    if xones and _violating(shapes, node):
        message = _message(shapes, node)
        for head in xones:  # which of the shapes each focus node conforms to: one OPTIONAL each
            members = [_conforming(shapes, m, name) for m in shapes.items(head)]
            joins = " ".join(f"OPTIONAL {{ {{ {select} }} BIND(1 AS ?c{i}) }}" for i, (select, _) in enumerate(members))
            count = " + ".join(f"COALESCE(?c{i}, 0)" for i in range(len(members))) or "0"
            tests = " + ".join(f"IF({test}, 1, 0)" for _, test in members) or "0"
            out.append(Check(name, "", message, f"SELECT ?f WHERE {{ {{target}} {joins} FILTER(({count}) != 1) }}",
                             f"SELECT ?f WHERE {{ {{target}} FILTER(({tests}) != 1) }}", classes, True))
    return out


def compile_shapes(text: bytes | None = None) -> tuple[Check, ...]:
    """Every check of the shapes (``text``: Turtle; default ``ontology/shapes.ttl``)."""
    import pyoxigraph as ox

    if text is None:
        text = SHAPES_FILE.read_bytes()
    try:
        shapes = _Shapes(ox.parse(text, format=ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        raise ShapeError(f"the shapes are not valid Turtle: {exc}") from None
    nested = {m for s in list(shapes.by) for h in shapes.get(s, "xone") for m in shapes.items(h)}
    roots = sorted((s for s, po in shapes.by.items() if SH + "targetClass" in po), key=str)
    for s, po in shapes.by.items():  # a node shape without targets would never run: say so
        types = {t.value for t in po.get(RDF + "type", [])}
        if SH + "NodeShape" in types and s not in roots and s not in nested:
            raise ShapeError(f"shape {_name(s)} has no sh:targetClass (other targets are not supported)")
        for key in po:
            if key.startswith(SH + "target") and key != SH + "targetClass":
                raise ShapeError(f"shape {_name(s)} uses {_curie(key)}; only sh:targetClass is supported")
    return tuple(c for root in roots for c in _node_checks(shapes, root))


@lru_cache(maxsize=None)
def compiled() -> tuple[Check, ...]:
    """The checks of ``ontology/shapes.ttl``, compiled once per process."""
    return compile_shapes()


def merged(checks: Sequence[Check]) -> tuple[tuple[str, tuple[Check, ...]], ...]:
    """The checks of each node shape as few queries (each row's ``?k`` says which check it is):
    one for the breaking values (a UNION of the scans, joined once with the focus nodes), one for
    the missing ones (the focus nodes MINUS a UNION of those that have them). Each join with the
    focus nodes costs about as much as a scan, so at 100,000 deals this halves the time."""
    groups: dict[tuple[str, str], list[Check]] = {}
    out: list[tuple[str, tuple[Check, ...]]] = []
    for c in checks:
        if c.kind == "alone":
            out.append((c.text, (c,)))
        else:
            groups.setdefault((c.shape, c.kind), []).append(c)
    for (_, kind), group in groups.items():
        if kind == "found":
            branches = " UNION ".join(f"{{ {c.body} BIND({i} AS ?k) }}" for i, c in enumerate(group))
            text = f"SELECT ?k ?f ?v WHERE {{ {{ SELECT ?k ?f ?v WHERE {{ {branches} }} }} {{target}} }}"
        else:
            having = " UNION ".join(f"{{ SELECT ?f ({i} AS ?k) WHERE {{ {{ {c.body} }} }} }}" for i, c in enumerate(group))
            text = (f"SELECT ?k ?f WHERE {{ {{target}} VALUES ?k {{ {' '.join(str(i) for i in range(len(group)))} }} "
                    f"MINUS {{ {having} }} }}")
        assert len({c.classes for c in group}) == 1
        out.append((text, tuple(group)))
    return tuple(out)


@lru_cache(maxsize=None)
def _merged() -> tuple[tuple[str, tuple[Check, ...]], ...]:
    return merged(compiled())


# --- running -------------------------------------------------------------------------

def _target(classes: Sequence[str], graphs: str | None, subclasses) -> str:
    """The focus nodes: instances of the target classes and their subclasses, typed in ``graphs``
    (a VALUES block of graph IRIs) when given. A node with two such types comes twice: the
    problems are a set."""
    kinds = " ".join(sorted({k for c in classes for k in subclasses(c).split()}))
    if graphs is None:
        return f"VALUES ?t {{ {kinds} }} ?f <{RDF}type> ?t ."
    return f"VALUES ?g {{ {graphs} }} VALUES ?t {{ {kinds} }} GRAPH ?g {{ ?f <{RDF}type> ?t }}"


_SUBCLASSES = re.compile(r"\{subclasses:(<[^>]*>)\}")


def _native(store: Any) -> Any:
    import pyoxigraph as ox

    raw = getattr(store, "native", store)
    if not isinstance(raw, ox.Store):
        raise TypeError(f"check_store needs a pyoxigraph store or graph.store.OxigraphStore, not {type(store).__name__}")
    return raw


def _text(term: Any) -> str:
    return short_name(term.value)


def check_store(store: Any, *, focus_graphs: Sequence[str] | None = None, where: str = "<graph>") -> list[Problem]:
    """Run the shapes on ``store`` (an OxigraphStore or a pyoxigraph Store), reading the union of
    its graphs; the ontology must be in it (:func:`graph.build.load_ontology`) for subclasses.

    ``focus_graphs``: check only the nodes typed in these named graphs (their values are still
    read from every graph). Returns the problems sorted, as :func:`graph.shacl.check` does.
    """
    import pyoxigraph as ox

    raw = _native(store)
    if not any(True for _ in raw.quads_for_pattern(None, ox.NamedNode(RDFS + "subClassOf"), None)):
        raise StoreError("the store holds no ontology (no rdfs:subClassOf), so the shapes cannot find deals",
                         "load it first: graph.build.load_ontology(store)")
    graphs = None
    if focus_graphs is not None:
        if not focus_graphs:
            return []
        graphs = " ".join(str(ox.NamedNode(g)) for g in focus_graphs)  # pyoxigraph checks the IRIs
    found: dict[str, str] = {}

    def subclasses(cls: str) -> str:  # the class and its subclasses in the store (IRIs as pyoxigraph writes them)
        if cls not in found:
            rows = raw.query(f"SELECT DISTINCT ?s WHERE {{ ?s <{RDFS}subClassOf>* {cls} }}",
                             use_default_graph_as_union=True)
            found[cls] = " ".join(sorted({str(r["s"]) for r in rows if isinstance(r["s"], ox.NamedNode)} | {cls}))
        return found[cls]

    queries = _merged() if graphs is None else tuple((c.focused, (c,)) for c in compiled())
    problems = set()
    for text, checks in queries:
        text = _SUBCLASSES.sub(lambda m: subclasses(m.group(1)), text)
        text = text.replace("{target}", _target(checks[0].classes, graphs, subclasses))
        for row in raw.query(text, use_default_graph_as_union=True):
            check = checks[int(row["k"].value)] if len(checks) > 1 else checks[0]
            path = short_name(check.path) if check.path else ""
            message = check.message
            if check.has_value:
                value = row["v"] if check.path else row["f"]
                message += f" (value: {_text(value)})"
            problems.add(Problem(where, 0, _text(row["f"]), path, "SHACL: " + message))
    return sorted(problems)
