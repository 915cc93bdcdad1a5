"""Positions for a view's nodes, computed in Python so the browser needs no physics.

A seeded networkx spring layout of the best-connected nodes (deterministic), every other node
placed on a small spiral around its best-placed neighbour, and components the core does not
reach on a ring outside it: near-linear, so 10,000-node views lay out in about a second.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from typing import Sequence

CORE_LAYOUT_NODES = 400


def layout(node_ids: Sequence[str], links: Sequence[tuple[str, str]], *, seed: int = 7,
           core: int = CORE_LAYOUT_NODES) -> dict[str, tuple[float, float]]:
    """Positions in page pixels: a spring layout (fixed seed) of the ``core`` best-connected nodes,
    every other node placed on a small spiral around its best-placed neighbour; components the
    core does not reach get their own spot on a ring outside it. Deterministic and near-linear."""
    import networkx as nx

    n = len(node_ids)
    if n == 0:
        return {}
    g = nx.Graph()
    g.add_nodes_from(sorted(node_ids))
    g.add_edges_from((a, b) for a, b in links if a != b)
    order = sorted(g.nodes, key=lambda v: (-g.degree(v), v))
    core_nodes = order if n <= core else _connected_core(g, order[0], core)
    scale = 70.0 * math.sqrt(len(core_nodes)) + 150.0
    raw = nx.spring_layout(g.subgraph(core_nodes), seed=seed, scale=1.0)
    pos: dict[str, tuple[float, float]] = {v: (float(x) * scale, float(y) * scale) for v, (x, y) in raw.items()}
    children: dict[str, int] = defaultdict(int)
    golden = math.pi * (3.0 - math.sqrt(5.0))

    def place_around(parent: str, v: str) -> None:
        k = children[parent]
        children[parent] += 1
        px, py = pos[parent]
        r = 28.0 * math.sqrt(k + 1) + 30.0
        a = k * golden + (hash_angle(parent))
        pos[v] = (px + r * math.cos(a), py + r * math.sin(a))

    def spread(frontier: list[str]) -> None:
        while frontier:
            nxt = []
            for p in frontier:
                for v in sorted(g.neighbors(p), key=lambda v: (-g.degree(v), v)):
                    if v not in pos:
                        place_around(p, v)
                        nxt.append(v)
            frontier = nxt

    spread(sorted(pos, key=lambda v: (-g.degree(v), v)))
    rest = [v for v in order if v not in pos]
    if rest:
        radius = max([math.hypot(x, y) for x, y in pos.values()] + [scale]) + 200.0
        i = 0
        for v in rest:
            if v in pos:
                continue
            ring = radius + 160.0 * (i // 24)
            a = (i % 24) * (2 * math.pi / 24) + 0.13 * (i // 24)
            pos[v] = (ring * math.cos(a), ring * math.sin(a))
            i += 1
            spread([v])
    return {v: (round(x, 1), round(y, 1)) for v, (x, y) in pos.items()}


def _connected_core(g, start: str, size: int) -> list[str]:
    """Up to ``size`` nodes grown from ``start``, always taking the best-connected neighbour next
    (a connected core, so the spring layout does not fling loose nodes to the edges)."""
    import heapq

    seen = {start}
    core = []
    heap = [(-g.degree(start), start)]
    while heap and len(core) < size:
        _, v = heapq.heappop(heap)
        core.append(v)
        for w in g.neighbors(v):
            if w not in seen:
                seen.add(w)
                heapq.heappush(heap, (-g.degree(w), w))
    return core


def hash_angle(text: str) -> float:
    """A stable angle from a node id (Python's own hash() changes between runs)."""
    return int(hashlib.blake2b(text.encode("utf-8"), digest_size=2).hexdigest(), 16) / 65535 * 2 * math.pi
