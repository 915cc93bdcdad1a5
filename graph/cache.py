"""The compiled-store cache: answer lookups from a store compiled once from the record files.

``cached_store`` answers from a compiled store of the given record files, keyed by a hash of
their bytes (and of this package's code), rebuilt only when something changed: so a plain
``computekg company X`` reads no records and imports no rdflib.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Sequence

from .build import Progress, _noop, compile_paths, fill_store
from .errors import Problem, StoreError, ValidationFailed
from .ontology import DATA_DIR, ONTOLOGY_DIR, QUERIES_DIR
from .store import OxigraphStore


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
                          if p.is_dir() and ".tmp-" not in p.name and p.name not in (keep, "index", "git")),  # git: diff's extracted revisions
                         key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for p in entries[max_entries - 1:]:
        shutil.rmtree(p, ignore_errors=True)
