"""The website: every page of a store as a path, rendered one at a time.

:class:`Site` knows every path of the site (:meth:`Site.paths`) and renders any one of them
(:meth:`Site.render`), so ``computekg site`` writes them all and a server can answer one request
without building the rest. Pages are Jinja2 templates (autoescape on) filled from
:mod:`graph.site.data`; links are relative (``../../company/x/index.html``), so the site works
from ``file://`` and under any sub-path; shared CSS and scripts are site files under ``assets/``;
every page carries a Content-Security-Policy that allows only the site's own files.

Entity IRIs map to paths one to one: ``https://w3id.org/computekg/id/company/xai`` is
``company/xai/index.html`` (with its RDF beside it, ``company/xai/index.ttl``).
"""

from __future__ import annotations

import datetime as _dt
import json
import mimetypes
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterator

from markupsafe import Markup

from .. import __version__
from ..errors import ComputeKGError
from ..vocab import ID_NS
from . import charts
from . import data as D

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
VENDOR = HERE / "vendor"
ENTITY_KINDS = ("company", "deal", "facility")
VENDOR_FILES = ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/LICENSE", "leaflet/images/layers.png",
                "leaflet/images/layers-2x.png", "leaflet/images/marker-icon.png",
                "leaflet/images/marker-icon-2x.png", "leaflet/images/marker-shadow.png",
                "markercluster/leaflet.markercluster.js", "markercluster/MarkerCluster.css",
                "markercluster/MarkerCluster.Default.css", "markercluster/LICENSE",
                "topojson-client/topojson-client.min.js", "topojson-client/LICENSE",
                "world-atlas/countries-110m.js", "world-atlas/LICENSE", "VERSIONS")
SECTIONS = [("company/index.html", "Companies"), ("deal/index.html", "Deals"), ("facility/index.html", "Facilities"),
            ("map/index.html", "Map"), ("timeline/index.html", "Timeline"), ("new/index.html", "What's new"),
            ("graph/index.html", "Graph"),
            ("sources/index.html", "Sources"), ("queries/index.html", "Queries"),
            ("downloads/index.html", "Downloads")]
TYPES = {".html": "text/html; charset=utf-8", ".ttl": "text/turtle; charset=utf-8", ".js": "text/javascript",
         ".css": "text/css", ".json": "application/json", ".jsonld": "application/ld+json",
         ".csv": "text/csv; charset=utf-8", ".gz": "application/gzip", ".graphml": "application/xml",
         ".png": "image/png", ".txt": "text/plain; charset=utf-8", ".cff": "text/plain; charset=utf-8"}


class NotFound(ComputeKGError):
    """A path that is not part of the site."""


def content_type(path: str) -> str:
    """The media type a server sends for a site path."""
    if path.endswith("LICENSE") or path.endswith("VERSIONS"):
        return "text/plain; charset=utf-8"
    if path == "feed.xml":
        return "application/atom+xml; charset=utf-8"
    suffix = Path(path).suffix
    return TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = D.number
    env.filters["words"] = lambda s: (s or "").replace("_", " ")
    env.globals.update(safe_href=safe_href, value_text=D.value_text,
                       money_text=lambda m: D.money(m))
    return env


def _json_block(value: Any) -> Markup:
    from ..page import json_for_script

    return Markup(json_for_script(value))


class Site:
    """The website of one store. ``paths()`` lists every file; ``render(path)`` gives its bytes.

    ``base_url`` (e.g. ``https://example.org/computekg/``) is used only where a link must be
    absolute (canonical links, ``void.ttl`` dump addresses); ``tiles`` is a tile URL template
    (``https://tile.example/{z}/{x}/{y}.png``) for the map, which otherwise draws only the bundled
    country outlines and makes no request outside the site. ``history`` (a
    :class:`graph.history.History` of the data folder) adds each deal's history across data
    releases to its page; without it that section is left out.
    """

    def __init__(self, store, *, base_url: str | None = None, tiles: str | None = None,
                 today: _dt.date | None = None, history=None):
        import re

        from ..errors import BadValue

        if base_url is not None and not re.match(r"^https?://[^\s<>\"'{}]+$", base_url):
            raise BadValue(f"--base-url must be an http(s) address, got {base_url!r}",
                           "e.g. --base-url https://example.org/computekg/")
        if tiles is not None and not (re.match(r"^https?://[^\s<>\"']+$", tiles)
                                      and all(k in tiles for k in ("{z}", "{x}", "{y}"))):
            raise BadValue(f"--tiles must be an http(s) tile URL template with {{z}}, {{x}} and {{y}}, got {tiles!r}",
                           "e.g. --tiles 'https://tile.example.org/{z}/{x}/{y}.png'")
        self.store = store
        self.base_url = (base_url.rstrip("/") + "/") if base_url else None
        self.tiles = tiles
        self._today = today
        self.history = history

    # ------------------------------------------------------------------ data, built once
    @cached_property
    def data(self) -> D.SiteData:
        d = D.gather(self.store)
        if self._today is not None:
            d.today = self._today
        return d

    @cached_property
    def _rdf(self):
        from .downloads import EntityRdf

        return EntityRdf(self.store)

    @cached_property
    def _downloads(self):
        from .downloads import Downloads

        return Downloads(self)

    def ids(self, kind: str) -> list[str]:
        return list(self._ids[kind])

    @cached_property
    def _ids(self) -> dict[str, dict[str, None]]:
        """Each kind's ids that make a page (an ordered set: found once, not per page)."""
        d = self.data
        return {kind: dict.fromkeys(i for i in table if D.SAFE_ID.match(i) and ".." not in i)
                for kind, table in (("company", d.companies), ("deal", d.deals), ("facility", d.facilities))}

    # ------------------------------------------------------------------ paths
    def paths(self) -> Iterator[str]:
        """Every file of the site, as relative POSIX paths (pages first, then assets and downloads)."""
        yield "index.html"
        for section, _ in SECTIONS:
            yield section
        for kind in ENTITY_KINDS:
            for i in self.ids(kind):
                yield f"{kind}/{i}/index.html"
                yield f"{kind}/{i}/index.ttl"
        yield "404.html"
        yield "feed.xml"
        yield from self.asset_paths()
        yield from self._downloads.paths()

    def asset_paths(self) -> Iterator[str]:
        for p in sorted(STATIC.iterdir()):
            if p.is_file():
                yield "assets/" + p.name
        yield "assets/search-index.js"
        for v in VENDOR_FILES:
            yield "assets/vendor/" + v
        yield "assets/vendor/vis-network.min.js"
        yield "assets/vendor/view.js"

    def write(self, path: str, out) -> int:
        """Write one site file to the binary file ``out`` (the whole-graph dumps a piece at a time,
        never whole in memory); returns its size in bytes."""
        if path.startswith("downloads/") and path != "downloads/index.html":
            return self._downloads.write(path[len("downloads/"):], out)
        data = self.render(path)
        out.write(data)
        return len(data)

    def render(self, path: str) -> bytes:
        """The bytes of one site file; :class:`NotFound` for a path that is not in the site."""
        path = path.lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        parts = path.split("/")
        if any(p in ("", ".", "..") for p in parts) or "\\" in path:
            raise NotFound(f"no page {path!r}")
        if parts[0] == "assets":
            return self._asset("/".join(parts[1:]))
        if path == "feed.xml":
            from .news import feed

            return feed(self.data, self.base_url)
        if parts[0] == "downloads" and path != "downloads/index.html":
            return self._downloads.render(path)
        if len(parts) == 3 and parts[0] in ENTITY_KINDS and parts[2] in ("index.html", "index.ttl"):
            kind, ident, leaf = parts
            if ident not in self._ids[kind]:
                raise NotFound(f"no {kind} {ident!r}")
            if leaf == "index.ttl":
                return self._rdf.turtle(kind, ident)
            return getattr(self, f"_{kind}")(ident).encode("utf-8")
        pages = {"index.html": self._index, "404.html": self._404, "company/index.html": self._companies,
                 "deal/index.html": self._deals, "facility/index.html": self._facilities_list,
                 "map/index.html": self._map, "timeline/index.html": self._timeline, "new/index.html": self._new,
                 "graph/index.html": self._graph, "sources/index.html": self._sources,
                 "queries/index.html": self._queries, "downloads/index.html": self._downloads_page}
        if path not in pages:
            raise NotFound(f"no page {path!r}")
        return pages[path]().encode("utf-8")

    # ------------------------------------------------------------------ helpers
    def _asset(self, rel: str) -> bytes:
        if rel == "search-index.js":
            return ("window.CKG_SEARCH = " + json.dumps(D.search_index(self.data), ensure_ascii=False,
                                                        separators=(",", ":")) + ";\n").encode("utf-8")
        if rel == "vendor/vis-network.min.js":
            from ..page import vis_network_js

            return vis_network_js().encode("utf-8")
        if rel == "vendor/view.js":
            from ..page import TEMPLATES as VIEW_TEMPLATES

            return (VIEW_TEMPLATES / "view.js").read_bytes()
        if rel.startswith("vendor/"):
            v = rel[len("vendor/"):]
            if v in VENDOR_FILES:
                return (VENDOR / v).read_bytes()
        elif "/" not in rel and (STATIC / rel).is_file():
            return (STATIC / rel).read_bytes()
        raise NotFound(f"no asset {rel!r}")

    def _csp(self, *, map_tiles: bool = False) -> str:
        img = "img-src 'self' data:" + (" " + _origin(self.tiles) if map_tiles and self.tiles else "")
        return "; ".join(["default-src 'none'", "script-src 'self'", "style-src 'self'", img,
                          "font-src 'self'", "connect-src 'none'", "base-uri 'none'", "form-action 'none'"])

    def _page(self, template: str, path: str, title: str, **ctx: Any) -> str:
        depth = path.count("/")
        root = "../" * depth
        d = self.data
        canonical = self.base_url + path.removesuffix("index.html") if self.base_url else None
        return _environment().get_template(template).render(
            root=root, path=path, title=title, csp=self._csp(map_tiles=ctx.pop("map_tiles", False)),
            sections=SECTIONS, as_of=d.data_as_of, epoch=d.epoch, licence=D.LICENCE, licence_url=D.LICENCE_URL,
            epoch_credit=D.EPOCH_CREDIT, epoch_url=D.EPOCH_URL, version=__version__, canonical=canonical,
            ttl=ctx.pop("ttl", False), extra_css=ctx.pop("extra_css", []), scripts=ctx.pop("scripts", []),
            data=d, link=_Links(root, d), **ctx)

    # ------------------------------------------------------------------ pages
    def _index(self) -> str:
        return self._page("index.html.j2", "index.html", "AI compute deals", h=D.headline(self.data))

    def _404(self) -> str:
        return self._page("404.html.j2", "404.html", "Not found")

    def _companies(self) -> str:
        d = self.data
        rows = [{**c, "deals": len(d.deals_of.get(c["id"], []))} for c in d.companies.values()]
        return self._page("companies.html.j2", "company/index.html", "Companies", rows=rows)

    def _deals(self) -> str:
        d = self.data
        rows = [D.deal_row(d, x) for x in d.deals.values()]
        return self._page("deals.html.j2", "deal/index.html", "Deals", rows=rows)

    def _facilities_list(self) -> str:
        return self._page("facilities.html.j2", "facility/index.html", "Facilities",
                          rows=list(self.data.facilities.values()))

    def _company(self, cid: str) -> str:
        p = D.company_page(self.store, self.data, cid)
        link = _Links("../../", self.data)
        chart = charts.term_chart(p["bars"], lambda i: link.deal(i), label=lambda b: _bar_label(self.data, b, cid))
        view = D.graph_view(self.store, self.data, [cid], depth=1, max_nodes=60)
        return self._page("company.html.j2", f"company/{cid}/index.html", p["company"]["name"], p=p, chart=chart,
                          view_json=_json_block(view), ttl=True,
                          scripts=["assets/vendor/vis-network.min.js", "assets/vendor/view.js"])

    def _deal(self, did: str) -> str:
        p = D.deal_page(self.data, did)
        link = _Links("../../", self.data)
        chart = charts.term_chart(p["bars"], lambda i: link.deal(i), label=lambda b: "term")
        from .news import deal_history

        return self._page("deal.html.j2", f"deal/{did}/index.html", D.deal_title(self.data, p["deal"]), p=p,
                          chart=chart, ttl=True, history=deal_history(self.history, did))

    def _facility(self, fid: str) -> str:
        r = D.facility_page(self.store, self.data, fid)
        f = r["facility"]
        point = D.map_points(self.data, [fid]) if f["lat"] is not None else []
        return self._page("facility.html.j2", f"facility/{fid}/index.html", f["name"], r=r,
                          chart=charts.power_chart(r["timeline"]), ttl=True,
                          map_json=_json_block({"points": point, "tiles": self.tiles, "single": True}),
                          map_tiles=True, extra_css=_MAP_CSS if point else [],
                          scripts=_MAP_JS if point else [])

    def _map(self) -> str:
        points = D.map_points(self.data)
        return self._page("map.html.j2", "map/index.html", "Map of facilities", points=points,
                          map_json=_json_block({"points": points, "tiles": self.tiles, "single": False}),
                          map_tiles=True, extra_css=_MAP_CSS, scripts=_MAP_JS)

    def _timeline(self) -> str:
        t = D.timeline(self.data)
        months: dict[str, dict[str, int]] = {}
        for r in t["deals"]:
            if r["month"]:
                months.setdefault(r["month"], {}).setdefault(r["kind"], 0)
                months[r["month"]][r["kind"]] += 1
        return self._page("timeline.html.j2", "timeline/index.html", "Deals over time", t=t,
                          months=sorted(months.items()), timeline_json=_json_block(t),
                          scripts=["assets/timeline.js"])

    def _new(self) -> str:
        from .news import MONTHS, event_rows, recent_events, window_of

        first, last = window_of(self.data.today)
        return self._page("new.html.j2", "new/index.html", "What's new", months=MONTHS, first=first, last=last,
                          events=event_rows(self.data, recent_events(self.data)))

    def _graph(self) -> str:
        view = D.graph_view(self.store, self.data, None, max_nodes=300)
        return self._page("graph.html.j2", "graph/index.html", "The graph of deals", view=view,
                          view_json=_json_block(view), terms_json=_json_block(D.deal_terms(self.data)),
                          scripts=["assets/graphstate.js", "assets/vendor/vis-network.min.js",
                                   "assets/vendor/view.js", "assets/graphlinks.js"])

    def _sources(self) -> str:
        return self._page("sources.html.j2", "sources/index.html", "Sources", sources=self.data.sources)

    def _queries(self) -> str:
        return self._page("queries.html.j2", "queries/index.html", "Named queries",
                          queries=self._named_queries)

    @cached_property
    def _named_queries(self) -> list[dict]:
        return D.named_queries(self.store)

    def _downloads_page(self) -> str:
        return self._page("downloads.html.j2", "downloads/index.html", "Downloads",
                          files=self._downloads.listing())


_MAP_CSS = ["assets/vendor/leaflet/leaflet.css", "assets/vendor/markercluster/MarkerCluster.css",
            "assets/vendor/markercluster/MarkerCluster.Default.css"]
_MAP_JS = ["assets/vendor/leaflet/leaflet.js", "assets/vendor/markercluster/leaflet.markercluster.js",
           "assets/vendor/topojson-client/topojson-client.min.js", "assets/vendor/world-atlas/countries-110m.js",
           "assets/map.js"]


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    u = urlsplit(url.replace("{s}", "a"))
    host = u.netloc
    if "{" in url.split("//", 1)[-1].split("/", 1)[0]:  # {s}.tile.example: any subdomain
        host = "*." + host.split(".", 1)[1]
    return f"{u.scheme}://{host}"


def _bar_label(data: D.SiteData, b: dict, cid: str) -> str:
    d = data.deals[b["id"]]
    others = [data.company_name(p, d["parties"]) for p in d["parties"] if p != cid]
    return (", ".join(others) or b["id"]) + " · " + b["kind"].replace("_", " ")


class _Links:
    """Relative links from one page: ``link.company(id)``, ``link.to('map/index.html')``."""

    def __init__(self, root: str, data: D.SiteData):
        self.root = root
        self._data = data

    def to(self, path: str) -> str:
        return self.root + path

    def company(self, cid: str) -> str | None:
        return f"{self.root}company/{cid}/index.html" if cid in self._data.companies and D.SAFE_ID.match(cid) else None

    def deal(self, did: str) -> str | None:
        return f"{self.root}deal/{did}/index.html" if did in self._data.deals and D.SAFE_ID.match(did) else None

    def facility(self, fid: str) -> str | None:
        return (f"{self.root}facility/{fid}/index.html"
                if fid in self._data.facilities and D.SAFE_ID.match(fid) else None)

    def iri(self, kind: str, ident: str) -> str:
        return f"{ID_NS}{kind}/{ident}"


def safe_href(url: str | None) -> str | None:
    """An outside link only for http(s) addresses (never ``javascript:``)."""
    import re

    return url if url and re.match(r"^https?://[^\s<>\"]+$", url, re.IGNORECASE) else None
