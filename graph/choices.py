"""Choice lists, defined once: deal kinds and statuses, output formats, ranking measures and
roles, view schemes. The CLI builds its ``click.Choice`` options from these, and the library
checks its arguments against the same tuples, so a wrong value lists the right ones everywhere.

Light on purpose (it imports only :mod:`graph.vocab`): ``computekg --help`` reads it without
loading the analytics or view layers.
"""

from __future__ import annotations

from .vocab import DEAL_KINDS as _KINDS, DEAL_STATUSES as _STATUSES

DEAL_KINDS: tuple[str, ...] = tuple(_KINDS)
DEAL_STATUSES: tuple[str, ...] = tuple(_STATUSES)
NO_STATUS = "(none)"  # the status value that selects deals without a status

FORMATS = ("table", "csv", "json", "jsonl")              # every tabular command
QUERY_FORMATS = ("table", "csv", "tsv", "json")         # `query` (SPARQL results)
RDF_FORMATS = ("turtle", "nt", "nq", "trig", "jsonld")  # `export --rdf-format`
GRAPH_FORMATS = ("graphml", "gexf", "json")             # `export --graph-format`

RANK_MEASURES = ("mw", "money", "deals")
RANK_ROLES = ("provider", "customer")

VIEW_COLOR_BY = ("kind", "status", "year")
VIEW_SIZE_BY = ("mw", "money", "deals")
VIEW_MAX_NODES = 300
