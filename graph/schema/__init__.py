"""The record format, declared once (pydantic models), and what is made from it.

- :mod:`graph.schema.models`: the models, one line per field;
- :mod:`graph.schema.kinds`: kinds of value, each with its check, message and JSON Schema;
- :func:`check`: check one raw record, field by field, into clean values and located issues;
- ``python -m graph.schema``: write ``data/schema/records.schema.json`` and the field reference
  in ``data/README.md`` from the models (:mod:`graph.schema.docs`; a test fails when stale).

Importing this package imports pydantic: the lookup commands never do (only validate does).

Why pydantic v2 and not a LinkML schema: the messages. A contributor's error must read
``file:line: record: field: message`` with "did you mean"; here each kind of value raises its own
sentence and JSON Schema comes from the same object, in one Python file that validate imports
directly. LinkML would add a YAML schema language and a generation step (models, JSON Schema,
SHACL) whose generated validators speak JSON Schema's words, and its SHACL would duplicate
``ontology/shapes.ttl``, which stays the hand-written graph-level contract (``tests/
test_schema_shapes.py`` checks the two agree). Rules across fields or records stay in
:mod:`graph.validate`.
"""

from __future__ import annotations

from .check import Issue, check
from .models import PARTS, RECORDS, Accelerators, Capacity, Company, Deal, Facility, Figure, Location, Money, \
    Price, Record, RecordFile, Source

__all__ = ["Issue", "check", "PARTS", "RECORDS", "Record", "RecordFile", "Company", "Facility", "Deal", "Source",
           "Figure", "Accelerators", "Money", "Price", "Location", "Capacity"]
