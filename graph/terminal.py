"""Output for a person at a terminal: tables fitted to the window, colour, a pager.

Only when stdout is a terminal: pipes, files and ``--format csv|json|jsonl`` get whole values,
no colour and no pager, exactly as before. The width is ``shutil.get_terminal_size()``, which
honours ``COLUMNS``; colour is off with ``NO_COLOR`` (any value) or ``--no-color``; long output
goes through ``$PAGER`` (``less -FRX`` by default, as git does) unless ``--no-pager``.

Tables are fitted like ``kubectl`` and ``gh`` fit theirs: every column gets at least a few
characters, columns are dropped lowest priority first when even that is too wide, the room left
goes to the columns in priority order, and a cell longer than its column is cut with an
ellipsis. Lines are never wrapped and never longer than the width (colour codes not counted).
Standard library only: the lookup path stays light.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

ELLIPSIS = "…"
SEP = "  "
MIN_WIDTH = 6
KEEP_PRIORITY = 7  # columns of a lower priority number are cut rather than dropped for room
ANSI = re.compile(r"\x1b\[[0-9;]*m")
COLOURS = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35",
           "cyan": "36", "grey": "90"}
# What is coloured: roles, statuses, disputed figures.
ROLE_COLOURS = {"provider": "blue", "customer": "green", "member": "magenta", "guarantor": "cyan",
                "end_user": "cyan", "owner": "blue", "user": "green"}
STATUS_COLOURS = {"active": "green", "signed": "green", "completed": "grey", "announced": "cyan",
                  "letter_of_intent": "cyan", "reported": "yellow", "terminated": "red", "superseded": "grey",
                  "operational": "green", "planned": "cyan", "under_construction": "yellow"}


@dataclass
class Terminal:
    """How to write for whoever reads stdout (see the module doc)."""

    tty: bool = False
    width: int = 80
    height: int = 24
    colour: bool = False
    pager: str | None = None
    wide: bool = False
    columns: tuple[str, ...] | None = None

    @classmethod
    def detect(cls, *, no_color: bool = False, no_pager: bool = False, wide: bool = False,
               columns: Sequence[str] | None = None, stream=None) -> "Terminal":
        stream = stream or sys.stdout
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        size = shutil.get_terminal_size((80, 24))
        return cls(tty=tty, width=max(size.columns, 20), height=max(size.lines, 5),
                   colour=tty and not no_color and "NO_COLOR" not in os.environ,
                   pager=(os.environ.get("PAGER") or "less -FRX") if tty and not no_pager else None,
                   wide=wide, columns=tuple(columns) if columns else None)

    def paint(self, text: str, colour: str | None) -> str:
        """``text`` in a colour (``bold``, ``red``...) when colour is on."""
        if not self.colour or not colour or not text:
            return text
        return f"\x1b[{COLOURS[colour]}m{text}\x1b[0m"

    def cut(self, text: str, width: int | None = None) -> str:
        """One line, cut with an ellipsis to ``width`` (default: the terminal's)."""
        return cut(text, self.width if width is None else width)

    def emit(self, text: str) -> None:
        """Write ``text``; on a terminal, through the pager when it is longer than the window."""
        if self.pager and text.count("\n") >= self.height:
            if _page(text, self.pager):
                return
        sys.stdout.write(text)
        sys.stdout.flush()


def visible_len(text: str) -> int:
    return len(ANSI.sub("", text))


def cut(text: str, width: int) -> str:
    """``text`` on one line, at most ``width`` characters, an ellipsis marking a cut.

    >>> cut("Amazon Web Services", 10), cut("AWS", 10)
    ('Amazon We…', 'AWS')
    """
    text = re.sub(r"\s*\n\s*", " ", str(text))
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + ELLIPSIS if width > 0 else ""


def _page(text: str, command: str) -> bool:
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    try:
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)  # noqa: S602 - the user's $PAGER
    except OSError:
        return False
    try:
        assert proc.stdin is not None
        proc.stdin.write(text.encode("utf-8"))
        proc.stdin.close()
    except BrokenPipeError:  # the reader quit the pager early
        pass
    proc.wait()
    return True


# ---------------------------------------------------------------------------- fitting a table

@dataclass(frozen=True)
class Col:
    """A column of a person's table: ``name`` (the header), ``get`` (row -> text), ``priority``
    (lower is kept longer), ``min`` (narrowest it may be cut to), ``want`` (the width it is given
    first, room allowing), ``colour`` (text -> colour name)."""

    name: str
    get: Callable[[Any], str]
    priority: float = 50
    min: int = MIN_WIDTH
    colour: Callable[[str], str | None] | None = None
    want: int = 16  # the width it gets, if it needs it, before any column grows beyond its own


def choose(cols: Sequence[Col], names: Sequence[str] | None) -> list[Col]:
    """The columns named (in that order), or all; an unknown name is an error with did-you-mean."""
    if not names:
        return list(cols)
    by = {c.name: c for c in cols}
    out = []
    for n in names:
        if n not in by:
            from .errors import BadValue
            from .suggest import choice_hint

            raise BadValue(f"unknown column {n!r}", choice_hint(n, list(by)))
        out.append(by[n])
    return out


def fit_widths(headers: Sequence[str], natural: Sequence[int], priorities: Sequence[float], minimums: Sequence[int],
               width: int, wants: Sequence[int] | None = None) -> list[int | None]:
    """Column widths within ``width`` (None: the column is dropped).

    >>> fit_widths(["a", "b"], [10, 30], [1, 2], [6, 6], 80)
    [10, 30]
    >>> fit_widths(["a", "b"], [10, 30], [1, 2], [6, 6], 30)
    [10, 18]
    >>> fit_widths(["a", "b"], [40, 40], [1, 2], [6, 6], 42)
    [20, 20]
    >>> fit_widths(["a", "b", "c"], [10, 30, 20], [1, 3, 2], [6, 6, 6], 20)
    [9, None, 9]
    """
    n = len(headers)
    mins = [min(natural[i], max(minimums[i], min(len(headers[i]), 12))) for i in range(n)]
    keep = list(range(n))

    def need(cols, ws):
        return sum(ws[i] for i in cols) + len(SEP) * (len(cols) - 1)

    if need(keep, natural) <= width:
        return list(natural)
    by_drop = sorted(keep, key=lambda i: (-priorities[i], -i))
    while len(keep) > 1 and need(keep, mins) > width:
        keep.remove(by_drop.pop(0))
    if wants:  # then drop the least wanted columns (never the first few) while the rest lack their room
        soft = [min(natural[i], wants[i]) for i in range(n)]
        while need(keep, soft) > width:
            droppable = [i for i in by_drop if i in keep and priorities[i] >= KEEP_PRIORITY]
            if not droppable or len(keep) <= 1:
                break
            keep.remove(droppable[0])
    ws = {i: mins[i] for i in keep}
    room = width - need(keep, mins)
    order = sorted(keep, key=lambda i: (priorities[i], i))
    if wants:  # first each column's wanted width, in priority order
        for i in order:
            extra = max(min(min(natural[i], wants[i]) - ws[i], room), 0)
            ws[i] += extra
            room -= extra
    while room > 0:  # then the rest shared out evenly, one character at a time, to those still cut
        growing = [i for i in order if ws[i] < natural[i]]
        if not growing:
            break
        for i in growing[:room]:
            ws[i] += 1
            room -= 1
    if need(keep, ws) > width:  # one column left, still too wide
        ws[keep[0]] = max(width, 1)
    return [ws.get(i) for i in range(n)]


def table(rows: Iterable[Any], cols: Sequence[Col], term: Terminal) -> str:
    """A table for a person: fitted to ``term.width`` (unless ``term.wide``), coloured if on."""
    cols = choose(cols, term.columns)
    rows = list(rows)
    cells = [[" ".join(str(c.get(r) or "").split()) for c in cols] for r in rows]
    headers = [c.name for c in cols]
    natural = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    if term.wide:
        widths: list[int | None] = list(natural)
    else:
        widths = fit_widths(headers, natural, [c.priority for c in cols], [c.min for c in cols], term.width,
                            [c.want for c in cols])
    shown = [i for i, w in enumerate(widths) if w is not None]

    def line(values: Sequence[str], colours: Sequence[str | None] | None = None) -> str:
        parts = []
        for k, i in enumerate(shown):
            w = widths[i]
            text = cut(values[i], w)  # type: ignore[arg-type]
            pad = " " * (w - len(text))  # type: ignore[operator]
            parts.append(term.paint(text, colours[i] if colours else None) + pad)
        return SEP.join(parts).rstrip()

    out = [line(headers, ["bold"] * len(headers)), SEP.join("-" * widths[i] for i in shown)]  # type: ignore[operator]
    for row in cells:
        out.append(line(row, [c.colour(row[i]) if c.colour else None for i, c in enumerate(cols)]))
    return "\n".join(out) + "\n"


def role_colour(text: str) -> str | None:
    return ROLE_COLOURS.get(re.split(r"[+ (]", text, maxsplit=1)[0]) if text else None


def status_colour(text: str) -> str | None:
    return STATUS_COLOURS.get(text)


def disputed_colour(text: str) -> str | None:
    return "yellow" if "disputed" in text else None
