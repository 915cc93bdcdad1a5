"""A :class:`graph.diff.Diff` as text: rows for a table, JSON, a Markdown changelog entry, and the
one-line summary ``computekg diff`` prints on stderr.
"""

from __future__ import annotations

from typing import Iterator

from .diff import PLURAL, Diff


def rows(d: Diff) -> Iterator[dict]:
    """One row per changed field, with the values it lost (old) and gained (new); added and
    removed entities take one row each."""
    for c in d.changes:
        if c.change != "changed":
            yield {"change": c.change, "kind": c.kind, "id": c.id, "name": c.label, "field": "",
                   "old": "", "new": ""}
            continue
        for f in c.fields:
            yield {"change": c.change, "kind": c.kind, "id": c.id, "name": c.label, "field": f.field,
                   "old": "; ".join(f.removed), "new": "; ".join(f.added)}


def to_json(d: Diff) -> dict:
    return {
        "old": d.old, "new": d.new, "counts": d.counts(),
        "changes": [{"change": c.change, "kind": c.kind, "id": c.id, "name": c.label,
                     "fields": {f.field: {"old": list(f.old), "new": list(f.new), "removed": list(f.removed),
                                          "added": list(f.added)} for f in c.fields}}
                    for c in d.changes],
    }


def _md(text: str) -> str:
    """Text safe inside a Markdown inline code span or list item."""
    return text.replace("\\", "\\\\").replace("`", "\\`").replace("\n", " ").replace("<", "&lt;")


def to_markdown(d: Diff, *, title: str | None = None) -> str:
    """A changelog entry: counts, then added, removed and changed entities."""
    counts = d.counts()
    out = [f"## {_md(title or f'Changes from {d.old} to {d.new}')}", ""]
    summary = [f"{PLURAL.get(kind, kind)}: " + ", ".join(f"{n} {what}" for what, n in c.items() if n)
               for kind, c in counts.items() if any(c.values())]
    out += [("- " + line) for line in summary] or ["No changes."]
    for what in ("added", "removed", "changed"):
        group = [c for c in d.changes if c.change == what]
        if not group:
            continue
        out += ["", f"### {what.capitalize()}", ""]
        for c in group:
            name = f" ({_md(c.label)})" if c.label and c.label != c.id else ""
            out.append(f"- {c.kind} `{_md(c.id)}`{name}")
            if what == "changed":
                for f in c.fields:
                    old = "; ".join(f"`{_md(v)}`" for v in f.removed) or "(none)"
                    new = "; ".join(f"`{_md(v)}`" for v in f.added) or "(none)"
                    out.append(f"  - {_md(f.field)}: {old} -> {new}")
    return "\n".join(out) + "\n"


def summary_line(d: Diff) -> str:
    parts = [f"{PLURAL.get(kind, kind)}: {c['added']} added, {c['removed']} removed, {c['changed']} changed"
             for kind, c in d.counts().items()]
    return f"{d.old} -> {d.new}: " + "; ".join(parts)


__all__ = ["rows", "summary_line", "to_json", "to_markdown"]
