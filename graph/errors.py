"""Typed exceptions and the validation problem record.

Every layer may import it; it imports only the leaf ``suggest`` (for "did you mean").
Only the CLI turns these into messages and exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from .suggest import did_you_mean


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows."""

    file: str
    line: int
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where]
        if self.record:
            parts.append(self.record)
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


class ComputeKGError(Exception):
    """Base class of every error a user can cause."""

    hint: str = ""


class ValidationFailed(ComputeKGError):
    """Records did not validate; nothing was loaded."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = sorted(problems)
        n = len(self.problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} found; nothing was loaded")
        self.hint = "fix the problems listed above, then run the command again"


class UnknownName(ComputeKGError):
    """A company, facility or deal name matched nothing."""

    def __init__(self, what: str, name: str, suggestions: Sequence[str] = ()):
        self.what, self.name, self.suggestions = what, name, list(suggestions)
        super().__init__(f"no {what} named {name!r}" + did_you_mean(self.suggestions[:3]))
        self.hint = {"company": "list the known names with `computekg companies`", "facility": "list the known names with `computekg facilities`", "query": "list the named queries with `computekg query --list`", "deal": "list the deal ids with `computekg deals`"}.get(what, "")


class AmbiguousPlace(UnknownName):
    """A place name (a city) where several facilities stand: each is named, so the user can pick one."""

    def __init__(self, place: str, facilities: Sequence[tuple[str, str]]):
        ComputeKGError.__init__(self, f"{place!r} is a place with {len(facilities)} facilities: "
                                + "; ".join(f"{fid} ({name})" for fid, name in facilities))
        self.what, self.name, self.suggestions = "facility", place, [fid for fid, _ in facilities]
        self.hint = f"name one of them, e.g. `computekg facility {facilities[0][0]}`"


class BadValue(ComputeKGError):
    """An option value (a date, a number, a kind) is malformed."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


class QueryError(ComputeKGError):
    """A SPARQL query is malformed or failed to run."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


class ShapeError(ComputeKGError):
    """The SHACL shapes use a construct the SPARQL compiler (graph/shapes_sparql.py) does not support."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.hint = "support it in graph/shapes_sparql.py (and its tests), or write the shape with what it supports"


class StoreError(ComputeKGError):
    """A store could not be opened, read or written."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


@dataclass
class Report:
    """What a validation found: problems (errors) and notes (warnings, e.g. unmapped names)."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems
