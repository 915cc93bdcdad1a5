"""Writing a whole site to a folder, all or nothing.

The site is written into a new folder beside the target, then moved into place in one rename
(an existing site made by computekg is swapped out and removed); a folder that holds anything
else is never overwritten.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import ComputeKGError

MARKER = ".computekg-site"
AFTER_DUMPS = {"downloads/index.html", "downloads/datapackage.json", "downloads/void.ttl"}


@dataclass
class BuildReport:
    path: Path
    files: int
    bytes: int
    pages: int
    seconds: float
    counts: dict

    @property
    def summary(self) -> str:
        c = self.counts
        return (f"{self.files} files ({self.bytes / 1e6:.1f} MB): {c['companies']} company, {c['deals']} deal and "
                f"{c['facilities']} facility pages; {self.seconds:.1f} s")


class SiteError(ComputeKGError):
    pass


def build_site(store, out: str | os.PathLike, *, base_url: str | None = None, tiles: str | None = None,
               progress: Callable[[str], None] | None = None, today=None, history=None) -> BuildReport:
    """Write every file of the store's site into ``out`` (created, or replaced if it is a site
    computekg wrote before); returns what was written. ``history`` (:func:`graph.history.folder_history`)
    puts each deal's history across data releases on its page."""
    from .pages import Site

    t0 = time.perf_counter()
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        err = SiteError(f"{out} exists and is not a site written by computekg")
        err.hint = "give an empty or new folder to -o, or remove it first"
        raise err
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    site = Site(store, base_url=base_url, tiles=tiles, today=today, history=history)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    try:
        n = size = pages = 0
        last = time.monotonic()
        made_dirs: set[Path] = set()
        # the files that give the dumps' sizes and checksums come after the dumps, whose writing records them
        paths = list(site.paths())
        last_paths = [p for p in paths if p in AFTER_DUMPS]
        for path in [p for p in paths if p not in AFTER_DUMPS] + last_paths:
            target = tmp / path
            if target.parent not in made_dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(target.parent)
            with open(target, "wb") as f:
                size += site.write(path, f)
            n += 1
            pages += path.endswith(".html")
            if progress and time.monotonic() - last > 1.0:
                progress(f"{n} files written ({path})")
                last = time.monotonic()
        (tmp / MARKER).write_text("written by computekg site; this folder is replaced by the next build\n",
                                  encoding="utf-8")
        os.chmod(tmp, 0o755)
        old = None
        if out.exists():
            old = parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    d = site.data
    counts = {"companies": len(site.ids("company")), "deals": len(site.ids("deal")),
              "facilities": len(site.ids("facility"))}
    return BuildReport(path=out, files=n + 1, bytes=size, pages=pages, seconds=time.perf_counter() - t0,
                       counts=counts)
