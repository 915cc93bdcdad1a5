"""A query worker process: ``python -m graph.serve.worker STORE_DIR READ_FD WRITE_FD``.

Started and killed by :class:`graph.serve.engine.Pool`. It opens the store folder read-only,
says it is ready, then answers one :class:`~graph.serve.engine.Job` at a time.
"""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection


def main(argv: list[str]) -> int:
    location, read_fd, write_fd = argv[0], int(argv[1]), int(argv[2])
    inbox = Connection(read_fd, writable=False)
    outbox = Connection(write_fd, readable=False)
    try:
        import pyoxigraph as ox

        store = ox.Store.read_only(location)
    except (OSError, ValueError) as exc:
        outbox.send(("error", f"cannot open the store {location}: {exc}"))
        return 1
    from .engine import run_job

    outbox.send(("ready", ""))
    while True:
        try:
            job = inbox.recv()
        except (EOFError, OSError):
            return 0
        outbox.send(run_job(store, job))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
