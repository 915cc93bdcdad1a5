"""JSON record files: the same three lists as YAML."""

from __future__ import annotations

import json

from ..errors import Problem
from . import ReadResult, register
from .yaml_records import TextLoader, parse_text, records_from_document


LINE_NUMBERS_UP_TO = 2_000_000  # characters


class JsonLoader(TextLoader):
    name = "json"
    extensions = (".json",)

    def read_text(self, text: str, display: str) -> ReadResult:
        from . import LineDict

        try:  # objects are read as LineDicts straight away: no second copy of a large file
            plain = json.loads(text, object_hook=LineDict)
        except json.JSONDecodeError as exc:
            return ReadResult(problems=[Problem(display, exc.lineno, "", "",
                                                f"JSON syntax error: {exc.msg} (column {exc.colno})")])
        # JSON is (nearly always) YAML too: re-read it that way to learn line numbers. PyYAML is
        # pure Python and slow, so very large files are reported by record and field only.
        doc = None
        if len(text) <= LINE_NUMBERS_UP_TO:
            doc, problems = parse_text(text, display)
            if problems or not isinstance(doc, dict):
                doc = None
        if doc is None:
            doc = plain
        return records_from_document(doc, display, self.sections)


register(JsonLoader())
