"""The server's options and limits, with their defaults (one place; the CLI shows them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0              # seconds a query may run (then its worker is killed: 503)
    max_rows: int = 100_000            # rows (or triples) in one result (more: 400, add a LIMIT)
    max_query_bytes: int = 64 * 1024   # the SPARQL text, however it is sent (more: 413 / 414)
    max_body_bytes: int = 1024 * 1024  # a POST body (more: 413)
    workers: int = 2                   # query worker processes (queries run in parallel)
    cors: bool = False                 # send Access-Control-Allow-Origin: * on /sparql
    max_connections: int = 256         # open connections and requests (more: 503 from the server)


# One strict policy for every page the server writes itself: scripts and styles only from the
# server's own files (no inline code, no eval), requests only back to the server.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
