"""Store folders as generations, so that every write is all-or-nothing for readers and crashes.

A store folder holds sealed generations (each a complete pyoxigraph store that is never written
again once published) and one pointer file naming the current one::

    DIR/GENERATION          "gen-000007\\n", switched by write + fsync + os.replace
    DIR/gen-000007/         the current generation (RocksDB files, no write-ahead log)
    DIR/gen-000007.lock     reader leases: each reader holds a shared flock while it reads
    DIR/gen-000007.json     what was loaded into it (files and their hashes)
    DIR/.write.lock         one writer at a time (an exclusive flock, released if the writer dies)

A writer builds the next generation beside the current one and publishes it by replacing the
pointer; a process killed before that leaves only garbage that the next writer removes, one
killed after it has already published. Readers open the generation the pointer names and hold
its lease; old generations are removed only when no reader holds them.

Folders made by earlier versions (a pyoxigraph store directly in DIR, ``DIR/CURRENT``) are read
in place and migrated by the first write.

This module is plain file handling (no pyoxigraph): :mod:`graph.store` builds on it.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from .errors import StoreError

POINTER = "GENERATION"
WRITE_LOCK = ".write.lock"
LEGACY_LOCK = ".legacy.lock"
_GEN = re.compile(r"^gen-(\d{6,})$")
_GEN_ENTRY = re.compile(r"^(gen-\d{6,})(\.build|\.lock|\.json|\.tmp-\d+)?$")
# What write_atomic leaves when its writer is killed between writing and renaming.
_ATOMIC_TMP = re.compile(r"^\.(gen-\d{6,}\.json|GENERATION)\.tmp-\d+$")
# The files a pyoxigraph (RocksDB) store keeps in its folder: what a migrated legacy folder sheds.
_ROCKSDB_FILE = re.compile(r"^(CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+|\d+\.(sst|log|blob))$")


def _flock(fd: int, flags: int) -> bool:
    import fcntl

    try:
        fcntl.flock(fd, flags)
        return True
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise


class Lease:
    """A shared (reader) or exclusive lock on a lock file, held until :meth:`release`."""

    def __init__(self, fd: int | None):
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the flock
            self.fd = None

    def __del__(self) -> None:  # pragma: no cover - safety net
        self.release()


def shared_lease(lock_path: Path, *, create: bool = False) -> Lease | None:
    """Hold a reader lease on ``lock_path``; None when the file does not exist (and not ``create``).
    A folder readers may not write to still gives a lease (flock needs only read access)."""
    import fcntl

    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except FileNotFoundError:
        if not create:
            return None
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return Lease(None)  # a read-only place: no one can delete it under us either
    except OSError:
        return Lease(None)
    _flock(fd, fcntl.LOCK_SH)
    return Lease(fd)


def try_exclusive(lock_path: Path) -> Lease | None:
    """An exclusive lock if no one holds a lease on ``lock_path`` now, else None."""
    import fcntl

    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None
    if _flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB):
        return Lease(fd)
    os.close(fd)
    return None


def exclusive(lock_path: Path) -> Lease:
    """Wait for an exclusive lock on ``lock_path``."""
    import fcntl

    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    _flock(fd, fcntl.LOCK_EX)
    return Lease(fd)


def fsync_tree(path: Path) -> None:
    """fsync every file in ``path`` and the folder itself (what a published generation holds)."""
    for entry in os.scandir(path):
        if entry.is_file(follow_symlinks=False):
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(path)


def _remove(path: Path) -> None:
    """Remove a file or a folder tree, whichever ``path`` is; nothing if it is gone."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: write a temporary file, fsync, os.replace, fsync
    the folder. A reader sees the old bytes or the new, never a mix; a crash leaves one of them."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


class Folder:
    """A store folder on disk: its layout, pointer and leases."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    # ------------------------------------------------------------------ what is there
    def is_legacy(self) -> bool:
        """A store made by an earlier version: RocksDB files directly in the folder, no pointer."""
        return not (self.path / POINTER).exists() and (self.path / "CURRENT").exists()

    def exists(self) -> bool:
        return (self.path / POINTER).exists() or (self.path / "CURRENT").exists()

    def current(self) -> str | None:
        """The current generation's name, or None (an empty or legacy folder)."""
        try:
            text = (self.path / POINTER).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"cannot read {self.path / POINTER}: {exc}",
                             "the store folder is damaged; fill it again with `load --replace`") from None
        if not _GEN.match(text):
            raise StoreError(f"{self.path / POINTER} does not name a generation ({text[:40]!r})",
                             "the store folder is damaged; fill it again with `load --replace`")
        return text

    def generation_path(self, name: str) -> Path:
        return self.path / name

    def manifest(self, name: str | None = None) -> dict[str, Any] | None:
        """What was loaded into a generation (None for legacy folders and older generations)."""
        name = name or self.current()
        if name is None:
            return None
        try:
            return json.loads((self.path / f"{name}.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise StoreError(f"cannot read {self.path / (name + '.json')}: {exc}",
                             "the store folder is damaged; fill it again with `load --replace`") from None

    # ------------------------------------------------------------------ readers
    def open_for_reading(self) -> tuple[Path, Lease | None]:
        """The folder to open read-only and the lease that keeps it there until released."""
        for _ in range(100):
            name = self.current()
            if name is None:
                if self.is_legacy():
                    return self.path, shared_lease(self.path / LEGACY_LOCK, create=True)
                raise StoreError(f"{self.path} is not a computekg store folder",
                                 f"fill it first with `computekg --store {self.path} load PATH`")
            lease = shared_lease(self.path / f"{name}.lock")
            if lease is None:  # collected between reading the pointer and taking the lease
                continue
            if self.current() == name and (self.path / name / "CURRENT").exists():
                return self.path / name, lease
            lease.release()  # the pointer moved on meanwhile: read the new one
        raise StoreError(f"{self.path} keeps changing; could not settle on a generation to read",  # pragma: no cover
                         "try again when the writes have finished")

    # ------------------------------------------------------------------ writers
    def write_lock(self) -> Lease:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            return exclusive(self.path / WRITE_LOCK)
        except OSError as exc:
            hint = ("the folder or its disk is read-only: choose a writable --store folder"
                    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM) else
                    "free some disk space and run the command again" if exc.errno == errno.ENOSPC else
                    "check the folder is writable and the disk has room")
            raise StoreError(f"cannot write to the store folder {self.path}: {exc.strerror or exc}; "
                             "nothing was changed", hint) from None

    def next_name(self) -> str:
        numbers = [int(m.group(1)[4:]) for m in (_GEN_ENTRY.match(p) for p in os.listdir(self.path)) if m]
        return f"gen-{max(numbers, default=0) + 1:06d}"

    def publish(self, name: str, manifest: dict[str, Any] | None) -> None:
        """Make generation ``name`` (complete, sealed, in ``DIR/name``) the current one."""
        gen = self.path / name
        fsync_tree(gen)
        (self.path / f"{name}.lock").touch()
        if manifest is not None:
            write_atomic(self.path / f"{name}.json",
                         json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
        fsync_dir(self.path)
        write_atomic(self.path / POINTER, (name + "\n").encode("ascii"))

    def collect(self) -> list[str]:
        """Remove generations no reader holds, except the current one (call with the write lock).
        Also removes what killed writers left behind, and a migrated legacy store's files."""
        current = self.current()
        removed = []
        entries = os.listdir(self.path)
        for entry in entries:  # the write lock is held, so no other write_atomic is under way
            if _ATOMIC_TMP.match(entry):
                _remove(self.path / entry)
        names = sorted({m.group(1) for m in (_GEN_ENTRY.match(p) for p in entries) if m})
        for name in names:
            if name == current:
                for leftover in self.path.glob(f"{name}.tmp-*"):
                    _remove(leftover)
                shutil.rmtree(self.path / f"{name}.build", ignore_errors=True)
                continue
            lock = try_exclusive(self.path / f"{name}.lock")
            if lock is None:
                continue  # a reader still holds it
            try:
                for suffix in (".build", ""):
                    shutil.rmtree(self.path / f"{name}{suffix}", ignore_errors=True)
                for leftover in self.path.glob(f"{name}.tmp-*"):
                    _remove(leftover)
                for suffix in (".json", ".lock"):
                    try:
                        (self.path / f"{name}{suffix}").unlink()
                    except FileNotFoundError:
                        pass
                removed.append(name)
            finally:
                lock.release()
        if current is not None and (self.path / "CURRENT").exists():
            lock = try_exclusive(self.path / LEGACY_LOCK)
            if lock is not None:
                try:
                    for p in self.path.iterdir():
                        if p.is_file() and _ROCKSDB_FILE.match(p.name):
                            p.unlink()
                    removed.append("legacy")
                finally:
                    lock.release()
        return removed
