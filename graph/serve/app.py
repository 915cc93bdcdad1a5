"""The web application (Starlette, served by uvicorn): ``/sparql``, the query page, the site.

Routes:

- ``/sparql``: the SPARQL 1.1 Protocol (GET, POST form-encoded, POST ``application/sparql-query``),
  see :mod:`graph.serve.protocol`; without a query, a browser gets the query page;
- ``/update``: always 403 (the endpoint is read-only);
- ``/query``: the query page (editor, prefixes, named queries as examples, results as a table);
- ``/-/static/...``: the query page's script, style and the vendored editor;
- anything else: the site's pages (a :data:`~graph.serve.pages.PageSource`), GET and HEAD only.

Every response carries the security headers; pages the server writes itself carry a strict
Content-Security-Policy (no inline code), a site page the policy it declares in its own
``<meta>`` tag. CORS headers only with ``Limits.cors``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from .engine import Pool
from .limits import CSP, SECURITY_HEADERS, Limits
from .pages import DirectorySource, Page, PageSource, Redirect
from .protocol import READ_ONLY, Refused, job_from

STATIC_DIR = Path(__file__).resolve().parent / "static"
TEXT = "text/plain; charset=utf-8"


class SecurityHeaders:
    """ASGI middleware: the security headers on every response (a response may set its own CSP)."""

    def __init__(self, app: Any, *, cors: bool):
        self.app = app
        self.cors = cors

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                from starlette.datastructures import MutableHeaders

                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
                headers.setdefault("content-security-policy", CSP)
                if not self.cors:
                    headers.setdefault("cross-origin-resource-policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def make_app(pool: Pool, pages: PageSource, *, limits: Limits, query_page: bytes, named: dict) -> Any:
    """The ASGI application over a started worker pool and a page source."""
    import anyio
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import FileResponse, RedirectResponse, Response
    from starlette.routing import Route

    static = DirectorySource(STATIC_DIR)

    def text(status: int, message: str, **headers: str) -> Response:
        return Response((message.rstrip() + "\n").encode("utf-8"), status, media_type=TEXT, headers=headers or None)

    def cors_headers() -> dict[str, str]:
        return {"access-control-allow-origin": "*"} if limits.cors else {}

    def html_page(body: bytes) -> Response:
        return Response(body, 200, media_type="text/html; charset=utf-8", headers={"cache-control": "no-cache"})

    def wants_html(request: Request) -> bool:
        accept = request.headers.get("accept", "")
        return "text/html" in accept

    async def read_body(request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None:
            try:
                n = int(declared)
            except ValueError:
                raise Refused(400, "the Content-Length header is not a number") from None
            if n > limits.max_body_bytes:
                raise Refused(413, f"the request body is {n:,} bytes, more than the server's limit of "
                                   f"{limits.max_body_bytes:,}")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limits.max_body_bytes:
                raise Refused(413, f"the request body is more than the server's limit of {limits.max_body_bytes:,} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def decode_params(raw: str) -> list[tuple[str, str]]:
        try:
            return parse_qsl(raw, keep_blank_values=True, errors="strict", max_num_fields=1000)
        except UnicodeDecodeError:
            raise Refused(400, "the parameters are not valid UTF-8") from None
        except ValueError:
            raise Refused(400, "too many parameters") from None

    async def sparql(request: Request) -> Response:
        if request.method == "OPTIONS":
            headers = {"allow": "GET, POST, OPTIONS"}
            if limits.cors:
                headers.update({"access-control-allow-origin": "*", "access-control-allow-methods": "GET, POST",
                                "access-control-allow-headers": "Content-Type, Accept",
                                "access-control-max-age": "600"})
            return Response(b"", 204, headers=headers)
        try:
            raw_query = request.url.query
            if len(raw_query) > 3 * limits.max_query_bytes + 4096:
                raise Refused(414, "the request URL is too long; send the query with POST")
            params = decode_params(raw_query)
            body_query = None
            if request.method == "POST":
                ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
                if ctype == "application/sparql-update":
                    raise Refused(403, f"updates are not accepted: {READ_ONLY}")
                body = await read_body(request)
                if ctype == "application/x-www-form-urlencoded":
                    try:
                        params += decode_params(body.decode("utf-8"))
                    except UnicodeDecodeError:
                        raise Refused(400, "the form body is not valid UTF-8") from None
                elif ctype == "application/sparql-query":
                    try:
                        body_query = body.decode("utf-8")
                    except UnicodeDecodeError:
                        raise Refused(400, "the query is not valid UTF-8") from None
                else:
                    raise Refused(415, "send the query as application/sparql-query or "
                                       "application/x-www-form-urlencoded (query=...)")
            job = job_from(params, body_query=body_query, accept=request.headers.get("accept", "*/*"),
                           limits=limits, named=named)
        except Refused as r:
            return text(r.status, r.message, **cors_headers())
        if job is None:
            if request.method == "GET" and wants_html(request):
                return html_page(query_page)
            return text(400, "no query: give query=SPARQL (SPARQL 1.1 Protocol) or name=NAMED-QUERY; "
                             "the query page is at /query", **cors_headers())
        outcome = await pool.run_async(job)
        headers = {"vary": "Accept", "cache-control": "no-store", **cors_headers()}
        return Response(outcome.body, outcome.status, media_type=outcome.media_type, headers=headers)

    async def update(request: Request) -> Response:
        return text(403, f"updates are not accepted: {READ_ONLY}")

    async def query_page_route(request: Request) -> Response:
        return html_page(query_page)

    def respond(found, request: Request) -> Response:
        if found is None:
            return text(404, "not found")
        if isinstance(found, Redirect):
            q = request.url.query
            return RedirectResponse(found.location + (f"?{q}" if q else ""), status_code=301)
        assert isinstance(found, Page)
        headers = {"content-security-policy": found.csp + "; frame-ancestors 'none'"} if found.csp else {}
        if found.body is not None:
            return Response(found.body, 200, media_type=found.media_type, headers=headers or None)
        return FileResponse(found.path, media_type=found.media_type, headers=headers or None)

    def raw_path(request: Request) -> str:
        raw = request.scope.get("raw_path") or b""
        return raw.decode("latin-1").split("?", 1)[0]

    async def static_route(request: Request) -> Response:
        sub = request.path_params["path"]
        raw = raw_path(request)
        raw_sub = raw.split("/-/static/", 1)[1] if "/-/static/" in raw else sub
        return respond(static("/" + sub, "/" + raw_sub), request)

    async def page(request: Request) -> Response:
        # a site page may be rendered on first request: off the event loop
        found = await anyio.to_thread.run_sync(pages, request.url.path, raw_path(request))
        return respond(found, request)

    routes = [
        Route("/sparql", sparql, methods=["GET", "POST", "OPTIONS"]),
        Route("/update", update, methods=["GET", "POST"]),
        Route("/query", query_page_route, methods=["GET"]),
        Route("/-/static/{path:path}", static_route, methods=["GET"]),
        Route("/{path:path}", page, methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    return SecurityHeaders(app, cors=limits.cors)
