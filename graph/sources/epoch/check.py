"""Epoch AI's datasets joined to the curated records: facilities, compute uses, capacity timelines.

Two steps, both at compile time (lookups never parse CSV):

* :func:`check` is run by :func:`graph.validate.validate` after the curated records are typed. It
  turns the raw Epoch rows (this source's sections, read by :mod:`.read`) into the typed rows of
  :class:`~.rows.EpochData` and resolves every Epoch name through the reviewed alias table
  (``data/epoch/aliases.yaml``): a name listed there maps to the company (or facility) given, or
  to nothing (``null``); otherwise an exact, case-insensitive match on a company's id, name or
  alias maps it. There is no fuzzy matching. A name that matches nothing becomes a company
  marked ``from_epoch``, and a note in the report names it so a curator can map it.
* :func:`.triples.epoch_graph` builds the triples of this source's named graph: one ``ckg:Facility`` per GPU cluster, Epoch's data-centre facts on the
  curated facility they describe (or on a new facility), a ``ckg:ComputeUse`` node per user with
  Epoch's confidence, the direct ``ckg:usesComputeAt`` and the derived
  ``ckg:leasesComputeFromPerEpoch`` (user -> owner), and ``ckg:CapacitySnapshot`` nodes for the
  timelines. Every node is ``prov:wasDerivedFrom`` the Epoch dataset (a ``ckg:Dataset`` with
  title, URL, licence and snapshot date) and, where the row cites them, its own sources.

Rules, documented in ``data/epoch/README.md``:

* A data centre mapped to a curated facility *is* that facility: its facts go on the same node,
  filling only what the curated record lacks (coordinates, address, owner); Epoch's power figure
  hangs off the curated headline as an alternative value. A GPU cluster is an installation: it
  is always its own facility, and a mapping names the curated facility that houses it
  (``schema:containedInPlace``).
* Confidence: data-centre cells carry ``#confident``, ``#likely`` or ``#speculative`` per name.
  GPU-cluster cells carry no tags; the row's ``Certainty`` (Confirmed, Likely, Unlikely) is used.
* A timeline entry dated after the snapshot date is a projection; on or before, an observation.
"""

from __future__ import annotations

from collections import defaultdict

from ...dates import PartialDate
from ...errors import Problem, Report
from ...loaders import RawRecord, ReadResult
from ...records import Catalog, Company
from ...vocab import CONFIDENCES, is_slug
from .cells import ascii_slug, clean_name, norm, parse_dms, parse_number, split_names
from .read import SECTIONS
from .rows import (URL_IN_CELL, CERTAINTY, CLUSTER_STATUS, COUNTRIES, DATASETS, DEFAULT_SNAPSHOT, SECTION_DATASET, EpochData,
                   EpochDataset, EpochSite, EpochSnapshot, Use)


# ---------------------------------------------------------------------------- name resolution

class _Names:
    """Resolve Epoch company names: reviewed table first, then exact id/name/alias, else new."""

    def __init__(self, cat: Catalog, table: dict[str, tuple[str | None, RawRecord]], report: Report):
        self.cat, self.table, self.report = cat, table, report
        self.index: dict[str, set[str]] = defaultdict(set)
        for c in cat.companies.values():
            for n in (c.id, c.name, *c.aliases):
                self.index[norm(n)].add(c.id)
        self.resolved: dict[str, str | None] = {}
        self.unmapped: dict[str, tuple[str, str, int]] = {}  # norm -> (name as first seen, file, line)
        self.seen_in: dict[str, set[str]] = defaultdict(set)  # norm -> dataset keys
        self.deferred: dict[str, tuple[str, RawRecord]] = {}  # norm -> (target id, alias record)
        self.shown: dict[str, str] = {}  # norm -> the name as first seen

    def resolve(self, name: str, file: str, line: int, dataset: str) -> str | None:
        key = norm(name)
        self.seen_in[key].add(dataset)
        self.shown.setdefault(key, name)
        if key in self.resolved:
            return self.resolved[key]
        if key in self.table:
            target, rec = self.table[key]
            if target is None or target in self.cat.companies:
                self.resolved[key] = target
                return target
            # Maybe the id of a company created from another Epoch name: settled in finish().
            self.deferred[key] = (target, rec)
            self.resolved[key] = None
            self.unmapped.setdefault(key, (name, file, line))
            return None
        ids = self.index.get(key, set())
        if len(ids) == 1:
            self.resolved[key] = next(iter(ids))
            return self.resolved[key]
        if len(ids) > 1:
            self.report.problems.append(Problem(file, line, "", "epoch name", (
                f"Epoch AI name {name!r} matches several companies ({', '.join(sorted(ids))}); "
                "say which in data/epoch/aliases.yaml (epoch_aliases)")))
            self.resolved[key] = None
            return None
        self.resolved[key] = None
        self.unmapped.setdefault(key, (name, file, line))
        return None


# ---------------------------------------------------------------------------- the check

def _snapshot(records: list[RawRecord], report: Report) -> PartialDate:
    for rec in records:
        raw = rec.data.get("date")
        try:
            return PartialDate.parse(raw)
        except ValueError as exc:
            report.problems.append(Problem(rec.file, rec.data.line_of("date"), "", "epoch_snapshot.date", str(exc)))
    if records:
        return PartialDate.parse(DEFAULT_SNAPSHOT)
    report.notes.append(Problem("", 0, "", "epoch_snapshot", (
        f"no epoch_snapshot date given with Epoch AI's files; assuming {DEFAULT_SNAPSHOT} (the bundled "
        "snapshot's date) to tell observed from projected timeline entries")))
    return PartialDate.parse(DEFAULT_SNAPSHOT)


def _table(records: list[RawRecord], target: str, report: Report) -> dict[str, tuple[str | None, RawRecord]]:
    out: dict[str, tuple[str | None, RawRecord]] = {}
    for rec in records:
        name = str(rec.data.get("epoch_name", ""))
        key = norm(name)
        if key in out:
            first = out[key][1]
            report.problems.append(Problem(rec.file, rec.line, "", name, (
                f"listed twice (also at {first.file}:{first.line}, names compare without case)")))
            continue
        out[key] = (rec.data.get(target), rec)
    return out


def check(cat: Catalog, read: ReadResult, report: Report) -> EpochData:
    """Turn Epoch rows into typed rows and new companies (added to ``cat``); problems and notes
    for curators go into ``report``."""
    by_section: dict[str, list[RawRecord]] = defaultdict(list)
    for rec in read.records:
        if rec.section in SECTIONS:
            by_section[rec.section].append(rec)
    if not any(by_section.get(s) for s in SECTION_DATASET):
        return EpochData()
    snapshot = _snapshot(by_section.get("epoch_snapshot", []), report)
    datasets = {k: EpochDataset(k, t, u, snapshot) for k, (t, u) in DATASETS.items()
                if any(by_section.get(s) for s, d in SECTION_DATASET.items() if d == k)}
    names = _Names(cat, _table(by_section.get("epoch_aliases", []), "company", report), report)
    fac_table = _table(by_section.get("epoch_facilities", []), "facility", report)
    for key, (target, rec) in fac_table.items():
        if target is not None and target not in cat.facilities:
            report.problems.append(Problem(rec.file, rec.line, "", str(rec.data.get("epoch_name")), (
                f"unknown facility {target!r}; give a facility id from the curated records, or null")))
    fac_index: dict[str, set[str]] = defaultdict(set)
    for f in cat.facilities.values():
        for n in (f.id, f.name, *f.aliases):
            fac_index[norm(n)].add(f.id)

    def facility_for(name: str) -> str | None:
        key = norm(name)
        if key in fac_table:
            target = fac_table[key][0]
            return target if target in cat.facilities else None
        ids = fac_index.get(key, set())
        return next(iter(ids)) if len(ids) == 1 else None

    used_keys = set(cat.facilities)

    def new_key(prefix: str, name: str) -> str:
        base = f"{prefix}{ascii_slug(name)}"
        key, n = base, 1
        while key in used_keys:
            n += 1
            key = f"{base}-{n}"
        used_keys.add(key)
        return key

    sites: list[EpochSite] = []
    no_link = 0
    for rec in by_section.get("epoch_data_centers", []):
        sites.append(_data_center(rec, names, facility_for, new_key, report))
    for rec in by_section.get("epoch_clusters", []):
        site, skipped = _cluster(rec, names, facility_for, new_key, report)
        sites.append(site)
        no_link += skipped
    if no_link:
        report.notes.append(Problem(by_section["epoch_clusters"][0].file, 0, "", "Source 1-5", (
            f"{no_link} source cell(s) of Epoch AI's GPU clusters hold no web address "
            "(e.g. 'Cluster performance database'); they are not linked")))

    by_handle = {norm(s.epoch_name): s for s in sites if s.kind == "data_center"}
    snapshots: list[EpochSnapshot] = []
    for rec in by_section.get("epoch_timelines", []):
        snap = _timeline_row(rec, by_handle, facility_for, snapshot, report)
        if snap is not None:
            snapshots.append(snap)

    resolved = _new_companies(cat, names, datasets, report)
    _unused_entries(names.table, set(names.seen_in), "epoch_aliases", report)
    _unused_entries(fac_table, {norm(s.epoch_name) for s in sites}, "epoch_facilities", report)
    _check_owners(cat, sites, resolved, report)
    hardware = by_section.get("epoch_hardware", [])
    if hardware:
        report.notes.append(Problem(hardware[0].file, 0, "", "", (
            f"{len(hardware)} accelerator models in Epoch AI's ML hardware data recognised; not imported "
            "into the graph (chip specifications are not used yet)")))
    return EpochData(datasets=sorted(datasets.values(), key=lambda d: d.key),
                     sites=sorted(sites, key=lambda s: s.key),
                     snapshots=sorted(snapshots, key=lambda s: (s.site_key, s.date)),
                     hardware=[r.data.get("Hardware name", "").strip() for r in hardware],
                     resolved=resolved,
                     companies_made=sorted(c.id for c in cat.companies.values() if c.from_epoch))


def _unused_entries(table: dict[str, tuple[str | None, RawRecord]], seen: set[str], what: str,
                   report: Report) -> None:
    for key, (_, rec) in sorted(table.items()):
        if key not in seen:
            report.notes.append(Problem(rec.file, rec.line, "", str(rec.data.get("epoch_name")), (
                f"{what} entry names nothing in the Epoch AI files read (renamed or dropped by Epoch?)")))


def _users(rec: RawRecord, col: str, names: _Names, dataset: str, default: str | None,
           report: Report, rid: str) -> list[Use]:
    out: dict[str, Use] = {}
    rank = {"confident": 0, "likely": 1, "speculative": 2, None: 3}
    for name, tag in split_names(rec.data.get(col, "")):
        conf = default
        if tag is not None:
            if tag in CONFIDENCES:
                conf = tag
            else:
                report.notes.append(Problem(rec.file, rec.line, rid, col, (
                    f"unknown tag #{tag} on {name!r} (expected #confident, #likely or #speculative)")))
        cid = names.resolve(name, rec.file, rec.line, dataset)
        if cid is None and norm(name) not in names.unmapped:
            continue  # mapped to "no company"
        key = cid or "?" + norm(name)
        if key not in out or rank[conf] < rank[out[key].confidence]:
            out[key] = Use(cid or "?" + norm(name), conf, name)
    return list(out.values())


def _owners(rec: RawRecord, names: _Names, dataset: str) -> list[str]:
    out: list[str] = []
    for name, _ in split_names(rec.data.get("Owner", "")):
        cid = names.resolve(name, rec.file, rec.line, dataset)
        key = cid or ("?" + norm(name) if norm(name) in names.unmapped else None)
        if key and key not in out:
            out.append(key)
    return out


def _num(rec: RawRecord, col: str, report: Report, rid: str) -> float | None:
    text = rec.data.get(col, "")
    v = parse_number(text)
    if v is None and text.strip():
        report.notes.append(Problem(rec.file, rec.line, rid, col, f"not a number: {text.strip()!r}; left out"))
    return v


def _pdate(rec: RawRecord, col: str, report: Report, rid: str) -> PartialDate | None:
    text = rec.data.get(col, "").strip()
    if not text:
        return None
    try:
        return PartialDate.parse(text)
    except ValueError as exc:
        report.notes.append(Problem(rec.file, rec.line, rid, col, f"{exc}; left out"))
        return None


def _data_center(rec: RawRecord, names: _Names, facility_for, new_key, report: Report) -> EpochSite:
    d = rec.data
    handle = clean_name(d.get("Handle", ""))
    target = facility_for(handle)
    key = new_key("epoch-dc-", handle)
    site = EpochSite("data_center", key, handle, target or key, target is None, "data_centers",
                     name=clean_name(d.get("Title", "")) or handle, file=rec.file, line=rec.line)
    site.address = " ".join(d.get("Address", "").split()) or None
    for col, attr in (("Latitude", "lat"), ("Longitude", "lon")):
        text = d.get(col, "")
        v = parse_dms(text)
        if v is None and text.strip():
            report.notes.append(Problem(rec.file, rec.line, handle, col, f"unreadable coordinate {text!r}; left out"))
        setattr(site, attr, v)
    if site.lat is None or site.lon is None or not (-90 <= site.lat <= 90 and -180 <= site.lon <= 180):
        site.lat = site.lon = None
    site.owners = _owners(rec, names, "data_centers")
    site.users = _users(rec, "Users", names, "data_centers", None, report, handle)
    site.power_calculated = _num(rec, "Current power (MW)", report, handle)
    site.h100e = _num(rec, "Current H100 equivalents", report, handle)
    return site


def _cluster(rec: RawRecord, names: _Names, facility_for, new_key, report: Report) -> tuple[EpochSite, int]:
    d = rec.data
    name = clean_name(d.get("Name", ""))
    key = new_key("epoch-", name)
    site = EpochSite("cluster", key, name, key, True, "gpu_clusters", name=name, file=rec.file, line=rec.line)
    site.housed_in = facility_for(name)
    location = ", ".join(p.strip() for p in d.get("Location", "").splitlines() if p.strip())
    country = d.get("Country", "").strip()
    site.country = COUNTRIES.get(country)
    if location and location != country:
        site.address = location
    status = d.get("Status", "").strip()
    site.status = CLUSTER_STATUS.get(status.lower())
    if status and site.status is None:
        report.notes.append(Problem(rec.file, rec.line, name, "Status", f"unknown status {status!r}; left out"))
    site.certainty = CERTAINTY.get(d.get("Certainty", "").strip().lower())
    site.owners = _owners(rec, names, "gpu_clusters")
    site.users = _users(rec, "Users", names, "gpu_clusters", site.certainty, report, name)
    site.power_reported = _num(rec, "Reported Power Capacity (MW)", report, name)
    site.power_calculated = _num(rec, "Calculated Power Capacity (MW)", report, name)
    if site.power_reported is None and site.power_calculated is None:
        site.power_reported = _num(rec, "Power Capacity (MW)", report, name)
    site.h100e = _num(rec, "H100 equivalents", report, name)
    for model_col, count_col in (("Chip type (primary)", "Chip quantity (primary)"),
                                 ("Chip type (secondary)", "Chip quantity (secondary)")):
        model = " ".join(d.get(model_col, "").split())
        if model:
            site.chips.append((model, _num(rec, count_col, report, name)))
    site.first_operational = _pdate(rec, "First Operational Date", report, name)
    site.decommissioned = _pdate(rec, "Decommissioned Date (if applicable)", report, name)
    skipped = 0
    for i in range(1, 6):
        cell = d.get(f"Source {i}", "").strip()
        if not cell:
            continue
        m = URL_IN_CELL.search(cell)
        if m:
            url = m.group(0).rstrip(".,;)")
            if url not in site.sources:
                site.sources.append(url)
        else:
            skipped += 1
    return site, skipped


def _timeline_row(rec: RawRecord, by_handle: dict[str, EpochSite], facility_for, snapshot: PartialDate,
                  report: Report) -> EpochSnapshot | None:
    d = rec.data
    handle = clean_name(d.get("Data center", ""))
    site = by_handle.get(norm(handle))
    if site is not None:
        fid, key = site.facility, site.key
    else:
        fid = facility_for(handle)
        key = "epoch-dc-" + ascii_slug(handle)
        if fid is None:
            report.notes.append(Problem(rec.file, rec.line, handle, "Data center", (
                "names no data centre in Epoch AI's data_centers.csv nor a mapped facility; entry left out")))
            return None
    try:
        date = PartialDate.parse(d.get("Date", "").strip()).first
    except ValueError as exc:
        report.notes.append(Problem(rec.file, rec.line, handle, "Date", f"{exc}; entry left out"))
        return None
    status = " ".join(d.get("Construction status", "").split()) or None
    return EpochSnapshot(fid, key, date, date > snapshot.last, _num(rec, "Power (MW)", report, handle),
                         _num(rec, "H100 equivalents", report, handle), status, rec.file, rec.line)


def _new_companies(cat: Catalog, names: _Names, datasets: dict[str, EpochDataset],
                   report: Report) -> dict[str, str | None]:
    """Create a company for every unmapped name; settle alias targets naming such companies."""
    created: dict[str, str] = {}  # norm name -> new company id
    used = set(cat.companies)
    for key, (name, file, line) in sorted(names.unmapped.items()):
        if key in names.deferred:
            continue
        cid = ascii_slug(name)
        if not is_slug(cid) or cid in used:
            base, n = f"{cid}-epoch", 1
            cid = base
            while cid in used:
                n += 1
                cid = f"{base}-{n}"
        used.add(cid)
        created[key] = cid
        srcs = [datasets[k].source for k in sorted(names.seen_in[key]) if k in datasets]
        cat.companies[cid] = Company(id=cid, name=name, from_epoch=True, epoch_names=[name], sources=srcs,
                                     file=file, line=line)
        report.notes.append(Problem(file, line, cid, "epoch name", (
            f"Epoch AI name {name!r} matches no company; added as company {cid!r} (from Epoch). "
            "Map it in data/epoch/aliases.yaml (epoch_aliases: a company id, or null if it is not a company)")))
    by_id = {cid: key for key, cid in created.items()}
    for key, (target, rec) in sorted(names.deferred.items()):
        if target in by_id:
            cid = target
            c = cat.companies[cid]
            name = names.unmapped[key][0]
            if name not in c.epoch_names:
                c.epoch_names.append(name)
            names.resolved[key] = cid
        else:
            from ...suggest import close, did_you_mean

            hint = did_you_mean(close(target, sorted(cat.companies), n=2, lower=False))
            report.problems.append(Problem(rec.file, rec.line, "", str(rec.data.get("epoch_name")), (
                f"unknown company {target!r}; give a company id (curated, or created from another Epoch "
                f"name), or null{hint}")))
        names.unmapped.pop(key, None)
    for key, cid in created.items():
        names.resolved[key] = cid
    # Names that resolved to a curated company: remember them on the company (ckg:epochName).
    for key, cid in names.resolved.items():
        if cid is None or cid in by_id:
            continue
        c = cat.companies.get(cid)
        label = names.shown.get(key)
        if c is not None and label and label not in c.epoch_names:
            c.epoch_names.append(label)
    return dict(names.resolved)


def _check_owners(cat: Catalog, sites: list[EpochSite], resolved: dict[str, str | None], report: Report) -> None:
    """Fill placeholder ids ("?name") with the companies just created; note owner disagreements."""

    def fix(cid: str) -> str | None:
        return resolved.get(cid[1:]) if cid.startswith("?") else cid

    for s in sites:
        s.owners = [o for o in (fix(o) for o in s.owners) if o]
        users = []
        for u in s.users:
            cid = fix(u.company)
            if cid:
                users.append(Use(cid, u.confidence, u.epoch_name))
        s.users = users
        if s.kind == "data_center" and not s.new:
            f = cat.facilities[s.facility]
            curated = {x for x in (f.owner, f.operator) if x}
            if f.owner and s.owners and not set(s.owners) & curated:
                report.notes.append(Problem(s.file, s.line, f.id, "Owner", (
                    f"Epoch AI names owner {', '.join(s.owners)} for {s.epoch_name!r}; the curated record says "
                    f"{', '.join(sorted(curated))} (kept; Epoch's owner is not added)")))
