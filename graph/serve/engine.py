"""Running queries with a deadline: a pool of worker processes, each holding the store open
read-only.

A pyoxigraph query cannot be interrupted from Python, and a thread cannot be killed, so each
query runs in a worker process (``python -m graph.serve.worker``) that the pool kills when the
query outlives the time limit; a fresh worker takes its place. Workers write the response body
themselves (:mod:`graph.serve.results`), so only the query goes in and only bytes come out.

:meth:`Pool.run` blocks; the web layer calls it from a thread. Requests beyond the number of
workers wait for one to be free, for at most the time limit.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any


@dataclass(frozen=True)
class Job:
    """One query for a worker. ``bindings`` are variable -> text, bound as literals."""

    text: str
    accept: str = "*/*"
    format: str | None = None
    union: bool = False
    default_graph: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    bindings: dict[str, str] = field(default_factory=dict)
    max_rows: int = 100_000


@dataclass(frozen=True)
class Outcome:
    status: int
    media_type: str
    body: bytes
    rows: int | None = None

    @classmethod
    def error(cls, status: int, message: str) -> "Outcome":
        return cls(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


class Worker:
    """One worker process and the two pipes to it."""

    def __init__(self, location: str):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "graph.serve.worker", location, str(to_child_r), str(from_child_w)],
            pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env)
        os.close(to_child_r)
        os.close(from_child_w)
        self.send = Connection(to_child_w, readable=False)
        self.recv = Connection(from_child_r, writable=False)

    def ready(self, timeout: float) -> None:
        if not self.recv.poll(timeout):
            self.kill()
            raise RuntimeError("a query worker did not start in time")
        status, message = self.recv.recv()
        if status != "ready":
            self.kill()
            raise RuntimeError(message)

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:  # pragma: no cover - already gone
            pass
        self.proc.wait()
        for conn in (self.send, self.recv):
            try:
                conn.close()
            except OSError:  # pragma: no cover
                pass


class Pool:
    """``size`` workers over the store at ``location``; a query gets ``timeout`` seconds."""

    def __init__(self, location: str, *, size: int = 2, timeout: float = 10.0, start_timeout: float = 60.0):
        self.location = location
        self.size = size
        self.timeout = timeout
        self.start_timeout = start_timeout
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0  # workers killed for running over the time limit

    def start(self) -> None:
        workers = [self._spawn() for _ in range(self.size)]
        for w in workers:
            w.ready(self.start_timeout)
            self._idle.put(w)

    def _spawn(self) -> Worker:
        w = Worker(self.location)
        with self._lock:
            self._all.add(w)
        return w

    def _replace(self, dead: Worker) -> None:
        dead.kill()
        with self._lock:
            self._all.discard(dead)
            if self._closed:
                return

        def start() -> None:
            try:
                w = self._spawn()
                w.ready(self.start_timeout)
            except (RuntimeError, OSError):  # pragma: no cover - e.g. the store folder vanished
                return
            if self._closed:
                w.kill()
            else:
                self._idle.put(w)

        threading.Thread(target=start, daemon=True, name="computekg-respawn").start()

    def run(self, job: Job) -> Outcome:
        started = time.monotonic()
        try:
            w = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return self._busy()
        remaining = max(0.001, self.timeout - (time.monotonic() - started))
        try:
            w.send.send(job)
            if not w.recv.poll(remaining):
                self.killed += 1
                self._replace(w)
                return self._over_time()
            status, media_type, body, rows = w.recv.recv()
        except (EOFError, OSError):
            self._replace(w)
            return Outcome.error(500, "internal error: the query worker stopped; the query was not answered")
        self._idle.put(w)
        return Outcome(status, media_type, body, rows)

    def _busy(self) -> Outcome:
        return Outcome.error(503, f"the server is busy: no query worker was free within {self.timeout:g} s; "
                                  "try again later")

    def _over_time(self) -> Outcome:
        return Outcome.error(503, f"the query ran longer than the {self.timeout:g} s time limit and was stopped; "
                                  "make it more selective (or start the server with a larger --timeout)")

    async def run_async(self, job: Job) -> Outcome:
        """:meth:`run` for an event loop: waits on the worker's pipe without a thread."""
        import asyncio

        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            w = self._idle.get_nowait()
        except queue.Empty:
            def wait() -> Worker | None:
                try:
                    return self._idle.get(timeout=self.timeout)
                except queue.Empty:
                    return None

            w = await loop.run_in_executor(None, wait)
            if w is None:
                return self._busy()
        remaining = max(0.001, self.timeout - (loop.time() - started))
        fd = w.recv.fileno()
        try:
            w.send.send(job)
            ready = loop.create_future()
            loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
            try:
                await asyncio.wait_for(ready, remaining)
            finally:
                loop.remove_reader(fd)
            # uvloop makes a watched fd non-blocking; the rest of a long answer is still coming
            os.set_blocking(fd, True)
            status, media_type, body, rows = w.recv.recv()
        except asyncio.TimeoutError:
            self.killed += 1
            self._replace(w)
            return self._over_time()
        except asyncio.CancelledError:  # the client went away: the worker's answer would be stale
            self._replace(w)
            raise
        except (EOFError, OSError):
            self._replace(w)
            return Outcome.error(500, "internal error: the query worker stopped; the query was not answered")
        self._idle.put(w)
        return Outcome(status, media_type, body, rows)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.kill()


def run_job(store: Any, job: Job) -> tuple[int, str, bytes, int | None]:
    """Answer one job on a pyoxigraph store: (HTTP status, media type, body, rows)."""
    import pyoxigraph as ox

    from ..store import _syntax_message
    from ..vocab import PREFIXES
    from . import results
    from .safety import update_keyword

    kwargs: dict[str, Any] = {"prefixes": dict(PREFIXES)}
    if job.default_graph:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graph]
    elif job.union:
        kwargs["use_default_graph_as_union"] = True
    else:  # the default graph holds the records: those of every data source's named graph
        from ..vocab import SOURCE_GRAPH_PREFIX

        sources = sorted((g for g in store.named_graphs() if g.value.startswith(SOURCE_GRAPH_PREFIX)), key=str)
        if sources:
            kwargs["default_graph"] = [ox.DefaultGraph(), *sources]
    if job.named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    if job.bindings:
        kwargs["substitutions"] = {ox.Variable(k): ox.Literal(v) for k, v in job.bindings.items()}
    try:
        res = store.query(job.text, **kwargs)
        kind = "graph" if isinstance(res, ox.QueryTriples) else "solutions"
        fmt = results.choose(job.accept, kind, name=job.format)
        if fmt is None:
            wanted = f"format={job.format!r}" if job.format else f"Accept: {job.accept}"
            return _text(406, f"cannot answer {wanted} for this query; it can give "
                              + ", ".join(results.media_types(kind)))
        if isinstance(res, ox.QueryBoolean):
            return 200, fmt.media_type, results.write_boolean(bool(res), fmt.name), None
        if kind == "graph":
            body = results.write_graph(res, fmt.name, job.max_rows, dict(PREFIXES))
            return 200, fmt.media_type, body, None
        variables = [v.value for v in res.variables]
        body = results.SOLUTION_WRITERS[fmt.name](variables, res, job.max_rows)
        return 200, fmt.media_type, body, None
    except SyntaxError as exc:
        keyword = update_keyword(job.text)
        if keyword:
            return _text(403, f"updates are not accepted ({keyword}): this endpoint is read-only; "
                              "change the data with `computekg load`")
        return _text(400, f"malformed SPARQL: {_syntax_message(exc)}")
    except results.TooManyRows as exc:
        return _text(400, f"the result has more than {exc.cap:,} rows, the server's limit; add a LIMIT "
                          "(or start the server with a larger --max-rows)")
    except (OSError, RuntimeError, ValueError) as exc:
        return _text(400, f"the query failed: {exc}")


def _text(status: int, message: str) -> tuple[int, str, bytes, None]:
    return status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), None
