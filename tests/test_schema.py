"""The record format is declared once (graph/schema/models.py): the JSON Schema, the README's field
reference and each record file's editor comment are made from it and kept up to date, every data
file passes the JSON Schema, and a bad record fails both the schema and `computekg validate`."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from graph.build import read_and_validate
from graph.loaders.yaml_records import parse_text
from graph.schema import RECORDS, check
from graph.schema.docs import SCHEMA_FILE, editor_comment, record_files, stale

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"

DEAL = """\
# yaml-language-server: $schema=schema/records.schema.json
companies:
  - {id: acme, name: Acme, kind: ai_lab}
  - {id: bigcloud, name: BigCloud, kind: hyperscaler}
deals:
  - id: good-deal
    kind: lease
    provider: bigcloud
    customer: acme
    capacity: {power_mw: [{value: 300, source: 1}, 320], accelerators: {model: H100, count: 1000}}
    total_value: {amount: 4.0e10, currency: USD, qualifier: more_than}
    start: 2025-02
    sources:
      - {publisher: P, title: T, url: "https://example.com/x", date: 2025-01-01, kind: news}
"""

# (name, line of the problem (line 1 is the editor comment), text to replace, its replacement, field named by `computekg validate`, words of its message)
BAD = [
    ("bad-enum", 7, "    kind: lease\n", "    kind: leese\n", "kind", "Did you mean 'lease'?"),
    ("unknown-field", 8, "    kind: lease\n", "    kind: lease\n    colour: red\n", "colour", "unknown field"),
    ("lowercase-currency", 11, "currency: USD", "currency: usd", "total_value.currency", "three-letter ISO 4217"),
    ("negative-figure", 10, "{value: 300, source: 1}", "{value: -300, source: 1}", "capacity.power_mw[1].value",
     "must not be negative"),
    ("bad-qualifier", 11, "qualifier: more_than", "qualifier: well_over", "total_value.qualifier", "is not one of"),
    ("source-not-a-url", 14, '"https://example.com/x"', '"example.com/x"', "sources[1].url", "http(s) address"),
    ("source-number-zero", 10, "source: 1}", "source: 0}", "capacity.power_mw[1].source", "1-based number"),
    ("no-sources", 6, "    sources:\n      - {publisher: P, title: T, url: \"https://example.com/x\", date: 2025-01-01, "
     "kind: news}\n", "", "sources", "at least one source"),
    ("not-a-date", 12, "start: 2025-02", "start: February 2025", "start", "is not a date"),
    ("bad-slug", 6, "id: good-deal", "id: Good_Deal", "id", "lowercase slug"),
]


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((DATA / SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _doc(text: str):
    doc, problems = parse_text(text, "<test>")  # YAML as editors read it: dates stay text
    assert not problems
    return doc


def test_made_files_are_up_to_date():
    old = stale(DATA)
    assert not old, ("out of date with graph/schema/models.py: " + ", ".join(str(p.relative_to(REPO)) for p in old)
                     + "; run python -m graph.schema")


@pytest.mark.parametrize("path", record_files(DATA), ids=lambda p: str(p.relative_to(DATA)))
def test_every_record_file_passes_the_json_schema_and_names_it_first(validator, path):
    text = path.read_text(encoding="utf-8")
    assert text.split("\n", 1)[0] == editor_comment(DATA, path)
    assert (path.parent / text.split("$schema=", 1)[1].split("\n", 1)[0]).resolve() == (DATA / SCHEMA_FILE).resolve()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_doc(text))]
    assert not errors, errors[:5]


def test_the_good_record_passes_both(validator, tmp_path):
    assert not list(validator.iter_errors(_doc(DEAL)))
    (tmp_path / "r.yaml").write_text(DEAL)
    assert read_and_validate([tmp_path / "r.yaml"], epoch=False).report.problems == []


@pytest.mark.parametrize("name,line,old,new,field,words", BAD, ids=[b[0] for b in BAD])
def test_a_bad_record_fails_the_json_schema_and_validate(validator, tmp_path, name, line, old, new, field, words):
    assert old in DEAL
    text = DEAL.replace(old, new)
    errors = list(validator.iter_errors(_doc(text)))
    assert errors, f"the JSON Schema let {name} through"
    (tmp_path / "r.yaml").write_text(text)
    problems = read_and_validate([tmp_path / "r.yaml"], epoch=False).report.problems
    hits = [p for p in problems if p.field == field and words in p.message]
    assert hits, [str(p) for p in problems]
    assert hits[0].line == line, (str(hits[0]), line)  # the editor comment on line 1 shifts nothing


def test_json_schema_and_checks_agree_on_figure_shapes(validator):
    """A figure may be a number, {value, qualifier, source} or a list of those; both agree."""
    for shape in ("300", "{value: 300, qualifier: approx}", "[300, {value: 310, source: 1}]"):
        text = DEAL.replace("[{value: 300, source: 1}, 320]", shape)
        assert not list(validator.iter_errors(_doc(text))), shape
        _, issues = check(RECORDS["deals"], _doc(text)["deals"][0])
        assert issues == [], shape
    for shape, path in (("lots", "capacity.power_mw"), ("[300, lots]", "capacity.power_mw[2]"),
                        ("{value: lots}", "capacity.power_mw.value"), ("{valeu: 3, value: 1}", "capacity.power_mw.valeu")):
        text = DEAL.replace("[{value: 300, source: 1}, 320]", shape)
        assert list(validator.iter_errors(_doc(text))), shape
        _, issues = check(RECORDS["deals"], _doc(text)["deals"][0])
        assert [i.field for i in issues] == [path], (shape, issues)


def test_unknown_field_suggests_the_near_name_at_any_depth():
    text = DEAL.replace("qualifier: more_than", "qualifer: more_than")
    _, issues = check(RECORDS["deals"], _doc(text)["deals"][0])
    assert [(i.field, i.message) for i in issues] == [("total_value.qualifer", "unknown field. Did you mean "
                                                                                "'qualifier'?")]


@pytest.mark.parametrize("value", ["[1, 2]", "{a: 1}", "[]"])
def test_a_list_or_mapping_where_a_word_belongs_is_a_problem_not_a_crash(tmp_path, value):
    """(These crashed the hand-written checks: an unhashable value looked up in a vocabulary.)"""
    (tmp_path / "r.yaml").write_text(DEAL.replace("qualifier: more_than", f"qualifier: {value}"))
    problems = read_and_validate([tmp_path / "r.yaml"], epoch=False).report.problems
    assert [p.field for p in problems] == ["total_value.qualifier"]
    assert "is not one of: exact | approx" in problems[0].message


# Schema fields that graph/records.py carries under other names, or that are used before typing.
CARRIED_OTHERWISE = {"capacity": "a deal's power_mw and accelerators",
                     "primary_source": "a deal's primary_searched and primary_search_note",
                     "kind_why": "read from the raw source by graph/publishers.py"}


def test_every_schema_field_has_a_home_in_the_typed_records():
    """A field added to a model must be carried by graph/records.py too (and so reach the triples)."""
    from graph import records, schema

    pairs = [(m, m.__name__) for m in RECORDS.values()] + [(schema.Source, "Source"), (schema.Figure, "Figure"),
                                                           (schema.Price, "Money"), (schema.Location, "Location"),
                                                           (schema.Accelerators, "Accelerators")]
    for model, name in pairs:
        typed = {f.name for f in dataclasses.fields(getattr(records, name))}
        missing = set(model.model_fields) - typed - set(CARRIED_OTHERWISE)
        assert not missing, f"schema.{model.__name__}: {sorted(missing)} have no field in records.{name}"


def test_python_m_graph_schema_check_finds_and_fixes_a_stale_copy(tmp_path):
    data = tmp_path / "data"
    (data / "deals").mkdir(parents=True)
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    (data / "README.md").write_text(readme.replace("| `terms` | text |", "| `terms` | prose |"), encoding="utf-8")
    (data / "deals" / "x.yaml").write_text(DEAL.split("\n", 1)[1])  # no editor comment yet
    run = lambda *a: subprocess.run([sys.executable, "-m", "graph.schema", str(data), *a], cwd=REPO,
                                    capture_output=True, text=True)
    checked = run("--check")
    assert checked.returncode == 1
    assert "README.md" in checked.stderr and "x.yaml" in checked.stderr and "records.schema.json" in checked.stderr
    assert checked.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert run().returncode == 0
    assert run("--check").returncode == 0
    assert (data / "deals" / "x.yaml").read_text().startswith(
        "# yaml-language-server: $schema=../schema/records.schema.json\ncompanies:")
    assert (data / "README.md").read_text(encoding="utf-8") == readme
    assert (data / SCHEMA_FILE).read_text() == (DATA / SCHEMA_FILE).read_text()


def test_the_schema_file_is_not_read_as_records(tmp_path):
    shutil.copytree(DATA / "schema", tmp_path / "schema")
    (tmp_path / "r.yaml").write_text(DEAL)
    validated = read_and_validate([tmp_path], epoch=False)
    assert validated.report.problems == [] and list(validated.catalog.deals) == ["good-deal"]


def test_a_json_record_file_may_name_the_schema(validator, tmp_path):
    doc = {"$schema": "../data/schema/records.schema.json", **json.loads(json.dumps(_doc(DEAL)))}
    assert not list(validator.iter_errors(doc))
    (tmp_path / "r.json").write_text(json.dumps(doc, indent=1))
    validated = read_and_validate([tmp_path / "r.json"], epoch=False)
    assert validated.report.problems == [] and list(validated.catalog.deals) == ["good-deal"]
