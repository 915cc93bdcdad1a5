"""YAML record files (``.yaml``, ``.yml``), read with line numbers and no implicit dates."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ..errors import Problem
from . import SECTIONS, LineDict, RawRecord, ReadResult, register


def _make_loader():
    import yaml

    class LineLoader(yaml.SafeLoader):
        """A safe loader that keeps line numbers and leaves dates as text."""

    # YAML 1.2 core-schema scalars: dates stay text ("2026-05-06") so partial and full dates go
    # one way; only true/false are booleans (country code NO stays "NO"); 4e10 is a number.
    dropped = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:float"}
    LineLoader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag not in dropped]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    LineLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    LineLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                   r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
        list("-+0123456789."))

    def construct_mapping(loader, node, deep=False):
        loader.flatten_mapping(node)
        out = LineDict(line=node.start_mark.line + 1)
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be plain text", key_node.start_mark) from None
            if key in out:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            out[key] = loader.construct_object(value_node, deep=True)
            out.lines[key] = key_node.start_mark.line + 1
        return out

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return yaml, LineLoader


def parse_text(text: str, display: str) -> tuple[object, list[Problem]]:
    """Parse YAML (or JSON, a subset) text into LineDicts; syntax errors become problems."""
    yaml, LineLoader = _make_loader()
    try:
        return yaml.load(text, Loader=LineLoader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or str(exc)
        if exc.context and exc.problem:
            what = f"{exc.context}, {exc.problem}"
        return None, [Problem(display, line, "", "", f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:  # e.g. a reader error: a character YAML does not allow
        position = getattr(exc, "position", None)
        line = text[:position].count("\n") + 1 if isinstance(position, int) else 0
        what = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, [Problem(display, line, "", "", f"YAML syntax error: {what}")]


# Tables a data source keeps in YAML beside the curated lists (:mod:`graph.sources`): top-level key
# -> Section. A mapping section is {name: id, or null}: each entry becomes one raw record
# {name_field: name, target: id}; a record section (target None) is one mapping of fields, one raw
# record. The record's section is the key, so the source owning the key owns the records. Sources
# pass theirs to the loader (:meth:`TextLoader.with_sections`); the loader itself names none.
@dataclass(frozen=True)
class Section:
    target: str | None  # the field an entry's value goes to; None: the section is one record
    owner: str  # who the table is for, in messages ("Epoch AI")
    name_field: str = "name"  # the field an entry's key goes to


# Lists of records beyond the three sections: the publisher registry (data/publishers.yaml), the
# curated records' own table, checked by graph.publishers.
LIST_SECTIONS = (*SECTIONS, "publishers")


def _mapping_records(result: ReadResult, key: str, spec: Section, value: object, display: str, line: int) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        what = "a mapping of fields" if spec.target is None else f"a mapping of {spec.owner} name -> id (or null)"
        result.problems.append(Problem(display, line, "", key, f"must be {what}"))
        return
    if spec.target is None:
        rec = value if isinstance(value, LineDict) else LineDict(value, line=line)
        result.records.append(RawRecord(key, rec, display, rec.line or line))
        return
    lines = value.lines if isinstance(value, LineDict) else {}
    for name, ref in value.items():
        at = lines.get(name, line)
        if ref is not None and (isinstance(ref, (dict, list, bool)) or not str(ref).strip()):
            result.problems.append(Problem(display, at, "", f"{key}.{name}", "must be an id or null"))
            continue
        rec = LineDict({spec.name_field: str(name), spec.target: None if ref is None else str(ref).strip()}, line=at)
        result.records.append(RawRecord(key, rec, display, at))


def records_from_document(doc: object, display: str, sections: Mapping[str, Section] | None = None) -> ReadResult:
    """Split a parsed document into raw records of the three sections (and of ``sections``)."""
    result = ReadResult()
    sections = sections or {}
    if doc is None:
        return result
    if not isinstance(doc, dict):
        result.problems.append(Problem(display, 1, "", "", "the file must hold a mapping with "
                                       "lists named companies, facilities and/or deals"))
        return result
    line_of = doc.line_of if isinstance(doc, LineDict) else (lambda k: 0)
    for key, value in doc.items():
        if key == "$schema":  # a JSON record file naming its JSON Schema, for editors
            continue
        if key in sections:
            _mapping_records(result, key, sections[key], value, display, line_of(key))
            continue
        if key not in LIST_SECTIONS:
            others = "; ".join(f"{', '.join(k for k in sorted(sections) if sections[k].owner == owner)} for "
                               f"{owner}'s data" for owner in sorted({s.owner for s in sections.values()}))
            result.problems.append(Problem(display, line_of(key), "", str(key),
                                           "unknown top-level list; expected companies, facilities or deals (or publishers for the publisher registry)"
                                           + (f" (or {others})" if others else "")))
            continue
        if value is None:
            continue
        if not isinstance(value, list):
            result.problems.append(Problem(display, line_of(key), "", str(key), "must be a list of records"))
            continue
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                result.problems.append(Problem(display, line_of(key), f"{key}[{i + 1}]", "",
                                               "each record must be a mapping of fields"))
                continue
            if not isinstance(item, LineDict):
                item = LineDict(item)
            result.records.append(RawRecord(key, item, display, item.line))
    return result


class TextLoader:
    """A loader of whole text files (YAML, JSON): recognised by extension alone."""

    name = ""
    extensions: tuple[str, ...] = ()
    sections: Mapping[str, Section] = {}

    def with_sections(self, sections: Mapping[str, Section]) -> "TextLoader":
        """This loader, also reading the top-level tables ``sections`` (a data source's)."""
        new = copy.copy(self)
        new.sections = {**self.sections, **sections}
        return new

    def detect(self, path: Path, head: str) -> bool:
        return True

    def read(self, path: Path, display: str) -> ReadResult:
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:  # name the line of the first byte that is not UTF-8
            line = raw[:exc.start].count(b"\n") + 1
            column = exc.start - raw.rfind(b"\n", 0, exc.start)
            return ReadResult(problems=[Problem(display, line, "", "", f"not UTF-8 text: byte {raw[exc.start]:#04x} "
                                                f"at column {column}; save the file as UTF-8")])
        except OSError as exc:
            return ReadResult(problems=[Problem(display, 0, "", "", f"cannot read file: {exc}")])
        from . import nesting_problem

        deep = nesting_problem(text, display)
        if deep is not None:
            return ReadResult(problems=[deep])
        try:
            return self.read_text(text, display)
        except RecursionError:  # block nesting (``- - - ...``) has no brackets to count first
            return ReadResult(problems=[Problem(display, 1, "", "", "nested too deeply to read; records need "
                                                "only a few levels, so the file is not read")])

    def read_text(self, text: str, display: str) -> ReadResult:  # pragma: no cover - abstract
        raise NotImplementedError


class YamlLoader(TextLoader):
    name = "yaml"
    extensions = (".yaml", ".yml")

    def read_text(self, text: str, display: str) -> ReadResult:
        doc, problems = parse_text(text, display)
        if problems:
            return ReadResult(problems=problems)
        return records_from_document(doc, display, self.sections)


register(YamlLoader())
