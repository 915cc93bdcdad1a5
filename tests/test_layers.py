"""Data flows one way: a module imports only from layers to its left (and the leaves)."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "graph"

LEAVES = {"errors", "vocab", "dates", "ontology", "suggest"}
# Left to right. Modules of one rank may import each other only if listed in ALLOWED_SAME.
RANKS = {
    "loaders": 1, "records": 1, "select": 1,
    "validate": 2,
    "triples": 3, "epoch": 3, "epoch_triples": 3,
    "shacl": 4,
    "store": 5,
    "query": 6,
    "build": 7, "cache": 7.5,
    "lookup": 8, "export": 8, "facilities": 8,
    "analytics": 9,
    "layout": 9, "render": 10, "page": 10,
    "output": 11, "serve": 11.7,  # above "site" (11.5), whose builder it serves
    "diff": 8, "history": 8.5, "changes": 9, "feed": 11,
    "cli": 12, "__main__": 13,
}
HEAVY = {"rdflib", "networkx", "pyvis", "pyshacl", "yaml", "jinja2"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0].removesuffix(".py") if rel.parts else ""


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(first component of a package-internal import, line, inside a function?)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    func_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for sub in ast.walk(node):
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    func_lines.add(sub.lineno)
    depth_base = len(path.relative_to(PKG).parts) - 1
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            up = node.level - 1 - depth_base
            if node.module:
                target = node.module.split(".")[0] if up <= 0 and node.level - 1 >= depth_base else None
                if node.level - 1 < depth_base:  # relative inside a subpackage: same package
                    target = path.relative_to(PKG).parts[0]
                if target:
                    out.append((target, node.lineno, node.lineno in func_lines))
            else:
                for alias in node.names:
                    target = alias.name if node.level - 1 >= depth_base else path.relative_to(PKG).parts[0]
                    out.append((target, node.lineno, node.lineno in func_lines))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("graph."):
            out.append((node.module.split(".")[1], node.lineno, node.lineno in func_lines))
    return out


def _all_modules():
    return [p for p in PKG.rglob("*.py") if "_bundled" not in p.parts]


def test_every_module_has_a_rank():
    names = {_module_name(p) for p in _all_modules()} - {"__init__"}
    missing = names - set(RANKS) - LEAVES
    assert not missing, f"give these modules a layer in tests/test_layers.py: {sorted(missing)}"


def test_no_backward_imports():
    bad = []
    for path in _all_modules():
        me = _module_name(path)
        if me == "__init__" or me in LEAVES:
            continue
        for target, line, _ in _imports(path):
            if target in LEAVES or target == me or target == "__init__" or target == "":
                continue
            if target not in RANKS:
                continue
            if RANKS[target] > RANKS[me]:
                bad.append(f"{path.relative_to(PKG.parent)}:{line} imports {target} (layer {RANKS[target]}) "
                           f"from layer {RANKS[me]}")
    assert not bad, "backward imports:\n" + "\n".join(bad)


def test_leaves_import_nothing_of_the_package():
    for path in _all_modules():
        if _module_name(path) in LEAVES:
            internal = [t for t, _, _ in _imports(path) if t != _module_name(path)]
            assert not internal, f"{path.name} is a leaf but imports {internal}"


def test_heavy_modules_are_imported_lazily_on_the_lookup_path():
    """Modules the lookup path loads must not import heavy libraries at module level."""
    lookup_path = ["cli", "output", "lookup", "query", "store", "build", "cache", "errors", "vocab", "dates", "ontology",
                   "loaders", "__main__"]
    for path in _all_modules():
        if _module_name(path) not in lookup_path:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module.split(".")[0]]
            heavy = HEAVY.intersection(names)
            assert not heavy, f"{path.relative_to(PKG.parent)}:{node.lineno} imports {heavy} at module level"
