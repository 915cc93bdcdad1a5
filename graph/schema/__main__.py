"""``python -m graph.schema [DATA] [--check]``: write data/schema/records.schema.json, the field
reference in data/README.md and the editor comment atop each record file, from the models.
With ``--check``, write nothing and exit 1 when any of them is out of date."""

from __future__ import annotations

import sys
from pathlib import Path

from .docs import stale, write


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    data = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "data"
    if not (data / "README.md").is_file():
        sys.stderr.write(f"Error: {data} is not the data folder (no README.md). Give the folder: "
                         "python -m graph.schema data/\n")
        return 2
    if check:
        old = stale(data)
        for p in old:
            sys.stderr.write(f"out of date: {p}\n")
        if old:
            sys.stderr.write("Error: files made from graph/schema/models.py are out of date; "
                             "run python -m graph.schema\n")
        return 1 if old else 0
    for p in write(data):
        print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
