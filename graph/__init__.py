"""computekg: an open knowledge graph of AI compute deals.

Data flows one way, through the layers of :data:`LAYERS`, left to right: a module imports only
modules of layers to its left; modules of one layer import each other only where the layer
lists the pair in :data:`SAME_LAYER`; and no chain of imports (at module level or inside a
function) comes back to where it started. ``tests/test_layers.py`` checks all three against
this table, the one place the order is written.

From Python, ``kg = graph.open()`` is the object to hold on to (:mod:`graph.api`).
"""

__version__ = "0.1.0"


def open(data=None, *, store=None, sources=None, progress=None):  # noqa: A001 - graph.open, like io.open
    """Open the knowledge graph: ``kg = graph.open()`` (see :func:`graph.api.open`)."""
    from .api import open as _open

    return _open(data, store=store, sources=sources, progress=progress)

# Left to right. Each entry: (layer name, modules). Subpackages count as one module.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("leaves", ("dates", "vocab", "ontology", "suggest", "figures", "terms", "progress")),  # import nothing of the package
    ("base", ("errors", "choices")),            # typed errors; choice lists (from vocab)
    ("schema", ("schema",)),                    # the record format, declared once (pydantic models)
    ("records", ("loaders", "records")),        # read files -> records with line numbers
    ("validate", ("validate", "publishers", "trust")),  # records -> problems; publisher registry; links, searches
    ("triples", ("triples",)),                  # records -> RDF
    ("sources", ("sources",)),                  # one folder per data source (curated, epoch), one registry
    ("shacl", ("shacl", "shapes_sparql", "generations")),  # the shapes by pySHACL or as SPARQL; generations:
                                                # store folders' files, pointer and leases
    ("http", ("endpoint",)),                    # the SPARQL 1.1 Protocol over HTTP: credentials, retries, errors
    ("store", ("store",)),
    ("sparqltext", ("sparqltext",)),            # SPARQL read as text: keywords, VALUES injection
    ("folders", ("folders",)),                  # one all-or-nothing write to a store folder
    ("remote", ("remote",)),                    # a SPARQL 1.1 endpoint as a store; open_store picks the backend
    ("query", ("query",)),
    ("build", ("build",)),                      # compile records into a store
    ("cache", ("cache", "writes")),             # the compiled-store cache; all-or-nothing writes
    ("rules", ("select",)),                     # deal selection and the roll-up rule
    ("lookup", ("lookup", "export", "diff")),   # read the store: companies, deals, RDF out, differences
    ("difftext", ("difftext",)),                # a diff as rows, JSON, Markdown
    ("facilities", ("facilities", "history", "changes")),  # facilities; change over time
    ("graphio", ("graphio", "cards")),          # company graphs to files; the facts a view shows
    ("analytics", ("analytics", "layout", "page")),  # networkx questions; view layout; the page
    ("views", ("render",)),                     # a view from the store
    ("models", ("models",)),                    # the API's typed answers (frozen dataclasses) ...
    ("answers", ("answers",)),                  # ... beyond companies and deals
    ("output", ("output",)),                    # rows -> table/csv/json text
    ("terminal", ("terminal",)),                # a person's terminal: fitted tables, colour, pager
    ("readable", ("readable",)),                # company summary, deal card, a person's columns
    ("feed", ("feed",)),                        # change feeds (Atom)
    ("api", ("api",)),                          # the one Python object: graph.open()
    ("site", ("site",)),                        # the static website (pages from the store)
    ("serve", ("serve",)),                      # `computekg serve`: the site and /sparql over HTTP
    ("clikit", ("clikit",)),                    # the command line's plumbing: errors -> one line, options, state
    ("commands", ("cli", "changes_cli", "write_cli")),  # command modules; cli.py registers the others by name
    ("main", ("__main__",)),
)
# Pairs (importer, imported) allowed inside one layer: none.
SAME_LAYER: frozenset[tuple[str, str]] = frozenset()
# Import circles allowed: none.
KNOWN_CIRCLES: frozenset[frozenset[str]] = frozenset()
