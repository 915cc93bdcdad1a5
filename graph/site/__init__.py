"""The static website of a store: ``computekg site -o DIR`` (and the pages ``computekg serve`` shows).

    from graph.site import Site, build_site
    site = Site(store)                     # every path: site.paths(); one page: site.render(path)
    report = build_site(store, "public/")  # writes them all, all or nothing

See :mod:`graph.site.pages` for the paths and :mod:`graph.site.data` for what the pages show.
"""

from __future__ import annotations

from .build import BuildReport, build_site
from .pages import NotFound, Site, content_type

__all__ = ["Site", "build_site", "BuildReport", "NotFound", "content_type"]
