"""computekg: an open knowledge graph of AI compute deals.

Data flows one way, through the layers of :data:`LAYERS`, left to right: a module imports only
modules of layers to its left; modules of one layer import each other only where the layer
lists the pair in :data:`SAME_LAYER`; and no chain of imports (at module level or inside a
function) comes back to where it started. ``tests/test_layers.py`` checks all three against
this table, the one place the order is written.
"""

__version__ = "0.1.0"

# Left to right. Each entry: (layer name, modules). Subpackages count as one module.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("leaves", ("dates", "vocab", "ontology", "suggest", "figures")),  # import nothing of the package
    ("base", ("errors", "choices")),            # typed errors; choice lists (from vocab)
    ("records", ("loaders", "records")),        # read files -> records with line numbers
    ("validate", ("validate",)),                # records -> problems
    ("triples", ("triples",)),                  # records -> RDF
    ("sources", ("epoch",)),                    # one unit per data source
    ("epoch_triples", ("epoch_triples",)),
    ("shacl", ("shacl",)),
    ("store", ("store",)),
    ("query", ("query",)),
    ("build", ("build",)),                      # compile records into a store
    ("cache", ("cache",)),
    ("rules", ("select",)),                     # deal selection and the roll-up rule
    ("lookup", ("lookup", "export", "diff")),   # read the store: companies, deals, RDF out, differences
    ("facilities", ("facilities", "history", "changes")),  # facilities; change over time
    ("analytics", ("analytics", "layout", "page")),  # networkx questions; view layout; the page
    ("views", ("render",)),                     # a view from the store
    ("output", ("output",)),                    # rows -> table/csv/json text
    ("feed", ("feed",)),                        # change feeds (Atom)
    ("cli", ("cli",)),
    ("main", ("__main__",)),
)
# Pairs (importer, imported) allowed inside one layer.
SAME_LAYER: frozenset[tuple[str, str]] = frozenset()
