"""What changed between two versions of the graph: companies, facilities and deals added,
removed and changed, field by field.

Both sides are read as RDF (a record folder or file is compiled through the same pipeline as
every other command), so any two of these compare: a record folder or file, a store folder, a
SPARQL endpoint, or a git revision of the data (``git:REV``, or ``git:REV:PATH``). Ids are the
join key: a renamed id is a removal plus an addition.

An entity's fields are its properties, each rendered as text; a figure (power, accelerators,
money) is rendered with its qualifier and its source, so a change of source shows as a change.
"""

from __future__ import annotations

import os
import re
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .errors import BadValue
from .vocab import CKG_NS, DEAL_KINDS, DERIVED_GRAPH, ID_NS, ONTOLOGY_GRAPH, PREFIXES, notation

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SCHEMA = PREFIXES["schema"]
PROV = PREFIXES["prov"]
SLUG = CKG_NS + "slug"
ALT = CKG_NS + "alternativeValue"
SOURCE_T = CKG_NS + "Source"
KINDS = {CKG_NS + "Company": "company", CKG_NS + "Facility": "facility",
         **{CKG_NS + local: "deal" for local in DEAL_KINDS.values()}}
ORDER = {"company": 0, "facility": 1, "deal": 2}
PLURAL = {"company": "companies", "facility": "facilities", "deal": "deals"}
# Fields named as users know them from the records (the rest keep the property's local name).
FIELD_NAMES = {
    SCHEMA + "name": "name", SCHEMA + "alternateName": "aliases", RDF_TYPE: "kind",
    PROV + "wasDerivedFrom": "sources", PROV + "hadPrimarySource": "primary sources",
    CKG_NS + "powerCapacity": "power_mw", CKG_NS + "acceleratorCapacity": "accelerators",
    CKG_NS + "totalValue": "total_value", CKG_NS + "companyKind": "kind",
    "http://www.w3.org/ns/org#subOrganizationOf": "parent", CKG_NS + "facilityStatus": "status",
    SCHEMA + "address": "location", SCHEMA + "geo": "coordinates",
}
SKIP = {SLUG, RDFS_LABEL}
# Partial dates: stored as a date plus its precision, shown as the record writes them.
DATES = {CKG_NS + "announcedDate": ("announced", CKG_NS + "announcedPrecision", False),
         CKG_NS + "startDate": ("start", CKG_NS + "startPrecision", False),
         CKG_NS + "endDate": ("end", CKG_NS + "endPrecision", True),
         CKG_NS + "parentSince": ("parent_since", CKG_NS + "parentSincePrecision", False)}
PRECISION_PROPS = {v[1] for v in DATES.values()}
# Inside a figure: the value and its unit first, its source last.
NODE_ORDER = {SCHEMA + "value": 0, SCHEMA + "unitText": 1, SCHEMA + "currency": 1, CKG_NS + "per": 2,
              CKG_NS + "acceleratorModel": 3, CKG_NS + "qualifier": 4, PROV + "wasDerivedFrom": 9}
MAX_DEPTH = 3


@dataclass(frozen=True)
class FieldChange:
    """One field of one entity: the values it had and has (each sorted)."""

    field: str
    old: tuple[str, ...]
    new: tuple[str, ...]

    @property
    def removed(self) -> tuple[str, ...]:
        """Values only the old side has."""
        return tuple(v for v in self.old if v not in self.new)

    @property
    def added(self) -> tuple[str, ...]:
        """Values only the new side has."""
        return tuple(v for v in self.new if v not in self.old)


@dataclass(frozen=True)
class EntityChange:
    """An entity added, removed or changed; ``fields`` lists what differs (all fields when added
    or removed)."""

    kind: str  # company | facility | deal
    id: str
    change: str  # added | removed | changed
    label: str
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class Diff:
    old: str
    new: str
    changes: tuple[EntityChange, ...] = field(default_factory=tuple)

    def counts(self) -> dict[str, dict[str, int]]:
        """``{kind: {added: n, removed: n, changed: n}}`` for every kind."""
        out = {k: {"added": 0, "removed": 0, "changed": 0} for k in ORDER}
        for c in self.changes:
            out.setdefault(c.kind, {"added": 0, "removed": 0, "changed": 0})[c.change] += 1
        return out

    @property
    def empty(self) -> bool:
        return not self.changes


@dataclass
class Entity:
    kind: str
    id: str
    label: str
    fields: dict[str, frozenset[str]]


# ---------------------------------------------------------------------------- reading a side

def _git_toplevel(cwd: Path) -> Path:
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True,
                             text=True, check=True)
    except FileNotFoundError:
        raise BadValue("git is not installed", "install git, or compare two folders instead") from None
    except subprocess.CalledProcessError:
        raise BadValue(f"{cwd} is not inside a git repository",
                         "run computekg diff git:REV from the repository that holds the data") from None
    return Path(out.stdout.strip())


def git_tree(spec: str, *, cwd: Path | None = None) -> Path:
    """Extract the data of ``git:REV[:PATH]`` (PATH defaults to ``data``) into the cache, once per
    tree, and return the folder. Read with ``git archive``; nothing in the work tree changes."""
    from .cache import cache_root

    rev, _, sub = spec[len("git:"):].partition(":")
    sub = sub.strip("/") or "data"
    if not rev:
        raise BadValue(f"{spec!r} names no revision", "write git:REV, e.g. git:HEAD~1 or git:v0.1")
    top = _git_toplevel(cwd or Path.cwd())
    res = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}:{sub}"],
                         cwd=top, capture_output=True, text=True)
    tree = res.stdout.strip()
    if res.returncode or not tree:
        raise BadValue(f"git revision {rev!r} has no folder {sub!r} in {top}",
                         "check the revision with git log, and the path (git:REV:PATH)")
    target = cache_root() / "git" / tree
    if not target.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f"{tree}.tmp-", dir=target.parent))
        arch = subprocess.run(["git", "archive", "--format=tar", tree], cwd=top, capture_output=True)
        if arch.returncode:
            raise BadValue(f"git archive failed for {spec}: {arch.stderr.decode(errors='replace').strip()}",
                             "check the revision with git log")
        tar_path = tmp / ".tree.tar"
        tar_path.write_bytes(arch.stdout)
        with tarfile.open(tar_path) as tf:
            tf.extractall(tmp / sub.split("/")[-1], filter="data")
        tar_path.unlink()
        try:
            os.rename(tmp, target)
        except OSError:  # another process extracted it first
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    return target / sub.split("/")[-1]


def _is_store_folder(path: Path) -> bool:
    """A store folder (generations, or an older version's pyoxigraph folder) rather than records."""
    from .generations import Folder

    return Folder(path).exists()


def record_paths(path: Path) -> list[Path]:
    """A record folder or file; a repository root stands for its ``data/`` folder."""
    if path.is_dir() and (path / "data").is_dir() and ((path / ".git").exists() or (path / "pyproject.toml").exists()):
        return [path / "data"]
    return [path]


def open_side(spec: str, *, sources=None, progress=None):
    """A store for one side of a diff (see the module docstring). The caller closes it."""
    from .cache import cached_store
    from .remote import open_store

    if spec.startswith("git:"):
        return cached_store([git_tree(spec)], sources=sources, **({"progress": progress} if progress else {}))
    if spec.startswith(("http://", "https://")):
        return open_store(spec)
    path = Path(spec)
    if not path.exists():
        raise BadValue(f"{spec!r} is neither a file, a folder, a SPARQL endpoint nor git:REV",
                         "give a record folder or file, a store folder, an http(s) URL or git:REV")
    if path.is_dir() and _is_store_folder(path):
        return open_store(path)
    return cached_store(record_paths(path), sources=sources, **({"progress": progress} if progress else {}))


# ---------------------------------------------------------------------------- describing entities

def _quads(store) -> Iterator[tuple[str, str, object, str | None]]:
    """(subject, predicate, object term, graph) for every quad a store holds (ontology and
    derived graphs left out: they are computed, not data)."""
    import pyoxigraph as ox

    data = store.dump_nquads()
    skip = {ONTOLOGY_GRAPH, DERIVED_GRAPH}
    for q in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        g = q.graph_name
        gv = None if isinstance(g, ox.DefaultGraph) else g.value
        if gv in skip:
            continue
        yield q.subject.value, q.predicate.value, q.object, gv


def _date_text(value: str, precision: str | None, last: bool) -> str:
    import datetime as dt

    from .dates import stored_text

    try:
        return stored_text(dt.date.fromisoformat(value[:10]), precision, last=last) or value
    except ValueError:
        return value


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
    return iri


class _Describer:
    """Renders the triples around each entity as ``field -> values`` text."""

    def __init__(self, quads) -> None:
        import pyoxigraph as ox

        self._literal = ox.Literal
        self.props: dict[str, list[tuple[str, object]]] = defaultdict(list)
        self.types: dict[str, str] = {}
        for s, p, o, _ in quads:
            self.props[s].append((p, o))
            if p == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value in KINDS:
                self.types[s] = o.value
        self.slugs = {s: next((o.value for p, o in self.props[s] if p == SLUG), _local(s)) for s in self.types}
        self._sources: dict[str, str] = {}

    def entities(self) -> dict[tuple[str, str], Entity]:
        out = {}
        for s, t in self.types.items():
            kind = KINDS[t]
            fields: dict[str, set[str]] = defaultdict(set)
            label = ""
            precision = {p: o.value for p, o in self.props[s] if p in PRECISION_PROPS}
            for p, o in self.props[s]:
                if p in SKIP or p in PRECISION_PROPS:
                    continue
                if p in DATES:
                    name, prec, last = DATES[p]
                    fields[name].add(_date_text(o.value, notation(precision.get(prec)), last))
                    continue
                if p == SCHEMA + "name" and not label:
                    label = o.value
                name = FIELD_NAMES.get(p, _local(p))
                for text in self._values(o, depth=0, owner=s):
                    fields[name].add(text)
            out[(kind, self.slugs[s])] = Entity(kind, self.slugs[s], label,
                                                 {k: frozenset(v) for k, v in fields.items()})
        return out

    def _values(self, o, *, depth: int, owner: str) -> list[str]:
        """One value (a headline figure also yields its alternatives, marked as such)."""
        if isinstance(o, self._literal):
            return [o.value]
        iri = o.value
        if iri in self.types:
            return [self.slugs[iri]]
        m = _ENTITY.match(iri)
        if m and m.end() == len(iri):  # an entity outside the part read (see compare_stores)
            return [m.group(2)]
        if notation(iri) is not None:
            return [notation(iri)]
        props = self.props.get(iri)
        if not props or depth >= MAX_DEPTH:
            return [_local(iri) if iri.startswith(CKG_NS) else iri]
        if any(p == RDF_TYPE and getattr(v, "value", None) == SOURCE_T for p, v in props):
            return [self._source(iri)]
        head = self._node(iri, depth=depth, owner=owner)
        alts = [self._node(v.value, depth=depth, owner=owner) + " (alternative)"
                for p, v in props if p == ALT]
        return [head, *sorted(alts)] if alts else [head]

    def _node(self, iri: str, *, depth: int, owner: str) -> str:
        parts = []
        props = self.props.get(iri, ())
        has_unit_text = any(p == SCHEMA + "unitText" for p, _ in props)
        for p, v in sorted(props, key=lambda pv: (NODE_ORDER.get(pv[0], 5), pv[0], str(pv[1]))):
            if p in (RDF_TYPE, ALT) or getattr(v, "value", None) == owner:
                continue
            if p == SCHEMA + "unitCode" and has_unit_text:
                continue
            vals = ", ".join(self._values(v, depth=depth + 1, owner=owner))
            if p in (SCHEMA + "value", SCHEMA + "unitText", SCHEMA + "currency"):
                parts.append(vals)
            else:
                name = "source" if p == PROV + "wasDerivedFrom" else FIELD_NAMES.get(p, _local(p))
                parts.append(f"{name}: {vals}")
        return "; ".join(parts)

    def _source(self, iri: str) -> str:
        if iri not in self._sources:
            f = {_local(p): v.value for p, v in self.props[iri] if p != RDF_TYPE}
            kind = notation(next((v.value for p, v in self.props[iri] if p == CKG_NS + "sourceKind"), None))
            bits = [f.get("publisher", ""), f.get("name", ""), f.get("datePublished", ""), kind or "", f.get("url", "")]
            self._sources[iri] = " | ".join(b for b in bits if b)
        return self._sources[iri]


def describe(store) -> dict[tuple[str, str], Entity]:
    """Every company, facility and deal in a store, keyed by (kind, id), with its fields."""
    return _Describer(_quads(store)).entities()


# ---------------------------------------------------------------------------- the fast path
# Both sides come from the same pipeline, so an unchanged entity has byte-identical N-Quads
# lines: a set difference of lines finds what changed, and only those entities are described.

_ENTITY = re.compile(re.escape(ID_NS) + "(company|facility|deal)/([^/]+)")
_SKIP_LINES = tuple(f"<{g}> .".encode() for g in (ONTOLOGY_GRAPH, DERIVED_GRAPH))


def _lines(store) -> set[bytes]:
    return {ln for ln in store.dump_nquads().split(b"\n") if ln and not ln.endswith(_SKIP_LINES)}


def _subject(line: bytes) -> bytes:
    return line[1:line.index(b">")]


def _object_iri(line: bytes) -> bytes | None:
    """The object of an N-Quads line when it is an IRI (subjects and predicates hold no "> ")."""
    p_end = line.index(b"> ", line.index(b"> ") + 2)
    rest = line[p_end + 2:]
    return rest[1:rest.index(b">")] if rest.startswith(b"<") else None


def _owner(subject: bytes) -> bytes | None:
    m = _ENTITY.match(subject.decode("utf-8", "replace"))
    return m.group(0).encode() if m else None


def _index(lines: set[bytes]) -> dict[bytes, list[bytes]]:
    out: dict[bytes, list[bytes]] = defaultdict(list)
    for ln in lines:
        out[_subject(ln)].append(ln)
    return out


def _closure(index: dict[bytes, list[bytes]], roots: set[bytes]) -> list[bytes]:
    """The lines of ``roots`` and of every node they lead to, stopping at other entities."""
    seen, todo, out = set(roots), list(roots), []
    for _ in range(MAX_DEPTH + 2):
        nxt = []
        for subj in todo:
            for ln in index.get(subj, ()):
                out.append(ln)
                o = _object_iri(ln)
                if o is not None and o not in seen and o in index:
                    own = _owner(o)
                    if own is None or own != o:  # a node, a sub-node, a source: follow it
                        seen.add(o)
                        nxt.append(o)
        todo = nxt
    return out


def _parse(lines: list[bytes]):
    import pyoxigraph as ox

    for q in ox.parse(b"\n".join(lines) + b"\n", format=ox.RdfFormat.N_QUADS):
        g = q.graph_name
        yield q.subject.value, q.predicate.value, q.object, None if isinstance(g, ox.DefaultGraph) else g.value


def compare_stores(old, new, *, old_name: str = "old", new_name: str = "new") -> Diff:
    """:func:`compare` of two stores, describing only the entities whose triples differ."""
    la, lb = _lines(old), _lines(new)
    changed = la ^ lb
    if not changed:
        return Diff(old_name, new_name, ())
    ia, ib = _index(la), _index(lb)
    owners: set[bytes] = set()
    pending: set[bytes] = set()
    for ln in changed:
        subj = _subject(ln)
        own = _owner(subj)
        if own is not None:
            owners.add(own)
        elif not subj.startswith(f"{ID_NS}source/".encode()):  # a changed source changes its IRI too
            pending.add(subj)
    for _ in range(MAX_DEPTH):  # nodes outside any entity's IRIs (Epoch uses, snapshots): who refers to them
        if not pending:
            break
        found = set()
        for index in (ia, ib):
            for subj, lines in index.items():
                if subj not in pending and any(_object_iri(ln) in pending for ln in lines):
                    found.add(subj)
        owners |= {o for o in map(_owner, found) if o is not None}
        pending = {s for s in found if _owner(s) is None}
    descs = []
    for index in (ia, ib):
        d = _Describer(_parse(_closure(index, {o for o in owners if o in index})))
        descs.append(d.entities())
    return compare(descs[0], descs[1], old_name=old_name, new_name=new_name)


# ---------------------------------------------------------------------------- comparing

def compare(old: dict[tuple[str, str], Entity], new: dict[tuple[str, str], Entity], *,
            old_name: str = "old", new_name: str = "new") -> Diff:
    """The differences between two descriptions (as :func:`describe` returns them)."""
    changes: list[EntityChange] = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (ORDER.get(k[0], 9), k[0], k[1])):
        a, b = old.get(key), new.get(key)
        if a is None or b is None:
            e = b if a is None else a
            fields = tuple(FieldChange(f, () if a is None else tuple(sorted(v)), () if b is None else tuple(sorted(v)))
                           for f, v in sorted(e.fields.items()))
            changes.append(EntityChange(e.kind, e.id, "added" if a is None else "removed", e.label, fields))
            continue
        diffs = tuple(FieldChange(f, tuple(sorted(a.fields.get(f, ()))), tuple(sorted(b.fields.get(f, ()))))
                      for f in sorted(a.fields.keys() | b.fields.keys())
                      if a.fields.get(f, frozenset()) != b.fields.get(f, frozenset()))
        if diffs:
            changes.append(EntityChange(b.kind, b.id, "changed", b.label, diffs))
    return Diff(old_name, new_name, tuple(changes))


def diff(old: str, new: str, *, sources=None) -> Diff:
    """Compare two sides named as the CLI names them (folder, file, store, URL, ``git:REV``)."""
    a = open_side(old, sources=sources)
    try:
        b = open_side(new, sources=sources)
        try:
            return compare_stores(a, b, old_name=old, new_name=new)
        finally:
            b.close()
    finally:
        a.close()


__all__ = ["Diff", "EntityChange", "FieldChange", "compare", "compare_stores", "describe", "diff", "git_tree", "open_side"]
