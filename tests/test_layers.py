"""Data flows one way: a module imports only from layers to its left (and the leaves)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import graph

PKG = Path(__file__).resolve().parent.parent / "graph"

# The one layer table is graph.LAYERS (the package docstring describes it); nothing is repeated here.
RANKS = {m: i for i, (_name, mods) in enumerate(graph.LAYERS) for m in mods}
LAYER_OF = {m: name for name, mods in graph.LAYERS for m in mods}
LEAVES = set(graph.LAYERS[0][1])
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


def test_every_module_has_a_layer():
    names = {_module_name(p) for p in _all_modules()} - {"__init__"}
    missing = names - set(RANKS)
    assert not missing, f"give these modules a layer in graph.LAYERS (graph/__init__.py): {sorted(missing)}"
    listed = [m for _name, mods in graph.LAYERS for m in mods]
    assert len(listed) == len(set(listed)), "a module is listed in two layers"
    gone = set(listed) - names
    assert not gone, f"graph.LAYERS lists modules that do not exist: {sorted(gone)}"


def _edges():
    """(importer, imported, where) for every package-internal import between two modules."""
    for path in _all_modules():
        me = _module_name(path)
        if me == "__init__":
            continue
        for target, line, _ in _imports(path):
            if target in (me, "__init__", "") or target not in RANKS:
                continue
            yield me, target, f"{path.relative_to(PKG.parent)}:{line}"


def test_no_backward_or_same_layer_imports():
    bad = []
    for me, target, where in _edges():
        if RANKS[target] > RANKS[me]:
            bad.append(f"{where} imports {target} (layer {LAYER_OF[target]}) from layer {LAYER_OF[me]}: a later layer")
        elif RANKS[target] == RANKS[me] and (me, target) not in graph.SAME_LAYER:
            bad.append(f"{where} imports {target} from its own layer {LAYER_OF[me]} "
                       "(list the pair in graph.SAME_LAYER if the layer allows it)")
    assert not bad, "imports against the layer order:\n" + "\n".join(bad)


def test_no_import_circle():
    """Not even through imports inside functions: a circle is a circle."""
    graph_of: dict[str, set[str]] = {}
    for me, target, _ in _edges():
        graph_of.setdefault(me, set()).add(target)
    circles = []

    def visit(node, stack, on):
        for nxt in sorted(graph_of.get(node, ())):
            if nxt in on:
                circles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in done:
                visit(nxt, stack + [nxt], on | {nxt})
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph_of):
        if start not in done:
            visit(start, [start], {start})
    known = getattr(graph, "KNOWN_CIRCLES", frozenset())
    found = {frozenset(c.split(" -> ")) for c in circles}
    new = sorted(c for c in set(circles) if frozenset(c.split(" -> ")) not in known)
    assert not new, "import circles: " + "; ".join(new)
    gone = sorted(" <-> ".join(sorted(c)) for c in known - found)
    assert not gone, f"graph.KNOWN_CIRCLES lists circles that are gone ({gone}): delete them (and their SAME_LAYER pairs)"


def test_the_package_docstring_points_at_the_one_table():
    assert "LAYERS" in graph.__doc__ and "SAME_LAYER" in graph.__doc__


def test_the_layer_check_fails_on_a_backward_import(tmp_path, monkeypatch):
    """The check can fail: a module importing from its right is reported."""
    bad = tmp_path / "graph"
    bad.mkdir()
    (bad / "lookup.py").write_text("from .cli import main\n", encoding="utf-8")
    (bad / "cli.py").write_text("from .lookup import x\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PKG", bad)
    edges = list(_edges())
    assert ("lookup", "cli") in {(a, b) for a, b, _ in edges}
    import pytest

    with pytest.raises(AssertionError, match="lookup.py:1 imports cli"):
        test_no_backward_or_same_layer_imports()
    with pytest.raises(AssertionError, match="circles"):
        test_no_import_circle()


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


def _submodule_imports(path: Path) -> set[str]:
    """Dotted names (under graph.) that one module imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(PKG.parent).with_suffix("")
    here = list(rel.parts[:-1])  # the package a level-1 relative import starts from
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[:len(here) - (node.level - 1)] if node.level > 1 else here
            mod = base + (node.module.split(".") if node.module else [])
            if node.module:
                out.add(".".join(mod))
            for alias in node.names:
                out.add(".".join(mod + [alias.name]))
    return out


def test_a_source_imports_no_other_source_and_its_modules_form_no_circle():
    """A new source is one folder and one registry line: sources never import each other, and
    the modules of one source import each other one way (graph/sources/)."""
    root = PKG / "sources"
    names = sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert {"curated", "epoch"} <= set(names)
    for name in names:
        folder = root / name
        mods = {p: "graph.sources." + name + ("" if p.stem == "__init__" else "." + p.stem)
                for p in folder.glob("*.py")}
        edges: dict[str, set[str]] = {}
        for path, me in mods.items():
            targets = _submodule_imports(path)
            others = [t for t in targets for o in names if o != name and t.startswith(f"graph.sources.{o}")]
            assert not others, f"{path.relative_to(PKG.parent)} imports another source: {others}"
            edges[me] = {t for t in targets if t in mods.values() and t != me}
        # a package's __init__ may import its modules; no module may import back into a circle
        seen: set[str] = set()

        def visit(node: str, stack: list[str]) -> None:
            for nxt in sorted(edges.get(node, ())):
                assert nxt not in stack, "import circle: " + " -> ".join(stack + [nxt])
                if nxt not in seen:
                    visit(nxt, stack + [nxt])
            seen.add(node)

        for m in sorted(edges):
            visit(m, [m])
