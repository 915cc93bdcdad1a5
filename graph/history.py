"""Each entity's history across data releases: when it was first seen and what changed when.

Read from the git history of the data folder: every commit that touched it is compiled through
the same pipeline (once; cached by tree, as ``diff git:REV`` does) and compared with the one
before. A revision whose records no longer compile under the current code is skipped and
named in ``History.skipped``, so a gap is said, not hidden.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .diff import compare, describe, git_tree
from .errors import ComputeKGError


@dataclass(frozen=True)
class Revision:
    sha: str
    date: str  # the commit date, YYYY-MM-DD
    subject: str


@dataclass(frozen=True)
class Step:
    """One change of one entity in one revision (``fields`` empty for added and removed)."""

    revision: Revision
    change: str  # added | removed | changed
    fields: tuple[str, ...] = ()


@dataclass
class History:
    revisions: list[Revision] = field(default_factory=list)
    skipped: list[Revision] = field(default_factory=list)
    steps: dict[tuple[str, str], list[Step]] = field(default_factory=dict)

    def of(self, kind: str, id: str) -> list[Step]:
        """Oldest first: the first step is when the entity was first seen (``added``)."""
        return self.steps.get((kind, id), [])


def data_revisions(repo: Path, sub: str = "data", *, limit: int | None = None) -> list[Revision]:
    """Commits that touched ``sub``, oldest first (the newest ``limit`` of them)."""
    cmd = ["git", "log", "--format=%H%x1f%cs%x1f%s", "--", sub]
    if limit:
        cmd[2:2] = [f"-{limit}"]
    res = subprocess.run(cmd, cwd=repo, capture_output=True, text=True)
    if res.returncode:
        raise ComputeKGError(f"cannot read the git history of {repo}: {res.stderr.strip()}")
    revs = [Revision(*line.split("\x1f", 2)) for line in res.stdout.splitlines() if line.strip()]
    return revs[::-1]


def history(repo: Path, sub: str = "data", *, sources=None, limit: int | None = None) -> History:
    """Compile each revision of ``repo``'s ``sub`` folder and collect every entity's steps."""
    from .cache import cached_store

    out = History()
    previous: dict = {}
    for rev in data_revisions(repo, sub, limit=limit):
        try:
            folder = git_tree(f"git:{rev.sha}:{sub}", cwd=repo)
            store = cached_store([folder], sources=sources)
        except ComputeKGError:
            out.skipped.append(rev)
            continue
        try:
            now = describe(store)
        finally:
            store.close()
        out.revisions.append(rev)
        for c in compare(previous, now).changes:
            fields = tuple(f.field for f in c.fields) if c.change == "changed" else ()
            out.steps.setdefault((c.kind, c.id), []).append(Step(rev, c.change, fields))
        previous = now
    return out
