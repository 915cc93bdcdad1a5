"""Company graphs to and from files: GraphML, GEXF and networkx's node-link JSON.

Pure functions on a graph built by :func:`graph.analytics.build_graph` (networkx imported inside
them); :func:`graph.analytics.export_graph` is the store-facing entry.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

from .choices import GRAPH_FORMATS
from .errors import BadValue


def _flat(value: Any) -> Any:
    """A value GraphML/GEXF can hold: lists joined with '; ', numbers as floats, None dropped."""
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


def serialize_graph(g, fmt: str) -> bytes:
    """Serialise a graph from :func:`build_graph` (the ``deal_dict`` attribute is dropped)."""
    import io

    import networkx as nx

    flat = fmt in ("graphml", "gexf")
    h = nx.MultiDiGraph()
    h.graph.update({k: _flat(v) if flat else v for k, v in g.graph.items() if v is not None})
    for n, data in g.nodes(data=True):
        h.add_node(n, **{k: _flat(v) if flat else v for k, v in data.items() if v is not None or not flat})
        if fmt == "gexf":
            h.nodes[n]["label"] = data.get("name") or n
    for u, v, k, data in g.edges(keys=True, data=True):
        attrs = {a: x for a, x in data.items() if a != "deal_dict"}
        if fmt == "gexf":
            attrs["label"] = k
        h.add_edge(u, v, key=k, **{a: _flat(x) for a, x in attrs.items() if x is not None} if flat else attrs)
    if fmt == "json":
        data = nx.node_link_data(h, edges="links")
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n").encode("utf-8")
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(h, buf, infer_numeric_types=True)
    else:
        nx.write_gexf(h, buf)
    return buf.getvalue()


def read_graph(data: bytes, fmt: str):
    """Parse an export back into networkx (for checks and round trips)."""
    import io

    import networkx as nx

    if fmt == "json":
        return nx.node_link_graph(json.loads(data), edges="links", multigraph=True, directed=True)
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(data))
    raise BadValue(f"unknown graph format {fmt!r}", "choose one of: " + ", ".join(GRAPH_FORMATS))
