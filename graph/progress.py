"""Progress of long steps: messages that count, for a progress bar on a terminal.

A step reports through a plain ``progress(message)`` callable (:data:`graph.build.Progress`); a
:class:`Step` is such a message that also says how far the step is (``done`` of ``total``), so
the CLI can draw click's progress bar when stderr is a terminal, and print nothing on a pipe.
"""

from __future__ import annotations

import time
from typing import Callable


class Step(str):
    """``label: done/total unit``, with those parts as attributes."""

    label: str
    done: int
    total: int

    def __new__(cls, label: str, done: int, total: int, unit: str = "records") -> "Step":
        s = super().__new__(cls, f"{label}: {done:,}/{total:,} {unit}")
        s.label, s.done, s.total = label, done, total
        return s


def counter(progress: Callable[[str], None], label: str, total: int, *, unit: str = "records",
            every: float = 0.2) -> Callable[[], None]:
    """A function to call once per unit done: it sends ``progress`` a :class:`Step` at most every
    ``every`` seconds, and always the last one."""
    state = {"done": 0, "at": time.monotonic()}

    def tick() -> None:
        state["done"] += 1
        now = time.monotonic()
        if state["done"] >= total or now - state["at"] >= every:
            state["at"] = now
            progress(Step(label, state["done"], total, unit))

    return tick
