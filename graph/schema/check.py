"""Check one raw record against its model, field by field, and say what is wrong in the words of
:mod:`graph.schema.kinds`, located by the loaders' line numbers.

Fields are checked one at a time so that a record with one bad field still yields its other
fields (references are then checked too, and every problem is reported at once).
"""

from __future__ import annotations

import functools
import typing
from dataclasses import dataclass
from typing import Any, Mapping

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..suggest import close, did_you_mean
from .kinds import MISSING


@dataclass(frozen=True)
class Issue:
    """One problem in a record: the field's path (``capacity.power_mw[2].value``), its line, and
    the message."""

    field: str
    line: int
    message: str


@functools.lru_cache(maxsize=None)
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    return TypeAdapter(model.model_fields[name].rebuild_annotation())


def _line_of(node: Any, key: str, default: int) -> int:
    line_of = getattr(node, "line_of", None)  # a loader's LineDict; plain dicts have no lines
    return line_of(key) or default if line_of else default


def unknown_field(key: str, allowed: typing.Iterable[str]) -> str:
    return "unknown field" + did_you_mean(close(str(key), list(allowed)))


def check(model: type[BaseModel], data: Mapping, line: int = 0) -> tuple[dict[str, Any], list[Issue]]:
    """The fields of ``data`` that are right (name -> clean value) and an :class:`Issue` for each
    thing that is wrong. ``line`` is the record's line, used where nothing closer is known.

    A field given as null counts as absent.
    """
    values: dict[str, Any] = {}
    issues: list[Issue] = []
    fields = model.model_fields
    for key in data:
        if key not in fields:
            issues.append(Issue(str(key), _line_of(data, key, line), unknown_field(key, fields)))
    for name, info in fields.items():
        raw = data.get(name)
        if raw is None and not info.is_required():
            continue
        try:
            values[name] = _adapter(model, name).validate_python(raw)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                issues.append(_issue(model, data, (name, *err["loc"]), err, line))
    return values, issues


def _issue(model: type[BaseModel], data: Mapping, loc: tuple, err: Any, line: int) -> Issue:
    path, at = locate(data, loc, line)
    kind = err["type"]
    if kind == "computekg":
        message = err["ctx"]["message"]
    elif kind == "missing":
        message = MISSING
    elif kind == "extra_forbidden":
        inside = model_at(model, loc[:-1])
        message = unknown_field(str(loc[-1]), inside.model_fields if inside else ())
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        inside = model_at(model, loc)
        message = getattr(inside, "expected", "must be a mapping")
    else:  # pydantic's own words, for a check no kind has taken over yet
        message = err["msg"][:1].lower() + err["msg"][1:]
    return Issue(path, at, message)


def locate(data: Mapping, loc: tuple, line: int) -> tuple[str, int]:
    """The user's path to ``loc`` (1-based list positions, none where one value stood for a list or
    a number for ``{value: N}``) and the line of the last key on the way."""
    node: Any = data
    path = ""
    for part in loc:
        if isinstance(part, int):
            if isinstance(node, list):
                path += f"[{part + 1}]"
                node = node[part] if part < len(node) else None
            continue
        if isinstance(node, Mapping):
            path = f"{path}.{part}" if path else str(part)
            line = _line_of(node, part, line)
            node = node.get(part)
    return path, line


def model_at(model: type[BaseModel] | None, loc: tuple) -> type[BaseModel] | None:
    """The model that validates the value at ``loc`` (list positions pass through)."""
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part) if model is not None else None
        if info is None:
            return None
        model = _model_in(info.annotation)
    return model


def _model_in(tp: Any) -> type[BaseModel] | None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    for arg in typing.get_args(tp):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
