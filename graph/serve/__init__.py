"""``computekg serve``: the site and a read-only SPARQL 1.1 endpoint, live from a store.

Modules: :mod:`~graph.serve.protocol` (requests to jobs, what is refused),
:mod:`~graph.serve.safety` (SERVICE and update detection), :mod:`~graph.serve.engine` (worker
processes with a deadline), :mod:`~graph.serve.results` (result formats and negotiation),
:mod:`~graph.serve.pages` (the site's files, safely), :mod:`~graph.serve.app` (the Starlette
application). uvicorn and Starlette are imported only here, when a server starts.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any, Callable

from ..errors import StoreError
from .limits import Limits

TEMPLATES = Path(__file__).resolve().parent / "templates"


def store_folder(store: Any) -> str:
    """The folder the workers open read-only; the server needs a store on disk."""
    path = getattr(store, "path", None)
    if getattr(store, "name", "") == "sparql" or path is None:
        raise StoreError("`computekg serve` serves a store folder or the bundled records, not a remote endpoint",
                         "query the endpoint directly, or serve a folder filled with `computekg --store DIR load`")
    return str(path)


def _env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                       trim_blocks=True, lstrip_blocks=True)


def named_catalogue() -> dict:
    from ..query import user_queries

    return {q.name: q for q in user_queries()}


def query_page(named: dict, limits: Limits) -> bytes:
    """The query page: editor, the ontology's prefixes, the named queries as examples."""
    from ..vocab import PREFIXES
    from .protocol import declared_params

    queries = [{"name": q.name, "summary": q.summary, "text": q.text,
                "params": [{"name": p.name, "optional": p.optional, "date": p.date, "description": p.description}
                           for p in declared_params(q.params)]}
               for q in named.values()]
    data = {"prefixes": PREFIXES, "queries": queries, "max_rows": limits.max_rows, "timeout": limits.timeout}
    html = _env().get_template("query.html.j2").render(data=data, prefixes=PREFIXES, queries=queries, limits=limits)
    return html.encode("utf-8")


def index_page(named: dict) -> bytes:
    """The front page when no site is built: what the server offers."""
    return _env().get_template("index.html.j2").render(queries=list(named.values())).encode("utf-8")


def site_source(store: Any, progress: Callable[[str], None]):
    """The site's pages (``computekg site``'s builder), rendered on request and kept; None when
    this installation has no site builder."""
    try:
        from ..site.pages import Site, content_type
    except ImportError:
        return None
    from .pages import RenderedSource

    progress("reading the store for the site")
    site = Site(store)
    return RenderedSource(site.paths(), site.render, content_type)


def bind(host: str, port: int) -> socket.socket:
    from ..errors import BadValue

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP, so that asyncio sets TCP_NODELAY on accepted connections (it checks the
    # protocol number); without it, kept-alive clients wait 40 ms (delayed ACK) for every response.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise BadValue(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                       "choose another --port, or stop the program using it") from None
    sock.listen(1024)
    return sock


def run(store: Any, *, host: str = "127.0.0.1", port: int = 8080, limits: Limits = Limits(),
        announce: Callable[[str], None] = lambda _: None, progress: Callable[[str], None] = lambda _: None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    import uvicorn

    from .app import make_app
    from .engine import Pool
    from .pages import Page, Sources, fixed

    location = store_folder(store)
    sock = bind(host, port)
    pool = Pool(location, size=limits.workers, timeout=limits.timeout)
    try:
        named = named_catalogue()
        site = site_source(store, progress)
        fallback = fixed({"/": Page("text/html; charset=utf-8", body=index_page(named))})
        pages = Sources(site, fallback) if site is not None else fallback
        progress(f"starting {limits.workers} query worker(s)")
        try:
            pool.start()
        except RuntimeError as exc:
            raise StoreError(f"cannot start the query workers: {exc}") from None
        app = make_app(pool, pages, limits=limits, query_page=query_page(named, limits), named=named)
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                                limit_concurrency=limits.max_connections, timeout_keep_alive=5,
                                server_header=False)
        server = uvicorn.Server(config)
        shown = f"[{host}]" if ":" in host else host
        actual = sock.getsockname()[1]
        announce(f"serving http://{shown}:{actual}/ (SPARQL endpoint http://{shown}:{actual}/sparql, "
                 f"query page /query); Ctrl-C stops")
        server.run(sockets=[sock])
    finally:
        pool.close()
        sock.close()
