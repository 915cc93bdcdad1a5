"""One all-or-nothing write to a store folder: a new generation built beside the current one,
sealed, then published by switching the pointer (:mod:`graph.generations` keeps the files; the
store itself is :class:`graph.store.OxigraphStore`). Used by :mod:`graph.writes`.
"""

from __future__ import annotations

import os
from typing import Any

from .errors import StoreError
from .store import OxigraphStore, _write_error


class FolderWrite:
    """One all-or-nothing write to a store folder (see :mod:`graph.generations`).

    Use as a context manager: it takes the folder's write lock, gives ``store``, a writable copy
    of the current generation (or an empty store with ``fresh=True``), and on success seals it
    as the next generation and switches the pointer to it. On any error, or if the process dies,
    the current generation stays as it was. ``manifest`` (what is loaded) is saved beside it.
    """

    def __init__(self, path: str | os.PathLike, *, fresh: bool = False):
        from .generations import Folder

        self.folder = Folder(path)
        self.fresh = fresh
        self.store: OxigraphStore | None = None
        self.manifest: dict[str, Any] | None = None
        self.base_manifest: dict[str, Any] | None = None
        self.base_was_empty = True
        self.name = ""
        self._lock = None
        self._cancelled = False

    def __enter__(self) -> "FolderWrite":
        import pyoxigraph as ox

        if self.folder.path.exists() and not self.folder.path.is_dir():
            raise StoreError(f"{self.folder.path} is a file, not a store folder", "give a folder path to --store")
        self._lock = self.folder.write_lock()
        try:
            self.folder.collect()
            current = self.folder.current()
            base = (self.folder.path / current if current else
                    self.folder.path if self.folder.is_legacy() else None)
            self.base_manifest = self.folder.manifest(current) if current else None
            self.base_was_empty = base is None
            self.name = self.folder.next_name()
            build = self.folder.path / f"{self.name}.build"
            if base is not None and not self.fresh:
                ro = ox.Store.read_only(str(base))
                try:
                    ro.backup(str(build))
                finally:
                    del ro
            self.store = OxigraphStore(build, read_only=False)
        except BaseException as exc:
            self._abort()
            raise _write_error(self.folder.path, exc) from None
        return self

    def cancel(self) -> None:
        """Write nothing after all: the current generation stays, no new one is published."""
        self._cancelled = True

    def restart_fresh(self) -> None:
        """Start this write over from an empty store (a rebuild) instead of a copy of the current one."""
        import shutil

        assert self.store is not None
        build = self.store.path
        self.store.close()
        shutil.rmtree(build, ignore_errors=True)
        self.fresh = True
        self.store = OxigraphStore(build, read_only=False)

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None and self._cancelled:
            self._abort()
            return False
        if exc_type is not None:
            self._abort()
            if isinstance(exc, (OSError, RuntimeError)):
                raise _write_error(self.folder.path, exc) from None
            return False
        try:
            assert self.store is not None
            self.store.seal(self.folder.path / self.name)
            self.folder.publish(self.name, self.manifest)
        except BaseException as exc:
            self._abort()
            raise _write_error(self.folder.path, exc) from None
        try:
            self.folder.collect()
        except OSError:
            pass  # garbage stays until the next write; the new generation is already published
        finally:
            self._unlock()
        return False

    def _abort(self) -> None:
        import shutil

        if self.store is not None:
            try:
                self.store.close()
            except Exception:  # noqa: BLE001 - cleaning up after a failure already being reported
                pass
        try:
            published = self.folder.current() == self.name
        except StoreError:
            published = False
        if self.name and not published:
            for suffix in (".build", ""):
                shutil.rmtree(self.folder.path / f"{self.name}{suffix}", ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
