"""Output a person reads at a terminal (issue 15): tables fitted to the window, colour and a
pager on a terminal only, the deal card. Runs the real command in a pseudo-terminal (``pty``),
so ``isatty()`` is true exactly as for a person; pipes and files must stay unchanged.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

import pytest

from graph.terminal import fit_widths

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TABULAR = [
    ["company", "xAI"],
    ["deals", "--kind", "lease"],
    ["companies"],
    ["facility", "colossus-1"],
    ["facilities"],
    ["rank", "--by", "mw", "--role", "provider"],
    ["path", "Meta", "SpaceX"],
    ["cycles"],
    ["query", "leases"],
]
DISPUTED = "anthropic-xai-colossus-1"  # sources disagree on its MW, GPUs, price and total


def _read_terminal(master: int) -> bytes:
    """Everything written to a pseudo-terminal until the child closes it; closes it."""
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return out


def in_pty(args, columns=80, lines=200, **env_extra):
    """Run `python -m graph ARGS` with stdout on a pseudo-terminal; (stdout text, stderr, code)."""
    env = dict(os.environ, COLUMNS=str(columns), LINES=str(lines), PAGER="cat")
    env.update({k: v for k, v in env_extra.items() if v is not None})
    for k in [k for k, v in env_extra.items() if v is None]:
        env.pop(k, None)
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "graph", *args], stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    out = _read_terminal(master)
    err = proc.stderr.read().decode()
    proc.wait()
    return out.decode().replace("\r\n", "\n"), err, proc.returncode


def in_pipe(args, **env_extra):
    env = dict(os.environ, COLUMNS="80", **env_extra)
    r = subprocess.run([sys.executable, "-m", "graph", *args], capture_output=True, text=True, env=env)
    return r.stdout, r.stderr, r.returncode


@pytest.fixture(scope="module", autouse=True)
def warm_cache():
    """Compile the bundled data once, before the timed-out pty runs."""
    out, err, code = in_pipe(["companies", "--format", "csv"])
    assert code == 0, err


@pytest.mark.parametrize("columns", [80, 120, 200])
@pytest.mark.parametrize("args", TABULAR, ids=lambda a: " ".join(a))
def test_tables_fit_the_terminal(args, columns):
    out, err, code = in_pty(args, columns)
    assert code == 0, err
    lines = [ANSI.sub("", line) for line in out.splitlines()]
    assert len(lines) > 2
    too_long = [line for line in lines if len(line) > columns]
    assert not too_long, f"{len(too_long)} line(s) longer than {columns}: {too_long[:2]}"


def test_narrow_terminal_cuts_with_an_ellipsis_and_a_pipe_keeps_whole_values():
    narrow, _, _ = in_pty(["company", "xAI", "--no-color"], 80)
    piped, _, _ = in_pipe(["company", "xAI"])
    assert "…" in narrow
    # the pipe gets the table scripts always got: every column, whole ids
    assert piped.splitlines()[0].split()[:4] == ["id", "role", "counterparty", "kind"]
    assert "spacex-xai-merger-2026" in piped and "\x1b[" not in piped
    wide, _, _ = in_pty(["company", "xAI", "--no-color"], 200)
    assert "spacex-xai-merger-2026" in wide  # room enough: the id whole


def test_company_summary_header_and_epoch_sites_section():
    out, err, code = in_pty(["company", "xAI", "--no-color"], 120)
    assert code == 0, err
    head = out.split("\n\n")[0]
    assert head.startswith("xAI (xai) · ai_lab · US · part of spacex since 2026-02-02")
    assert "also known as:" in head and re.search(r"\d+ deal\(s\): .*\d+ as customer", head)
    assert re.search(r"power: [\d,]+ MW in all \(\d+ qualified figure\(s\); \d+ deal\(s\) give none\)", head)
    assert re.search(r"total value: [\d.]+B USD \(\d+ qualified\)", head)
    assert "Sites it owns or uses, per Epoch AI" in out
    deals_part, sites_part = out.split("Sites it owns or uses, per Epoch AI")
    assert deals_part.count("\n") > 5 and "Colossus 1" in sites_part


def test_columns_and_wide():
    out, _, code = in_pty(["company", "xAI", "--columns", "id,role", "--no-color"], 80)
    table = out.split("\n\n")[1].splitlines()
    assert code == 0 and table[0].split() == ["id", "role"]
    assert any(line.startswith("spacex-xai-merger-2026") for line in table)
    wide, _, _ = in_pty(["company", "xAI", "--wide", "--no-color"], 80)
    header = wide.split("\n\n")[1].splitlines()[0].split()
    assert header == ["counterparty", "role", "kind", "mw", "money", "term", "status", "src", "id"]
    out, err, code = in_pty(["company", "xAI", "--columns", "id,rol"], 80)
    assert code == 2 and "unknown column 'rol'" in err and "did you mean 'role'?" in err


def test_colour_only_on_a_terminal(tmp_path):
    coloured, _, _ = in_pty(["company", "xAI"], 120, NO_COLOR=None)
    assert "\x1b[" in coloured
    assert "\x1b[" not in in_pty(["company", "xAI"], 120, NO_COLOR="1")[0]
    assert "\x1b[" not in in_pty(["company", "xAI", "--no-color"], 120, NO_COLOR=None)[0]
    assert "\x1b[" not in in_pipe(["company", "xAI"])[0]
    target = tmp_path / "out.txt"
    with target.open("w") as f:
        subprocess.run([sys.executable, "-m", "graph", "company", "xAI"], stdout=f, check=True,
                       env={k: v for k, v in os.environ.items() if k != "NO_COLOR"})
    assert "\x1b[" not in target.read_text() and "spacex-xai-merger-2026" in target.read_text()


def test_long_output_goes_through_the_pager(tmp_path):
    pager = "sed s/^/PAGED:/"
    paged, _, _ = in_pty(["companies"], 80, lines=20, PAGER=pager)
    assert paged.splitlines()[0].startswith("PAGED:") and len(paged.splitlines()) > 20
    direct, _, _ = in_pty(["companies", "--no-pager"], 80, lines=20, PAGER=pager)
    assert "PAGED:" not in direct
    short, _, _ = in_pty(["path", "Meta", "SpaceX"], 80, lines=200, PAGER=pager)
    assert "PAGED:" not in short  # fits the window: no pager
    assert "PAGED:" not in in_pipe(["companies"], PAGER=pager)[0]


def test_deal_card_shows_every_value_with_its_source_number():
    out, err, code = in_pty(["deal", DISPUTED, "--no-color"], 100)
    assert code == 0, err
    sources = re.findall(r"^\s*\[(\d+)\] ", out, re.M)
    assert sources == [str(i) for i in range(1, len(sources) + 1)]
    as_json, _, _ = in_pipe(["deal", DISPUTED, "--format", "json"])
    deal = json.loads(as_json)
    urls = [s["url"] for s in deal["sources"]]
    for field in ("power_mw", "accelerators", "price", "total_value"):
        for v in deal[field]:
            n = urls.index(v["source"]) + 1
            mark = "(headline)" if v["headline"] else "(disputed)"
            assert re.search(rf"\[{n}\] {re.escape(mark)}", out), (field, v)
    for label in ("provider     xAI (xai)", "customer     Anthropic (anthropic)", "start        2026-05 (month)",
                  "announced    2026-05-06 (day)"):
        assert label in out
    assert f"{DISPUTED} · lease" in out.splitlines()[0]


def test_deal_json_is_the_company_lookups_entry():
    deal = json.loads(in_pipe(["deal", DISPUTED, "--format", "json"])[0])
    entries = json.loads(in_pipe(["company", "Anthropic", "--format", "json"])[0])
    entry = next(e for e in entries if e["id"] == DISPUTED)
    assert {k: v for k, v in entry.items() if k not in ("role", "counterparty")} == deal


def test_unknown_deal_gets_did_you_mean():
    out, err, code = in_pipe(["deal", "anthropic-xai-colosus-1"])
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        "Error: no deal named 'anthropic-xai-colosus-1'. Did you mean 'anthropic-xai-colossus-1'? "
        "(list the deal ids with `computekg deals`)"]


def test_fitting_drops_lowest_priority_columns_first():
    # a, b, c need 10, 30, 20; b has the lowest priority: it goes first, the room is shared
    assert fit_widths(["a", "b", "c"], [10, 30, 20], [1, 3, 2], [6, 6, 6], 20) == [9, None, 9]
    assert fit_widths(["a", "b"], [10, 30], [1, 2], [6, 6], 200) == [10, 30]
    widths = fit_widths(["x"] * 9, [40] * 9, list(range(9)), [6] * 9, 80)
    kept = [w for w in widths if w is not None]
    assert sum(kept) + 2 * (len(kept) - 1) <= 80


def _stderr_in_pty(args, cwd=None):
    """Run `python -m graph ARGS` with stderr on a pseudo-terminal; (stderr text, stdout, code)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "graph", *args], stdout=subprocess.PIPE, stderr=slave, cwd=cwd)
    os.close(slave)
    err = _read_terminal(master)
    out = proc.stdout.read().decode()
    proc.wait()
    return err.decode(), out, proc.returncode


def test_a_load_draws_a_progress_bar_on_a_terminal_and_nothing_on_a_pipe(tmp_path):
    from pathlib import Path

    records = Path(__file__).resolve().parent / "golden" / "seed-lease.yaml"
    err, out, code = _stderr_in_pty(["--no-epoch", "--store", str(tmp_path / "a"), "load", str(records)])
    assert code == 0, err
    bar = [line for line in err.replace("\r", "\n").splitlines() if "loading records into the store" in line]
    assert bar, err
    done = re.search(r"\[(#+)\]\s+(\d+)/(\d+)", ANSI.sub("", bar[-1]))
    assert done and done.group(2) == done.group(3), bar[-1]  # the bar ends full: every record loaded
    assert "checking the SHACL shapes" in err
    piped = subprocess.run([sys.executable, "-m", "graph", "--no-epoch", "--store", str(tmp_path / "b"), "load",
                            str(records)], capture_output=True, text=True)
    assert piped.returncode == 0 and "loading records" not in piped.stderr and "[#" not in piped.stderr
