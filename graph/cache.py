"""The compiled-store cache: answer lookups from a store compiled once from the record files.

``cached_store`` answers from a compiled store of the given record files, keyed by a hash of
their bytes (and of this package's code), rebuilt only when something changed: so a plain
``computekg company X`` reads no records and imports no rdflib.

An entry is built aside (a temporary folder), sealed (a checkpoint with no write-ahead log) and
moved into place with one ``os.rename``, under a per-entry build lock so concurrent first runs
build it once. Readers hold a lease (``KEY.lock``) that pruning respects. An entry that is
damaged (files truncated, zeroed or removed, CURRENT or MANIFEST broken, a file where the
folder should be) is detected when opened or read, discarded and rebuilt once, with a note.
"""

from __future__ import annotations

import hashlib
import os
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence

from .build import Progress, _noop, _where, compile_paths, fill_store
from .generations import exclusive, shared_lease, try_exclusive
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


def _options_key(options: dict[str, Any]) -> bytes:
    """The compile options in a cache key (``sources``: sorted, so their order does not matter)."""
    options = {k: sorted(v) if k == "sources" and v is not None else v for k, v in options.items()
               if not (k == "sources" and v is None)}
    return json.dumps(options, sort_keys=True, default=str).encode()


def cache_key(paths: Sequence[str | os.PathLike], *, files: list[Path] | None = None, **options: Any) -> str:
    """A hash of the record files' bytes and of the code that compiles them."""
    h = hashlib.sha256()
    h.update(b"computekg-cache-v2\0" + _options_key(options))
    for f in files if files is not None else _inputs(paths):
        h.update(str(f).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:32]


def _stat_signature(files: list[Path], options: dict[str, Any]) -> str:
    """A cheap signature (path, size, mtime) that maps to a content key already computed."""
    h = hashlib.sha256(b"v2\0" + _options_key(options))
    for f in files:
        st = f.stat()
        h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()[:32]


def _is_key(text: str) -> bool:
    return len(text) == 32 and all(c in "0123456789abcdef" for c in text)


def _content_key(root: Path, paths: Sequence[str | os.PathLike], options: dict[str, Any]) -> str:
    """The content hash, computed once per set of file stats (remembered in ``root/index``)."""
    files = _inputs(paths)
    sig = _stat_signature(files, options)
    memo = root / "index" / sig
    try:
        key = memo.read_text().strip()
        if _is_key(key) and (root / key).is_dir():
            return key
    except (OSError, UnicodeDecodeError):
        pass
    key = cache_key(paths, files=files, **options)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_name(f".{sig}.tmp-{os.getpid()}")
        tmp.write_text(key)
        os.replace(tmp, memo)
    except OSError:
        pass  # an unwritable or damaged index only costs a hash next time
    return key


def default_paths() -> list[Path]:
    return [DATA_DIR]


def _note_stderr(message: str) -> None:
    import sys

    sys.stdout.flush()
    print(f"note: {message}", file=sys.stderr)


def cached_store(paths: Sequence[str | os.PathLike] | None = None, *, progress: Progress = _noop,
                 note: Callable[[str], None] = _note_stderr, **options: Any) -> OxigraphStore:
    """A read-only store compiled from ``paths`` (the bundled data by default), built if needed.

    ``options`` (``sources=``...) pass to :func:`graph.build.compile_paths` and are part of the key.
    A damaged entry is rebuilt once and ``note`` is told so (one line).
    """
    paths = list(paths) if paths else default_paths()
    missing = [Problem(str(p), 0, "", "", "no such file or folder") for p in paths if not Path(p).exists()]
    if missing:
        raise ValidationFailed(missing)
    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot write the cache folder {root}: {exc.strerror or exc}",
                         "set COMPUTEKG_CACHE_DIR to a writable folder") from None
    if not root.is_dir():
        raise StoreError(f"the cache folder {root} is a file", "set COMPUTEKG_CACHE_DIR to a writable folder")
    key = _content_key(root, paths, options)
    store = _open_entry(root, key)
    if store is not None and not isinstance(store, StoreError):
        return _healing(store, root, key, paths, options, progress, note)
    damaged = store  # a StoreError saying what is wrong, or None (not built yet)
    with _build_lock(root, key):
        store = _open_entry(root, key)  # another process may have built (or healed) it meanwhile
        if isinstance(store, OxigraphStore):
            return _healing(store, root, key, paths, options, progress, note)
        if store is not None or damaged is not None:
            note(f"the cached store {root / key} was damaged ({_reason(store or damaged)}); rebuilding it")
        _discard(root, key)
        _build(root, key, paths, options, progress)
        _prune(root, keep=key)
    store = _open_entry(root, key)
    if not isinstance(store, OxigraphStore):
        raise StoreError(f"the cached store {root / key} cannot be read even after a rebuild: {_reason(store)}",
                         "check the disk, or set COMPUTEKG_CACHE_DIR to another folder")
    return _healing(store, root, key, paths, options, progress, note)


def _reason(err: StoreError | None) -> str:
    text = str(err) if err is not None else "missing"
    return text.split(": ", 1)[-1][:160]


def _open_entry(root: Path, key: str) -> OxigraphStore | StoreError | None:
    """The entry opened read-only under a reader lease; None if absent; a StoreError if damaged."""
    target = root / key
    if not os.path.lexists(target):
        return None
    if not target.is_dir():
        return StoreError(f"{target}: a file where the store folder should be")
    changed = _inventory_mismatch(target)
    if changed:
        return StoreError(f"{target}: {changed}")
    lease = shared_lease(root / f"{key}.lock", create=True)
    if not target.is_dir():  # pruned or discarded between the check and the lease
        if lease is not None:
            lease.release()
        return None
    try:
        store = OxigraphStore(target, read_only=True, lease=lease)
        store.query("ASK { ?s ?p ?o }", union=False)  # reads the tables: damage shows here
        return store
    except StoreError as exc:
        if lease is not None:
            lease.release()
        return exc
    except (OSError, RuntimeError) as exc:
        if lease is not None:
            lease.release()
        return StoreError(f"{target}: {exc}")
    except Exception as exc:  # noqa: BLE001 - pyoxigraph reports table damage as QueryError too
        if lease is not None:
            lease.release()
        return StoreError(f"{target}: {exc}")


INVENTORY = "computekg-files.json"


def _write_inventory(entry: Path) -> None:
    """Record each file's size and modification time: any later write to the entry shows."""
    files = {}
    for p in sorted(entry.iterdir()):
        st = p.stat()
        files[p.name] = [st.st_size, st.st_mtime_ns]
    (entry / INVENTORY).write_text(json.dumps(files, sort_keys=True))


def _inventory_mismatch(entry: Path) -> str:
    """What differs from the entry's inventory ("" when nothing does): a cheap check, one stat per
    file, run on every open. Damage that keeps size and time (bit rot) is caught by RocksDB's
    block checksums when read."""
    try:
        files = json.loads((entry / INVENTORY).read_text())
    except (OSError, ValueError):
        return "its file inventory is missing or unreadable"
    if not isinstance(files, dict):
        return "its file inventory is unreadable"
    for name, expected in files.items():
        try:
            st = os.stat(entry / name)
        except OSError:
            return f"{name} is missing"
        if [st.st_size, st.st_mtime_ns] != expected:
            return f"{name} was changed after it was written"
    return ""


class _build_lock:
    def __init__(self, root: Path, key: str):
        self.path = root / f"{key}.build-lock"

    def __enter__(self):
        try:
            self.lease = exclusive(self.path)
        except OSError as exc:
            raise StoreError(f"cannot write the cache folder {self.path.parent}: {exc.strerror or exc}",
                             "set COMPUTEKG_CACHE_DIR to a writable folder") from None
        return self

    def __exit__(self, *exc):
        self.lease.release()
        return False


def _discard(root: Path, key: str) -> None:
    """Move a damaged entry out of the way (one rename), then delete it."""
    target = root / key
    if not os.path.lexists(target):
        return
    aside = root / f"{key}.bad-{os.getpid()}"
    try:
        os.rename(target, aside)
    except OSError:
        aside = target
    if aside.is_dir() and not aside.is_symlink():
        shutil.rmtree(aside, ignore_errors=True)
    else:
        try:
            aside.unlink()
        except OSError:
            pass


def _build(root: Path, key: str, paths: Sequence[str | os.PathLike], options: dict[str, Any],
           progress: Progress) -> None:
    progress("compiling records into a store (once; cached until they change)")
    compiled = compile_paths(paths, progress=progress, shacl=False, **options)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f"{key}.tmp-", dir=root))
    except OSError as exc:
        raise StoreError(f"cannot write the cache folder {root}: {exc.strerror or exc}",
                         "set COMPUTEKG_CACHE_DIR to a writable folder") from None
    store = None
    try:
        store = OxigraphStore(tmp / "build", read_only=False)
        fill_store(store, compiled, bulk=True, check=True, where=_where(paths), progress=progress)
        store.seal(tmp / "sealed")
        _write_inventory(tmp / "sealed")
        os.rename(tmp / "sealed", root / key)
    except (OSError, RuntimeError) as exc:
        reason = "no space left on the device" if "No space left" in str(exc) or getattr(exc, "errno", 0) == 28 \
            else (getattr(exc, "strerror", None) or str(exc).splitlines()[0])
        raise StoreError(f"cannot write the cache folder {root}: {reason}",
                         "free some disk space, or set COMPUTEKG_CACHE_DIR to a writable folder") from None
    finally:
        if store is not None:  # closed before its files go: an open store keeps their space
            try:
                store.close()
            except (OSError, RuntimeError):
                pass  # a full disk refuses the flush; the handles are dropped all the same
        shutil.rmtree(tmp, ignore_errors=True)


def _healing(store: OxigraphStore, root: Path, key: str, paths, options, progress, note) -> OxigraphStore:
    """Let the store rebuild its entry once if a later read finds damage the open did not."""
    def heal() -> OxigraphStore:
        store.close()
        with _build_lock(root, key):
            _discard(root, key)
            _build(root, key, paths, options, progress)
        fresh = _open_entry(root, key)
        if not isinstance(fresh, OxigraphStore):
            raise StoreError(f"the cached store {root / key} cannot be read even after a rebuild: {_reason(fresh)}",
                             "check the disk, or set COMPUTEKG_CACHE_DIR to another folder")
        return fresh

    store.on_damage = lambda exc: (note(f"the cached store {root / key} was damaged ({str(exc)[:160]}); "
                                        "rebuilding it"), heal())[1]
    return store


def _prune(root: Path, keep: str, max_entries: int = 8) -> None:
    """Keep the cache small: drop the oldest compiled stores beyond ``max_entries`` (not those a
    reader holds), and what killed builds left behind."""
    try:
        names = list(os.listdir(root))  # only entries (32 hex digits) are pruned: diff's "git" folder stays
    except OSError:
        return
    for name in names:  # leftovers of builds killed midway (not those of a build still running)
        if (".tmp-" in name or ".bad-" in name) and name.split(".")[0] != keep:
            lock = try_exclusive(root / f"{name.split('.')[0]}.build-lock")
            if lock is None:
                continue  # another build of that key is writing it now
            try:
                shutil.rmtree(root / name, ignore_errors=True)
            finally:
                lock.release()
    entries = []
    for name in names:
        p = root / name
        if _is_key(name) and name != keep and p.is_dir():
            try:
                entries.append((p.stat().st_mtime, p))
            except OSError:
                pass
    entries.sort(reverse=True)
    for _, p in entries[max_entries - 1:]:
        lock = try_exclusive(root / f"{p.name}.lock")
        if lock is None:
            continue  # a reader holds it
        try:
            shutil.rmtree(p, ignore_errors=True)
            for suffix in (".lock", ".build-lock"):
                try:
                    (root / f"{p.name}{suffix}").unlink()
                except OSError:
                    pass
        finally:
            lock.release()
