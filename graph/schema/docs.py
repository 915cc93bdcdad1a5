"""What is made from the models: the JSON Schema of record files, the field reference in
data/README.md, and the editor comment on the first line of each record file.

``python -m graph.schema`` writes all three; :func:`stale` lists what is out of date (a test
fails on it).
"""

from __future__ import annotations

import json
import os
import re
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, BeforeValidator

from . import kinds as k
from .models import PARTS, RECORDS, Figure, RecordFile

SCHEMA_FILE = Path("schema") / "records.schema.json"  # inside the data folder
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
BEGIN = "<!-- field-reference: written by `python -m graph.schema` from graph/schema/models.py; edit those -->"
END = "<!-- /field-reference -->"
EDITOR_COMMENT = "# yaml-language-server: $schema={path}"
_TOP_KEY = re.compile(r"^([A-Za-z_][^:]*?)\s*:", re.M)  # a key at the start of a line: top level


def json_schema() -> dict:
    """The JSON Schema (2020-12) of a record file, from :class:`~graph.schema.models.RecordFile`."""
    body = RecordFile.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, "$id": "https://w3id.org/computekg/schema/records.schema.json",
            "description": "A computekg record file: lists of companies, facilities and deals. Written by "
                           "`python -m graph.schema` from graph/schema/models.py; see data/README.md.", **body}


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------- field reference

def _label(tp: Any) -> str:
    """The words for a field's kind of value."""
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if typing.get_origin(tp) is typing.Union or type(tp).__name__ == "UnionType":
        return _label(args[0])
    meta = getattr(tp, "__metadata__", ())
    for m in meta:
        if isinstance(m, k.Kind):
            return m.label
    base = typing.get_args(tp)[0] if meta else tp
    befores = {m.func for m in meta if isinstance(m, BeforeValidator)}
    if typing.get_origin(base) is list:
        item = typing.get_args(base)[0]
        if item is Figure:
            return "figure: a number, a [Figure](#figure), or a list of those"
        if k.as_list in befores:
            return f"one [{item.__name__}](#{item.__name__.lower()}), or a list of them"
        return f"list of [{item.__name__}](#{item.__name__.lower()})"
    if isinstance(base, type) and issubclass(base, BaseModel):
        return f"a [{base.__name__}](#{base.__name__.lower()}) mapping"
    return getattr(base, "__name__", str(base))


def _table(model: type[BaseModel]) -> list[str]:
    rows = ["| field | value | required | meaning |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        label = _label(info.rebuild_annotation()).replace("|", "\\|")
        rows.append(f"| `{name}` | {label} | {'yes' if info.is_required() else ''} | "
                    f"{(info.description or '').replace('|', '/')} |")
    return rows


def field_reference() -> str:
    """The markdown between :data:`BEGIN` and :data:`END` in data/README.md."""
    out = [BEGIN, ""]
    for model in (*RECORDS.values(), *PARTS):
        where = f" Listed under `{model.section}:`." if getattr(model, "section", "") else ""
        out += [f"#### {model.__name__}", "", f"{(model.__doc__ or '').strip()}{where}", "", *_table(model), ""]
    out.append(END)
    return "\n".join(out)


def readme_with_reference(text: str) -> str:
    """``text`` (data/README.md) with its field reference replaced by the current one."""
    if BEGIN not in text or END not in text:
        raise ValueError(f"data/README.md has no field reference markers ({BEGIN!r} ... {END!r})")
    head, rest = text.split(BEGIN, 1)
    return head + field_reference() + rest.split(END, 1)[1]


# ---------------------------------------------------------------------------- editor comments

def record_files(data: Path) -> list[Path]:
    """The YAML record files under ``data``: those whose top-level keys are all record lists
    (Epoch AI's alias tables and other YAML files are left out)."""
    sections = set(RECORDS)
    out = []
    for path in sorted(data.rglob("*")):
        if path.suffix in (".yaml", ".yml") and path.is_file():
            keys = set(_TOP_KEY.findall(path.read_text(encoding="utf-8")))
            if keys and keys <= sections:
                out.append(path)
    return out


def editor_comment(data: Path, path: Path) -> str:
    """The first line of a record file: where an editor finds the schema, relative to the file."""
    rel = os.path.relpath(data / SCHEMA_FILE, path.parent).replace(os.sep, "/")
    return EDITOR_COMMENT.format(path=rel)


def with_editor_comment(text: str, comment: str) -> str:
    """The file's text with ``comment`` as its first line (replacing an older one). Adding a comment
    line above the records shifts their line numbers by one, as any edit above them would."""
    lines = text.split("\n", 1)
    if lines[0].startswith(EDITOR_COMMENT.split("$")[0]):
        return comment + "\n" + (lines[1] if len(lines) > 1 else "")
    return comment + "\n" + text


# ---------------------------------------------------------------------------- write / check

def outputs(data: Path) -> dict[Path, str]:
    """Every file made from the models, with the text it should have."""
    out = {data / SCHEMA_FILE: json_schema_text(),
           data / "README.md": readme_with_reference((data / "README.md").read_text(encoding="utf-8"))}
    for path in record_files(data):
        out[path] = with_editor_comment(path.read_text(encoding="utf-8"), editor_comment(data, path))
    return out


def stale(data: Path) -> list[Path]:
    """The files that differ from what the models make (run ``python -m graph.schema``)."""
    return [p for p, text in outputs(data).items()
            if not p.exists() or p.read_text(encoding="utf-8") != text]


def write(data: Path) -> list[Path]:
    """Bring every made file up to date; return those written."""
    written = []
    for path, text in outputs(data).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
