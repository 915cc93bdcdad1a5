"""computekg: an open knowledge graph of AI compute deals.

Layers, left to right (a module imports only from its left, plus the leaves ``errors``,
``vocab``, ``dates`` and ``ontology``): loaders -> validate -> triples -> shacl -> store ->
build -> query -> lookup -> analytics -> render -> output -> cli.
"""

__version__ = "0.1.0"
