"""Writes to a persistent store, all or nothing: ``load``, ``load --replace`` and ``unload``.

A store folder is written as a new generation that is published in one step
(:class:`graph.folders.FolderWrite`): readers keep answering from the current one, and a process
killed at any moment leaves the store as it was before or as it is after, derived graphs included.
Each generation records the record files it holds (path and SHA-256), so ``unload FILE`` and
re-loading a changed FILE rebuild exactly the store the remaining files give.

A SPARQL endpoint is written through staging graphs: the new triples go in bounded chunks into
fresh graphs named ``urn:computekg:staging:...`` that no record refers to, then one SPARQL Update
request moves them into place. A server (or this process) stopped before that request leaves
the target graphs as they were.

Options for compiling (``sources=``...) pass through to
:func:`graph.build.compile_paths` unchanged and are recorded with the generation.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .build import Progress, _existing_names, _noop, _where, compile_paths, fill_store
from .errors import Problem, Report, StoreError, ValidationFailed
from .remote import STAGING_PREFIX, RemoteStore, insert_text, new_staging_graph, ntriples_chunks
from .folders import FolderWrite
from .store import OxigraphStore, backend_for


@dataclass
class WriteResult:
    """What a write did: its validation report, and what changed."""

    report: Report = field(default_factory=Report)
    action: str = "loaded"  # loaded, replaced, reloaded, unloaded, unchanged
    files: list[str] = field(default_factory=list)  # the files the store now holds (when known)
    notes: list[str] = field(default_factory=list)


def _files_of(paths: Sequence[str | os.PathLike]) -> tuple[list[Path], list[Problem]]:
    from .sources import iter_files

    files, problems = iter_files(paths)
    return [f.resolve() for f in files], problems


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _manifest(files: Sequence[Path], options: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "files": {str(f): _digest(f) for f in sorted(set(files))},
            "options": {k: (list(v) if isinstance(v, (tuple, list)) else v) for k, v in sorted(options.items())}}


def load_into(store_path: str | os.PathLike | RemoteStore, paths: Sequence[str | os.PathLike], *, replace: bool = False,
              progress: Progress = _noop, **options: Any) -> WriteResult:
    """Validate ``paths`` and load them into a store folder or SPARQL endpoint (its URL, or a
    :class:`~graph.remote.RemoteStore` carrying its update URL and records graph), all or nothing.

    Without ``replace`` the records are added to what the store holds; files the store already
    holds are replaced by their new content (the whole store is rebuilt from its files), and
    files it holds unchanged are a no-op (``action == "unchanged"``). Raises
    :class:`ValidationFailed` (nothing written) when anything is wrong.
    """
    if isinstance(store_path, RemoteStore) or backend_for(store_path) == "sparql":
        remote = store_path if isinstance(store_path, RemoteStore) else RemoteStore(str(store_path))
        return _load_remote(remote, paths, replace=replace, progress=progress, **options)
    files, problems = _files_of(paths)
    if problems:
        raise ValidationFailed(problems)
    with FolderWrite(store_path, fresh=replace) as w:
        held = None if replace else (w.base_manifest or {}).get("files")
        if held is not None and any(str(f) in held for f in files):
            new = {str(f): _digest(f) for f in files}
            if all(held.get(k) == v for k, v in new.items()):
                w.cancel()
                return WriteResult(action="unchanged", files=sorted(held))
            # Files the store holds, changed: rebuild from every file it holds, with their new content.
            rest = [Path(p) for p in held if p not in new]
            return _rebuild(w, rest + files, options, progress, action="reloaded", held=held)
        known = None
        if not replace and not w.base_was_empty:
            known = _existing_names(w.store)
            known = known if any(known.values()) else None
        compiled = compile_paths(list(paths), progress=progress, known=known, shacl=False, **options)
        fill_store(w.store, compiled, bulk=True, check=True, where=_where(paths), progress=progress)
        if replace or w.base_was_empty:
            w.manifest = _manifest(files, options)
        elif held is not None:
            w.manifest = _manifest([Path(p) for p in held] + files, options)
        # else: a store from an earlier version, which never said what it holds: no manifest
        return WriteResult(compiled.report, "replaced" if replace else "loaded",
                           sorted((w.manifest or {}).get("files", {})))


def unload_from(store_path: str | os.PathLike | RemoteStore, paths: Sequence[str | os.PathLike], *,
                progress: Progress = _noop) -> WriteResult:
    """Remove the records of ``paths`` (files the store holds): the store becomes exactly what its
    remaining files give. Raises :class:`StoreError` for files it does not hold, and
    :class:`ValidationFailed` (nothing changed) when the remaining records refer to what goes."""
    if isinstance(store_path, RemoteStore) or backend_for(store_path) == "sparql":
        raise StoreError("unload works on store folders only",
                         "for a SPARQL endpoint, load the files to keep with `load --replace`")
    targets = []
    for p in paths:
        path = Path(p)
        targets.extend(_files_of([path])[0] if path.exists() else [path.resolve()])
    with FolderWrite(store_path, fresh=True) as w:
        held = (w.base_manifest or {}).get("files")
        if held is None:
            raise StoreError(f"{store_path} does not record which files it holds (made by an earlier version)",
                             f"fill it again with `computekg --store {store_path} load --replace PATH...`")
        missing = [str(t) for t in targets if str(t) not in held]
        if missing or not targets:
            listing = ", ".join(sorted(held)) or "nothing"
            raise StoreError(f"the store holds no file {missing[0] if missing else ''}; it holds: {listing}",
                             "give a file path as it was loaded")
        rest = [Path(p) for p in held if p not in {str(t) for t in targets}]
        options = (w.base_manifest or {}).get("options", {})
        return _rebuild(w, rest, options, progress, action="unloaded", held=held)


def _rebuild(w: FolderWrite, files: list[Path], options: dict[str, Any], progress: Progress, *,
             action: str, held: dict[str, str]) -> WriteResult:
    """Fill the (fresh) generation from exactly ``files``; note those changed since they were loaded."""
    from .build import derive, load_ontology

    gone = [str(f) for f in files if not f.exists()]
    if gone:
        raise StoreError(f"{gone[0]} is held by the store but no longer exists, so the store cannot be "
                         "rebuilt without it", "unload it too, or put it back")
    if not w.fresh:
        w.restart_fresh()
    notes = [f"also re-read {f} (changed since it was loaded)" for f in files
             if str(f) in held and held[str(f)] != _digest(f) and action == "unloaded"]
    report = Report()
    if files:
        compiled = compile_paths(files, progress=progress, shacl=False, **options)
        fill_store(w.store, compiled, bulk=True, check=True, where=_where(files), progress=progress)
        report = compiled.report
    else:
        load_ontology(w.store)
        derive(w.store)
    w.manifest = _manifest(files, options)
    return WriteResult(report, action, sorted(w.manifest["files"]), notes)


# ---------------------------------------------------------------------------- SPARQL endpoints

def _load_remote(remote: RemoteStore, paths: Sequence[str | os.PathLike], *, replace: bool, progress: Progress,
                 **options: Any) -> WriteResult:
    import pyoxigraph as ox

    from .vocab import SOURCE_GRAPH_PREFIX

    _drop_stale_staging(remote)
    if replace:
        known = None
    else:
        known = _existing_names(remote)
        known = known if any(known.values()) else None
    # Checked (the shapes too) apart from the endpoint, with what it holds typed for the check.
    compiled = compile_paths(list(paths), progress=progress, known=known, **options)
    # Build the new content locally (in memory), as a store folder would hold it.
    local = OxigraphStore()
    fill_store(local, compiled, bulk=True)
    by_graph: dict[str, list[str]] = {}
    for q in local._store.quads_for_pattern(None, None, None):
        g = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        if g.startswith(SOURCE_GRAPH_PREFIX):
            g = ""  # an endpoint keeps the records in its default graph, which every client reads
        by_graph.setdefault(g, []).append(f"{q.subject} {q.predicate} {q.object} .")
    run = new_staging_graph()
    staging = {g: f"{run}/{i}" for i, g in enumerate(sorted(by_graph))}
    total = sum(len(v) for v in by_graph.values())
    progress(f"staging {total} triples at {remote.endpoint.shown_url}")
    try:
        for g, lines in sorted(by_graph.items()):
            for chunk in ntriples_chunks(sorted(lines)):
                remote.update(insert_text(f"GRAPH <{staging[g]}>", chunk))
        # One request moves everything into place: the server applies it whole or not at all.
        ops = _clear_ops(remote, set(by_graph)) if replace else []
        for g in sorted(by_graph):
            target = remote.target(g or None)
            # The ontology is replaced by the current one. Derived relations: replace recomputes them
            # all; an added batch adds its own (the derive rules read one deal's own triples, so the
            # relations of old + new records are those of the old plus those of the new).
            if replace or _is_ontology(g):
                ops.append(f"MOVE SILENT GRAPH <{staging[g]}> TO {target}")
            else:
                ops.append(f"ADD SILENT GRAPH <{staging[g]}> TO {target}")
                ops.append(f"DROP SILENT GRAPH <{staging[g]}>")
        remote.update(" ;\n".join(ops))
    except BaseException:
        try:
            for s in staging.values():
                remote.update(f"DROP SILENT GRAPH <{s}>")
        except Exception:  # noqa: BLE001 - the endpoint is gone; the next load drops stale staging
            pass
        raise
    return WriteResult(compiled.report, "replaced" if replace else "loaded")


def _clear_ops(remote: RemoteStore, filled: set[str]) -> list[str]:
    """The operations that empty the endpoint before ``load --replace`` moves the new graphs in."""
    if remote.records_graph is None:  # the endpoint is computekg's alone: every graph but staging
        return ["DROP SILENT DEFAULT",
                f'DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                f'FILTER(!STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}']
    # A shared server (Virtuoso keeps its own graphs beside ours): drop only the graphs computekg
    # wrote that the new content does not replace (MOVE replaces the others).
    targets = {g or remote.records_graph for g in filled}
    rows = remote._raw_select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {remote._own_graphs_filter()} }}")
    return [f"DROP SILENT GRAPH <{b['g']['value']}>" for b in rows if b["g"]["value"] not in targets]


def _is_ontology(g: str) -> bool:
    from .vocab import ONTOLOGY_GRAPH

    return g == ONTOLOGY_GRAPH


def _drop_stale_staging(remote, max_age_s: int = 3600) -> None:
    """Drop staging graphs that loads killed before their last request left behind (over an hour old)."""
    rows = remote._raw_select(f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} '
                              f'FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}')
    now = time.time()
    for b in rows:
        g = b["g"]["value"]
        stamp = g[len(STAGING_PREFIX):].split("-", 1)[0]
        if stamp.isdigit() and now - int(stamp) > max_age_s:
            remote.update(f"DROP SILENT GRAPH <{g}>")
