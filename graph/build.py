"""The pipeline: record files -> validate -> triples -> SHACL -> store; and the compiled-store cache.

``compile_paths`` does the heavy part (rdflib, pySHACL) and is only called when a store must be
(re)built. ``cached_store`` answers from a compiled store of the given record files, keyed by a
hash of their bytes (and of this package's code), rebuilt only when something changed: so a
plain ``computekg company X`` reads no records and imports no rdflib.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .errors import Problem, Report, StoreError, ValidationFailed
from .ontology import DATA_DIR, ONTOLOGY_DIR, ONTOLOGY_FILE, QUERIES_DIR
from .store import OxigraphStore, open_store
from .vocab import DERIVED_GRAPH, ONTOLOGY_GRAPH, company_iri

Progress = Callable[[str], None]


def _noop(_: str) -> None:
    pass


@dataclass
class Compiled:
    """A validated catalog and its triples, ready to load."""

    catalog: object
    graphs: dict  # graph IRI -> rdflib.Graph
    graph: object  # their union, as checked by SHACL
    report: Report


def read_and_validate(paths: Sequence[str | os.PathLike], *, epoch: bool = True, known=None):
    """Read record files and validate them (no triples yet). Returns ``Validated``."""
    from .epoch import validation_hooks
    from .loaders import ReadResult, read_paths
    from .validate import validate

    read = read_paths(paths)
    if not epoch:  # --no-epoch: drop every record an Epoch AI loader read (sections epoch_*)
        read = ReadResult(records=[r for r in read.records if not r.section.startswith("epoch")],
                          problems=read.problems, files=list(read.files))
    return validate(read, validation_hooks(), known=known)


def compile_paths(paths: Sequence[str | os.PathLike], *, epoch: bool = True, shacl: bool = True,
                  progress: Progress = _noop, known=None) -> Compiled:
    """Validate records, build their triples and check the SHACL shapes.

    Raises :class:`ValidationFailed` with every problem when anything is wrong.
    """
    progress("reading and validating records")
    validated = read_and_validate(paths, epoch=epoch, known=known)
    if validated.report.problems:
        raise ValidationFailed(validated.report.problems)
    progress("building triples")
    from .triples import catalog_graphs, union

    graphs = catalog_graphs(validated.catalog)
    g = union(graphs)
    if shacl:
        progress(f"checking SHACL shapes on {len(g)} triples")
        from .shacl import check

        where = ", ".join(str(p) for p in paths)
        problems = check(_with_known_types(g, known), where=where)
        if problems:
            raise ValidationFailed(problems)
    return Compiled(validated.catalog, graphs, g, validated.report)


def _with_known_types(g, known):
    """For a batch loaded on top of a store: type what it refers to that the store already holds,
    so the shapes' sh:class checks see it (these triples are for the check only, not loaded)."""
    if not known:
        return g
    from rdflib import RDF, Graph, Literal, URIRef

    from .vocab import CKG, PREFIXES, facility_iri

    out = Graph()
    for t in g:
        out.add(t)
    name = URIRef(PREFIXES["schema"] + "name")
    for section, cls, mint in (("companies", CKG.Company, company_iri), ("facilities", CKG.Facility, facility_iri)):
        for rid, _ in known.get(section, []):
            out.add((URIRef(mint(rid)), RDF.type, URIRef(cls)))
            out.add((URIRef(mint(rid)), name, Literal(rid)))
    return out


def graph_ntriples(g) -> bytes:
    return g.serialize(format="nt", encoding="utf-8")


def fill_store(store: OxigraphStore, compiled: Compiled, *, bulk: bool = False) -> None:
    """Load records (default graph), the ontology and the derived relations (named graphs).

    Records and dataset imports share the default graph so lookups can skip the (much slower)
    union of named graphs; each node says where it comes from by ``prov:wasDerivedFrom``.
    """
    for _, g in sorted(compiled.graphs.items()):
        data = graph_ntriples(g)
        if bulk:
            store.bulk_load_ntriples(data)
        else:
            store.load_ntriples(data)
    load_ontology(store)
    derive(store)


def load_ontology(store: OxigraphStore) -> None:
    import pyoxigraph as ox

    store.update(f"DROP SILENT GRAPH <{ONTOLOGY_GRAPH}>")
    quads = ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    data = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads).encode("utf-8")
    store.load_ntriples(data, ONTOLOGY_GRAPH)


def derive(store: OxigraphStore) -> None:
    """(Re)materialise the derived relations from the CONSTRUCT queries in ``queries/derive-*.rq``."""
    from .query import derive_queries

    store.update(f"DROP SILENT GRAPH <{DERIVED_GRAPH}>")
    lines: list[str] = []
    for text in derive_queries():
        lines.extend(store.query(text))  # CONSTRUCT gives N-Triples lines
    if lines:
        store.load_ntriples(("\n".join(sorted(set(lines))) + "\n").encode("utf-8"), DERIVED_GRAPH)


# ---------------------------------------------------------------------------- persistent stores

def _existing_names(store: OxigraphStore):
    """What a store already holds, so a new batch may refer to it (and not redefine it)."""
    from .query import run_named

    from .vocab import CKG, DEAL_KINDS, notation

    rows = run_named(store, "_existing-names")
    known: dict[str, list] = {"companies": [], "facilities": [], "deals": []}
    for r in rows:
        t = r["type"].value
        section = ("companies" if t == CKG.Company else "facilities" if t == CKG.Facility
                   else "deals" if notation(t) in DEAL_KINDS and t.startswith(CKG.base) else None)
        if section:
            known[section].append((r["id"], [n for n in (r["names"] or "").split("\x1f") if n]))
    return known


def load_into(store_path: str | os.PathLike, paths: Sequence[str | os.PathLike], *, epoch: bool = True,
              replace: bool = False, progress: Progress = _noop) -> Report:
    """Validate ``paths`` and load them into the store folder, all or nothing."""
    store = open_store(store_path, read_only=False)
    try:
        if replace:
            known = None
        else:
            known = _existing_names(store)
            if not any(known.values()):
                known = None
        compiled = compile_paths(paths, epoch=epoch, progress=progress, known=known)
        progress(f"loading {len(compiled.graph)} triples")
        if replace:
            store.update("CLEAR ALL")
        fill_store(store, compiled)
        store.flush()
        return compiled.report
    finally:
        store.close()


# ---------------------------------------------------------------------------- the cache

def cache_root() -> Path:
    env = os.environ.get("COMPUTEKG_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "computekg"


def _code_files() -> list[Path]:
    pkg = Path(__file__).resolve().parent
    return sorted([*pkg.rglob("*.py"), *QUERIES_DIR.glob("*.rq"), *ONTOLOGY_DIR.glob("*.ttl")])


RECORD_EXTENSIONS = (".yaml", ".yml", ".json", ".csv")


def _record_files(paths: Sequence[str | os.PathLike]) -> list[Path]:
    """Every file that may hold records (by extension; hidden files skipped). No parsing, no
    loader imports: this runs on every lookup to key the cache."""
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(Path(root, f) for f in sorted(files)
                           if not f.startswith(".") and f.lower().endswith(RECORD_EXTENSIONS))
        else:
            out.append(path)
    return [f.resolve() for f in out]


def _inputs(paths: Sequence[str | os.PathLike]) -> list[Path]:
    return _code_files() + _record_files(paths)


def cache_key(paths: Sequence[str | os.PathLike], *, epoch: bool = True, files: list[Path] | None = None) -> str:
    """A hash of the record files' bytes and of the code that compiles them."""
    h = hashlib.sha256()
    h.update(b"computekg-cache-v1\0" + (b"epoch" if epoch else b"no-epoch"))
    for f in files if files is not None else _inputs(paths):
        h.update(str(f).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:32]


def _stat_signature(files: list[Path], epoch: bool) -> str:
    """A cheap signature (path, size, mtime) that maps to a content key already computed."""
    h = hashlib.sha256(b"epoch" if epoch else b"no-epoch")
    for f in files:
        st = f.stat()
        h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()[:32]


def _content_key(root: Path, paths: Sequence[str | os.PathLike], epoch: bool) -> str:
    """The content hash, computed once per set of file stats (remembered in ``root/index``)."""
    files = _inputs(paths)
    sig = _stat_signature(files, epoch)
    memo = root / "index" / sig
    try:
        key = memo.read_text().strip()
        if key and (root / key / "CURRENT").exists():
            return key
    except OSError:
        pass
    key = cache_key(paths, epoch=epoch, files=files)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        memo.write_text(key)
    except OSError:
        pass
    return key


def default_paths() -> list[Path]:
    return [DATA_DIR]


def cached_store(paths: Sequence[str | os.PathLike] | None = None, *, epoch: bool = True,
                 progress: Progress = _noop) -> OxigraphStore:
    """A read-only store compiled from ``paths`` (the bundled data by default), built if needed."""
    paths = list(paths) if paths else default_paths()
    missing = [Problem(str(p), 0, "", "", "no such file or folder") for p in paths if not Path(p).exists()]
    if missing:
        raise ValidationFailed(missing)
    root = cache_root()
    key = _content_key(root, paths, epoch)
    target = root / key
    if not (target / "CURRENT").exists():
        progress("compiling records into a store (once; cached until they change)")
        compiled = compile_paths(paths, epoch=epoch, progress=progress)
        try:
            root.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f"{key}.tmp-", dir=root))
        except OSError as exc:
            raise StoreError(f"cannot write the cache folder {root}: {exc}",
                             "set COMPUTEKG_CACHE_DIR to a writable folder") from None
        store = OxigraphStore(tmp, read_only=False)
        fill_store(store, compiled, bulk=True)
        store.close()
        try:
            os.rename(tmp, target)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # another process won the race: use its store
        _prune(root, keep=key)
    return OxigraphStore(target, read_only=True)


def _prune(root: Path, keep: str, max_entries: int = 8) -> None:
    """Keep the cache small: drop the oldest compiled stores beyond ``max_entries``."""
    try:
        entries = sorted((p for p in root.iterdir()
                          if p.is_dir() and ".tmp-" not in p.name and p.name not in (keep, "index")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for p in entries[max_entries - 1:]:
        shutil.rmtree(p, ignore_errors=True)
