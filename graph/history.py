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
    why_skipped: dict[str, str] = field(default_factory=dict)  # sha -> the error's first line
    older: int = 0  # revisions that touched the folder before the ones read (a ``limit`` left them out)

    def of(self, kind: str, id: str) -> list[Step]:
        """Oldest first: the first step is when the entity was first seen (``added``); when
        ``older`` is not 0, an ``added`` in the first revision read may mean "already there"."""
        return self.steps.get((kind, id), [])


def data_revisions(repo: Path, sub: str = "data", *, limit: int | None = None) -> list[Revision]:
    """Commits that touched ``sub``, oldest first (the newest ``limit`` of them), along the first
    parents: a merged branch is one release, not its commits interleaved with the main line's
    (which would show a field changing back and forth)."""
    cmd = ["git", "log", "--first-parent", "--format=%H%x1f%cs%x1f%s", "--", sub]
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
        except ComputeKGError as exc:
            out.skipped.append(rev)
            out.why_skipped[rev.sha] = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
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


def folder_history(folder: Path, *, limit: int | None = None, sources=None) -> History | None:
    """The history of a record folder kept in a git checkout (its newest ``limit`` revisions),
    or None when there is none to read: git missing, the folder outside a checkout, never
    committed, or the checkout's top folder itself."""
    folder = Path(folder).resolve()
    if not folder.is_dir():
        return None
    try:
        res = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True)
    except OSError:  # no git
        return None
    if res.returncode or not res.stdout.strip():
        return None
    top = Path(res.stdout.strip()).resolve()
    sub = folder.relative_to(top).as_posix()
    if sub in ("", "."):
        return None
    try:
        total = len(data_revisions(top, sub))
    except ComputeKGError:
        return None
    if not total:
        return None
    out = history(top, sub, sources=sources, limit=limit)
    out.older = max(0, total - limit) if limit else 0
    return out
