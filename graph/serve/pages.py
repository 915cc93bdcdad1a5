"""Where the server's pages come from: a page source maps a URL path to a page, a redirect or
nothing (404).

:class:`DirectorySource` serves a built site folder (``computekg site``'s output, written at
start-up into a temporary folder) and is the only code that turns a URL into a file name. It
never lists a folder, never follows a path out of its root (``..``, encoded slashes or
backslashes, NUL, symlinks pointing outside, hidden files: all 404), and adds the slash a
folder's relative links need (``/company/x`` -> ``/company/x/``).
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Union

MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".json": "application/json", ".jsonld": "application/ld+json", ".ttl": "text/turtle; charset=utf-8",
    ".nt": "application/n-triples", ".nq": "application/n-quads", ".csv": "text/csv; charset=utf-8",
    ".tsv": "text/tab-separated-values; charset=utf-8", ".txt": "text/plain; charset=utf-8",
    ".graphml": "application/xml", ".xml": "application/xml", ".gexf": "application/xml",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".ico": "image/x-icon", ".webp": "image/webp", ".woff2": "font/woff2", ".woff": "font/woff",
    ".gz": "application/gzip", ".zip": "application/zip", ".cff": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8", ".rq": "application/sparql-query",
}
SMALL_FILE = 512 * 1024
_META_CSP = re.compile(rb'<meta\s+http-equiv=["\']Content-Security-Policy["\']\s+content=["\']([^"\']*)["\']',
                       re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    media_type: str
    body: bytes | None = None
    path: Path | None = None   # a file to send (read per request), when body is None
    csp: str | None = None     # the page's own Content-Security-Policy, if it declares one


@dataclass(frozen=True)
class Redirect:
    location: str


Found = Union[Page, Redirect, None]
PageSource = Callable[[str, str], Found]  # (decoded path, raw path) -> page


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


def safe_segments(path: str, raw_path: str) -> list[str] | None:
    """The path's segments, or None when it could point anywhere but below the root."""
    raw = raw_path.lower()
    if "%2f" in raw or "%5c" in raw or "%00" in raw or "\\" in path or "\x00" in path:
        return None
    segments = [s for s in path.split("/") if s]
    if any(s in (".", "..") or s.startswith(".") for s in segments):
        return None
    return segments


def page_csp(page: bytes) -> str | None:
    """The policy a page declares in its ``<meta http-equiv="Content-Security-Policy">``, as a
    header value (the attribute unescaped), or None (the server's own strict policy applies)."""
    import html

    m = _META_CSP.search(page[:8192])
    if not m:
        return None
    value = html.unescape(m.group(1).decode("utf-8", "replace"))
    return value if value.isprintable() and value.isascii() else None


class DirectorySource:
    """Files below ``root``; a folder answers with its ``index.html``."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()

    def _inside(self, target: Path) -> Path | None:
        """The real path of ``target`` when it exists below the root (symlinks followed), else None."""
        try:
            real = target.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        return real if real == self.root or self.root in real.parents else None

    def __call__(self, path: str, raw_path: str) -> Found:
        segments = safe_segments(path, raw_path)
        if segments is None:
            return None
        real = self._inside(self.root.joinpath(*segments))
        if real is None:
            return None
        if real.is_dir():
            real = self._inside(real / "index.html")
            if real is None or not real.is_file():
                return None  # never a listing
            if not path.endswith("/"):  # relative, so it works under any sub-path and goes nowhere else
                return Redirect("./" + (raw_path or path).rsplit("/", 1)[-1] + "/")
        elif not real.is_file() or path.endswith("/"):
            return None
        mt = media_type(real)
        if mt.startswith("text/html"):
            body = real.read_bytes()
            return Page(mt, body=body, csp=page_csp(body))
        if real.stat().st_size <= SMALL_FILE:  # read at once: cheaper than a streamed file response
            return Page(mt, body=real.read_bytes())
        return Page(mt, path=real)


class RenderedSource:
    """Pages rendered on request by a site builder that knows its paths and renders one at a time
    (``computekg site``'s :class:`graph.site.pages.Site`), kept once rendered: the store does not
    change while the server runs. Only the builder's own paths exist; anything else is 404."""

    def __init__(self, paths: Iterable[str], render: Callable[[str], bytes], content_type: Callable[[str], str],
                 *, cache_bytes: int = 256 * 1024 * 1024):
        self.paths = frozenset(paths)
        self.render = render
        self.content_type = content_type
        self.budget = cache_bytes
        self._cache: dict[str, Page] = {}
        self._lock = threading.Lock()

    def __call__(self, path: str, raw_path: str) -> Found:
        segments = safe_segments(path, raw_path)
        if segments is None:
            return None
        rel = "/".join(segments)
        if path.endswith("/") or not rel:
            rel = rel + "/index.html" if rel else "index.html"
        elif rel not in self.paths and rel + "/index.html" in self.paths:
            return Redirect("./" + (raw_path or path).rsplit("/", 1)[-1] + "/")
        if rel not in self.paths:
            return None
        page = self._cache.get(rel)
        if page is None:
            body = self.render(rel)
            mt = self.content_type(rel)
            page = Page(mt, body=body, csp=page_csp(body) if mt.startswith("text/html") else None)
            with self._lock:
                if len(body) <= self.budget:
                    self.budget -= len(body)
                    self._cache[rel] = page
        return page


class Sources:
    """Try several sources in turn (the site first, then the server's own fallback pages)."""

    def __init__(self, *sources: PageSource):
        self.sources = sources

    def __call__(self, path: str, raw_path: str) -> Found:
        for source in self.sources:
            found = source(path, raw_path)
            if found is not None:
                return found
        return None


def fixed(pages: dict[str, Page]) -> PageSource:
    """A source of a few pages held in memory, by exact path."""

    def source(path: str, raw_path: str) -> Found:
        return pages.get(path)

    return source
