"""Run the SHACL shapes (``ontology/shapes.ttl``) on a built graph with pySHACL.

Results come back as :class:`~graph.errors.Problem` values naming the node and the property,
so the CLI prints them like every other validation problem.
"""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF

from .errors import Problem
from .ontology import ontology_graph, shapes_graph
from .vocab import short_name

SH = "http://www.w3.org/ns/shacl#"


def _short(term: object) -> str:
    return short_name(str(term))


def check(data: Graph, *, where: str = "<graph>") -> list[Problem]:
    """Validate ``data`` (an rdflib graph or a :class:`graph.terms.Triples` set, with the ontology
    merged in) against the shapes; [] when it conforms."""
    from pyshacl import validate as shacl_validate
    from rdflib import URIRef

    if hasattr(data, "to_rdflib"):
        data = data.to_rdflib()

    merged = Graph()
    for t in data:
        merged.add(t)
    for t in ontology_graph():
        merged.add(t)
    conforms, results, _ = shacl_validate(merged, shacl_graph=shapes_graph(), inference="none",
                                          advanced=False, allow_warnings=True)
    if conforms:
        return []
    problems = []
    for result in results.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        severity = results.value(result, URIRef(SH + "resultSeverity"))
        if severity is not None and str(severity) != SH + "Violation":
            continue
        focus = results.value(result, URIRef(SH + "focusNode"))
        path = results.value(result, URIRef(SH + "resultPath"))
        message = results.value(result, URIRef(SH + "resultMessage"))
        value = results.value(result, URIRef(SH + "value"))
        text = str(message) if message is not None else "does not conform"
        if value is not None:
            text += f" (value: {_short(value)})"
        problems.append(Problem(where, 0, _short(focus), _short(path) if path is not None else "", "SHACL: " + text))
    return sorted(set(problems))

