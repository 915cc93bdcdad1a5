"""The SHACL shapes stay the graph-level contract, and they agree with the record schema: records
that pass the schema give triples that conform, and each bad-record fixture, forced into triples
past the checks, breaks a shape."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from graph.build import compile_paths, read_and_validate
from graph.dates import PartialDate
from graph.loaders.yaml_records import parse_text
from graph.records import Money
from graph.schema import PARTS, RECORDS
from graph.schema.docs import SCHEMA_FILE
from graph.shacl import check as shacl_check
from graph.triples import TripleBuilder

from test_schema import DEAL

REPO = Path(__file__).resolve().parent.parent
EVERY_FIELD = REPO / "tests" / "fixtures" / "schema" / "every-field.yaml"
GOOD = [EVERY_FIELD, REPO / "tests" / "golden" / "seed-lease.yaml", REPO / "tests" / "golden" / "joint-venture.yaml"]


def _errors(text: str) -> list:
    schema = json.loads((REPO / "data" / SCHEMA_FILE).read_text(encoding="utf-8"))
    doc, problems = parse_text(text, "<test>")
    assert not problems
    return list(jsonschema.Draft202012Validator(schema).iter_errors(doc))


def _set(**values):
    def fault(deal):
        for k, v in values.items():
            setattr(deal, k, v)
    return fault


def _first(field, **values):
    def fault(deal):
        for k, v in values.items():
            setattr(getattr(deal, field)[0], k, v)
    return fault


def _no_sources(deal):
    deal.sources = []
    for figure in (*deal.power_mw, *deal.accelerators, *deal.price, *deal.total_value):
        figure.source = None  # nothing left to point at


# (name, the fixture's change to DEAL (old, new), is it a schema rule (else a rule of validate.py),
#  the same fault made on the typed record, words of the SHACL message it breaks)
FIXTURES = [
    ("lowercase-currency", ("currency: USD", "currency: usd"), True, _first("total_value", currency="usd"),
     "ISO 4217 code"),
    ("negative-amount", ("amount: 4.0e10", "amount: -4.0e10"), True, _first("total_value", amount=-4.0e10),
     "one value, zero or more"),
    ("negative-power", ("{value: 300, source: 1}", "{value: -300, source: 1}"), True,
     _first("power_mw", value=-300.0), "zero or more"),
    ("source-not-a-url", ('"https://example.com/x"', '"example.com/x"'), True, _first("sources", url="example.com/x"),
     "http(s) URL"),
    ("no-sources", ("    sources:\n", "    zz_sources:\n"), True, _no_sources, "at least one source"),
    ("bad-slug", ("id: good-deal", "id: Good_Deal"), True, _set(id="Good_Deal"), "lowercase slug"),
    ("missing-customer", ("    customer: acme\n", ""), False, _set(customer=None), "exactly one provider"),
    ("end-before-start", ("start: 2025-02", "start: 2025-02\n    end: 2024-01"), False,
     _set(end=PartialDate.parse("2024-01")), "not after its end"),
    ("provider-is-customer", ("customer: acme", "customer: bigcloud"), False, _set(customer="bigcloud"),
     "other than its provider"),
    ("jv-of-one", ("    provider: bigcloud\n    customer: acme\n", "    members: [acme]\n"), False,
     _set(kind="joint_venture", members=["acme"], provider=None, customer=None), "two or more members"),
]


def test_the_every_field_fixture_uses_every_field():
    """So that a new field is tried against the shapes: add it to the fixture."""
    doc, _ = parse_text(EVERY_FIELD.read_text(encoding="utf-8"), str(EVERY_FIELD))
    seen: dict[str, set] = {}

    def walk(node, model):
        if isinstance(node, list):
            for item in node:
                walk(item, model)
        elif isinstance(node, dict) and model is not None:
            seen.setdefault(model.__name__, set()).update(node)
            from graph.schema.check import model_at

            for key, value in node.items():
                walk(value, model_at(model, (key,)))

    for section, model in RECORDS.items():
        walk(doc[section], model)
    for model in (*RECORDS.values(), *PARTS):
        unused = set(model.model_fields) - seen.get(model.__name__, set())
        assert not unused, f"{EVERY_FIELD.name} never gives {model.__name__}.{sorted(unused)}"


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_records_that_pass_the_schema_give_triples_that_conform(path):
    assert _errors(path.read_text(encoding="utf-8")) == []
    compiled = compile_paths([path], epoch=False, shacl=True)  # raises ValidationFailed on a SHACL problem
    assert compiled.report.problems == [] and len(compiled.graph) > 20


@pytest.mark.parametrize("name,change,schema_rule,fault,words", FIXTURES, ids=[f[0] for f in FIXTURES])
def test_a_bad_record_is_refused_and_its_triples_break_a_shape(tmp_path, name, change, schema_rule, fault, words):
    old, new = change
    assert old in DEAL
    text = DEAL.replace(old, new)
    if schema_rule:
        assert _errors(text), f"the JSON Schema let {name} through"
    (tmp_path / "bad.yaml").write_text(text)
    assert read_and_validate([tmp_path / "bad.yaml"], epoch=False).report.problems, f"validate let {name} through"

    (tmp_path / "good.yaml").write_text(DEAL)
    catalog = copy.deepcopy(read_and_validate([tmp_path / "good.yaml"], epoch=False).catalog)
    assert shacl_check(TripleBuilder().catalog(catalog)) == []
    deal = catalog.deals.pop("good-deal")
    fault(deal)  # the same fault, past the checks, straight into the typed record
    catalog.deals[deal.id] = deal
    problems = shacl_check(TripleBuilder().catalog(catalog))
    assert any(words in p.message for p in problems), [str(p) for p in problems]


def test_money_in_the_fixture_is_the_typed_money():
    """(The faults above edit graph.records values: a guard that the shapes see what they edit.)"""
    catalog = read_and_validate([EVERY_FIELD], epoch=False).catalog
    assert catalog.deals["new-deal"].total_value[1] == Money(4.5e10, "EUR", None, None, 1)


def test_generated_records_that_pass_the_schema_give_triples_that_conform(tmp_path):
    """The property-test records (tests/test_properties.py): each passes the JSON Schema, and its
    triples conform to the shapes."""
    import yaml
    from hypothesis import given, settings

    from test_properties import EXAMPLES, SETTINGS, catalog

    schema = json.loads((REPO / "data" / SCHEMA_FILE).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)

    @settings(SETTINGS, max_examples=max(10, EXAMPLES // 10))
    @given(doc=catalog())
    def run(doc):
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        parsed, _ = parse_text(text, "<generated>")
        assert not list(validator.iter_errors(parsed))
        path = tmp_path / "records.yaml"
        path.write_text(text, encoding="utf-8")
        compile_paths([path], epoch=False, shacl=True)  # raises ValidationFailed on any problem

    run()
