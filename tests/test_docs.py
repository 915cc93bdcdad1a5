"""The docs are tested: the README names every command, docstring examples run, and the lookup
path really does stay light (no rdflib, networkx, pyvis, pyshacl or pydantic)."""

from __future__ import annotations

import doctest
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.cli import main

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.list_commands(None)))  # lazily registered ones too
def test_readme_mentions_every_command(name):
    assert f"computekg {name}" in README or (name == "load" and "load PATH" in README), \
        f"README.md does not document `computekg {name}`"


@pytest.mark.parametrize("module", ["graph.dates", "graph.vocab", "graph.output", "graph.lookup", "graph.suggest",
                                    "graph.select", "graph.figures", "graph.api"])
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0


def test_readme_two_commands_are_present():
    assert "pip install . && computekg company Anthropic" in README
    assert "bash tests/run.sh" in README
    ci = (REPO / ".ci" / "run").read_text()
    assert "bash tests/run.sh" in ci


LIGHT = """
import json, sys
from graph.cli import main
try:
    main(["company", "Anthropic", "--format", "json"], standalone_mode=False)
    main(["query", "leases", "--format", "json"], standalone_mode=False)
    main(["deals", "--kind", "lease", "--format", "json"], standalone_mode=False)
finally:
    heavy = sorted(m for m in ("rdflib", "networkx", "pyvis", "pyshacl", "yaml", "jinja2", "pydantic", "jsonschema")
                   if m in sys.modules)
    sys.stderr.write("HEAVY=" + json.dumps(heavy) + "\\n")
"""


def test_lookup_path_imports_no_heavy_module(tmp_path):
    env = dict(os.environ, COMPUTEKG_CACHE_DIR=str(tmp_path / "cache"))
    warm = subprocess.run([sys.executable, "-m", "graph", "company", "Anthropic"], env=env, cwd=REPO,
                          capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr
    run = subprocess.run([sys.executable, "-c", LIGHT], env=env, cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    heavy = json.loads(run.stderr.split("HEAVY=")[1].splitlines()[0])
    assert heavy == [], f"the lookup path imported {heavy}"


def test_readme_from_python_examples_run():
    """The README's "From Python" examples, run as doctests against the bundled data."""
    import re

    section = README.split("## From Python", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```pycon\n(.*?)```", section, re.S)
    assert blocks and sum(b.count(">>> ") for b in blocks) >= 10
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for i, text in enumerate(blocks):
        runner.run(parser.get_doctest(text, {}, f"README From Python #{i + 1}", "README.md", 0))
    assert runner.summarize(verbose=False).failed == 0
