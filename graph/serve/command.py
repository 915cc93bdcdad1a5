"""The ``computekg serve`` command (registered by ``graph/cli.py``). Only click at import time:
the web server is imported when the command runs."""

from __future__ import annotations

import sys

import click

from .limits import Limits

_D = Limits()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default answers this machine only; 0.0.0.0 publishes the server.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port to listen on (0: any free port; the address is printed).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=_D.timeout, show_default=True, metavar="SECONDS",
              help="Stop a query after this long (its worker process is killed; the client gets 503).")
@click.option("--max-rows", "max_rows", type=click.IntRange(min=1), default=_D.max_rows, show_default=True,
              help="Refuse results with more rows or triples than this (400: add a LIMIT).")
@click.option("--max-query-bytes", "max_query_bytes", type=click.IntRange(min=64), default=_D.max_query_bytes,
              show_default=True, help="Refuse longer SPARQL texts (413).")
@click.option("--max-body-bytes", "max_body_bytes", type=click.IntRange(min=64), default=_D.max_body_bytes,
              show_default=True, help="Refuse larger POST bodies (413).")
@click.option("--workers", type=click.IntRange(1, 64), default=_D.workers, show_default=True,
              help="Query worker processes: how many queries run at the same time.")
@click.option("--cors", is_flag=True, help="Let pages from any origin query /sparql (Access-Control-Allow-Origin: *).")
@click.pass_obj
def serve(state, host: str, port: int, timeout: float, max_rows: int, max_query_bytes: int, max_body_bytes: int,
          workers: int, cors: bool) -> None:
    """Serve the site and a read-only SPARQL 1.1 endpoint from the store.

    /sparql speaks the SPARQL 1.1 Protocol (GET and POST; results by Accept: SPARQL JSON, XML,
    CSV, TSV; Turtle, N-Triples, JSON-LD for CONSTRUCT and DESCRIBE); /sparql?name=NAME runs a
    named query, its parameters given as NAME=VALUE; /query is a query page with an editor.
    Updates and SERVICE are refused; queries have a time limit and a row limit. Ctrl-C stops.

    \b
    Examples:
      computekg serve
      computekg --store ./store serve --port 9000 --timeout 30
      curl -H 'Accept: text/csv' 'http://127.0.0.1:8080/sparql?name=leases'
    """
    from . import run

    limits = Limits(timeout=timeout, max_rows=max_rows, max_query_bytes=max_query_bytes,
                    max_body_bytes=max_body_bytes, workers=workers, cors=cors)

    def announce(message: str) -> None:
        click.echo(message, err=True)
        sys.stderr.flush()

    run(state.store(), host=host, port=port, limits=limits, announce=announce, progress=state.progress)
