"""Kinds of field value: how each is checked, what a user reads when it is wrong, and how JSON
Schema and the field reference describe it.

A kind is a :class:`Kind` placed in an ``Annotated`` type (``Annotated[str, TEXT]``); pydantic
runs its check and asks it for its JSON Schema. A check raises :func:`bad` with the whole message
(``must be a number, got 'lots'``), so the message a contributor sees is written here, once.
A check that receives ``None`` is checking a required field that is missing or null: optional
fields are ``X | None`` and never reach it.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable, Iterable

from pydantic_core import PydanticCustomError, core_schema

from ..dates import PartialDate
from ..suggest import close, did_you_mean
from ..vocab import is_slug

MISSING = "required field is missing"


def bad(message: str) -> PydanticCustomError:
    """The error a check raises; ``message`` is shown as it is (after file:line: record: field:)."""
    return PydanticCustomError("computekg", "{message}", {"message": message})


class Kind:
    """One kind of value: ``check`` (value -> clean value, or raise :func:`bad`), its JSON Schema,
    and ``label``, the words the field reference in data/README.md uses for it."""

    def __init__(self, check: Callable[[Any], Any], schema: dict, label: str):
        self.check, self.schema, self.label = check, schema, label

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict:
        return dict(self.schema)

    def __repr__(self) -> str:
        return f"Kind({self.label!r})"


# ---------------------------------------------------------------------------- text

_TEXT_SCHEMA = {"type": ["string", "number"]}


def _text(value: Any, required: bool) -> str | None:
    if value is None:
        raise bad(MISSING)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise bad(f"must be text, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        if required:
            raise bad("must not be empty")
        return None
    return text


def text(label: str = "text", *, required: bool = False) -> Kind:
    """Text (a number is read as text); surrounding spaces are dropped. An optional field left
    empty counts as absent; a required one must not be empty."""
    schema = dict(_TEXT_SCHEMA, pattern=r"\S") if required else dict(_TEXT_SCHEMA)
    return Kind(lambda v: _text(v, required), schema, label)


def _names(value: Any, label: str = "list of names") -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if not isinstance(value, list) or not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in value):
        raise bad(f"must be a {label}")
    return [str(x).strip() for x in value if str(x).strip()]


def names(label: str = "list of names") -> Kind:
    """A list of names (one name alone may be written without the brackets)."""
    item = {"type": ["string", "integer"]}
    return Kind(lambda v: _names(v, label), {"anyOf": [{"type": "string"}, {"type": "array", "items": item}]}, label)


def one_of(table: Iterable[str], *, label: str = "", required: bool = False) -> Kind:
    """One value from a closed list (a vocabulary table); a near miss gets "Did you mean". Empty
    text counts as absent in an optional field (as for :func:`text`)."""
    allowed = list(table)

    def check(value: Any) -> str | None:
        if value is None:
            raise bad(MISSING)
        word = value.strip() if isinstance(value, str) else value
        if word == "":
            if required:
                raise bad("must not be empty")
            return None
        if word not in allowed:
            hint = did_you_mean(close(str(word), allowed)) if isinstance(word, (str, int, float)) else ""
            raise bad(f"{word!r} is not one of: {' | '.join(allowed)}{hint}")
        return word

    return Kind(check, {"type": "string", "enum": allowed}, label or " | ".join(f"`{a}`" for a in allowed))


def pattern(regex: str, message: str, label: str, *, strip: bool = True, required: bool = False) -> Kind:
    """Text matching ``regex``; anything else gets ``message, got <value>``. Empty text counts as
    absent in an optional field and must not be given in a required one (as for :func:`text`)."""
    rx = re.compile(regex)

    def check(value: Any) -> str | None:
        if value is None:
            raise bad(MISSING)
        word = value.strip() if isinstance(value, str) and strip else value
        if word == "":
            if required:
                raise bad("must not be empty")
            return None
        if not isinstance(word, str) or not rx.match(word):
            raise bad(f"{message}, got {word!r}")
        return word

    return Kind(check, {"type": "string", "pattern": regex}, label)


def _slug(value: Any) -> str:
    if value is None:
        raise bad(MISSING)
    if not isinstance(value, str) or not is_slug(value):
        raise bad(f"must be a lowercase slug (a-z, 0-9 and -), got {value!r}")
    return value


SLUG = Kind(_slug, {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}, "lowercase slug (a-z, 0-9, -)")


# ---------------------------------------------------------------------------- numbers, dates, indexes

def number(*, minimum: float | None = 0.0, maximum: float | None = None, unit: str = "",
           label: str = "number") -> Kind:
    """A finite number, not below ``minimum``; with ``maximum``, between -maximum and maximum."""

    def check(value: Any) -> float:
        if value is None:
            raise bad(MISSING)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad(f"must be a number, got {value!r}")
        if math.isnan(value) or math.isinf(value):
            raise bad(f"must be a finite number, got {value!r}")
        if minimum is not None and value < minimum:
            raise bad(f"must not be negative, got {value!r}")
        if maximum is not None and not -maximum <= value <= maximum:
            raise bad(f"must be between -{maximum:g} and {maximum:g}{unit}, got {float(value)!r}")
        return float(value)

    schema: dict = {"type": "number"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema.update(minimum=-maximum, maximum=maximum)
    return Kind(check, schema, label)


def _date(value: Any) -> PartialDate:
    if value is None:
        raise bad(MISSING)
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise bad(str(exc)) from None


DATE = Kind(_date, {"anyOf": [{"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
                              {"type": "integer", "minimum": 1, "maximum": 9999}]},
            "date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`")


def _day(value: Any) -> PartialDate:
    date = _date(value)
    if date.precision != "day":
        raise bad(f"give the day of the search (YYYY-MM-DD), got {date}")
    return date


DAY = Kind(_day, {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, "date: `YYYY-MM-DD`")


def _source_index(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise bad(f"must be the 1-based number of a source in this record's sources, got {value!r}")
    return value


SOURCE_INDEX = Kind(_source_index, {"type": "integer", "minimum": 1},
                    "number: the source's position in the record's `sources` (1 is the first)")


# ---------------------------------------------------------------------------- shapes around models

def as_list(value: Any) -> Any:
    """One item or a list of them -> a list (for fields where sources may disagree)."""
    return value if isinstance(value, list) else [value]


def as_figure(value: Any) -> Any:
    """A plain number is short for ``{value: N}``."""
    return value if isinstance(value, dict) else {"value": value}


def figures(value: Any) -> Any:
    """A figure: a number, ``{value, qualifier, source}``, or a list of those."""
    return [as_figure(v) for v in as_list(value)]


def dates(value: Any) -> Any:
    """A date: a plain date, ``{value, qualifier, source}``, or a list of those where sources
    disagree (each of a list must be a mapping, so that it says which source states it)."""
    if value == []:
        raise bad("must be a date, or a list of {value, source} where sources disagree")
    if isinstance(value, list):
        return value
    return [value if isinstance(value, dict) else {"value": value}]


def list_of(message: str, *, required: str = "") -> Callable[[Any], Any]:
    """A before-check: the value must be a list (else ``message``); with ``required``, not empty."""

    def check(value: Any) -> Any:
        if required and (value is None or value == []):
            raise bad(required)
        if not isinstance(value, list):
            raise bad(message)
        return value

    return check
