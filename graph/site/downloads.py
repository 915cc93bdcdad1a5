"""The site's data files: whole-graph dumps, CSV tables, a Frictionless data package, a VoID/DCAT
description, and each entity's own RDF (``company/<id>/index.ttl``).

Dumps come from the library's exporters, written straight to their files one subject at a time
(:func:`graph.export.write_rdf`: the bytes of :func:`graph.export.export_rdf` for Turtle and
N-Triples, the same graph for JSON-LD) and :func:`graph.analytics.build_graph` over the deals the
site has read; counts in ``void.ttl`` come from SPARQL on the store.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from collections import defaultdict
from functools import cached_property
from typing import TYPE_CHECKING, Iterator

from .. import __version__
from ..vocab import ID_NS, ONTOLOGY_GRAPH, PREFIXES
from . import data as D

if TYPE_CHECKING:  # pragma: no cover
    from .pages import Site

DUMPS = [  # file, title, media type, format
    ("computekg.ttl", "The whole graph as Turtle", "text/turtle", "ttl"),
    ("computekg.nt.gz", "The whole graph as N-Triples, gzipped", "application/n-triples", "nt.gz"),
    ("computekg.jsonld", "The whole graph as JSON-LD", "application/ld+json", "jsonld"),
    ("computekg.graphml", "The company graph (one edge per deal) as GraphML", "application/graphml+xml", "graphml"),
]
TABLES = ["deals.csv", "companies.csv", "facilities.csv"]
DUMP_NAMES = {name for name, *_ in DUMPS}

DEAL_FIELDS = [("id", "string", "The deal's id (its page is deal/<id>/)"), ("kind", "string", "Deal kind"),
               ("status", "string", "Status"), ("provider", "string", "Provider company id"),
               ("customer", "string", "Customer company id"), ("members", "string", "Joint-venture members (;)"),
               ("guarantor", "string", "Guarantor company id"), ("end_user", "string", "End user company id"),
               ("facilities", "string", "Facility ids (;)"), ("power_mw", "number", "Headline power in MW"),
               ("power_mw_qualifier", "string", "Qualifier of the headline power"),
               ("total_value_amount", "number", "Headline total value"),
               ("total_value_currency", "string", "Currency of the total value (ISO 4217)"),
               ("announced", "string", "Announcement date (YYYY, YYYY-MM or YYYY-MM-DD)"),
               ("start", "string", "Start date (partial)"), ("end", "string", "End date (partial)"),
               ("supersedes", "string", "Id of the deal this one supersedes"),
               ("amends", "string", "Ids of the deals this one amends (;): totals count this deal's money, not theirs"),
               ("expands", "string", "Ids of the deals this one adds to (;)"),
               ("overlaps", "string", "Ids of the deals whose money this one's figures count (;): totals count it once"),
               ("dates_disputed", "string", "Other sourced dates where sources disagree, as 'field date' (;)"),
               ("primary_source", "boolean", "Has a primary source (filing, company release or government page)"),
               ("primary_source_searched", "string", "Day a primary source was searched for and none found"),
               ("source_urls", "string", "Source addresses (;)")]
COMPANY_FIELDS = [("id", "string", "The company's id"), ("name", "string", "Name"),
                  ("aliases", "string", "Other names (;)"), ("kind", "string", "Company kind"),
                  ("parent", "string", "Parent company id"), ("parent_since", "date", "Parent since"),
                  ("country", "string", "Country (ISO 3166 alpha-2)"), ("wikidata", "string", "Wikidata QID"),
                  ("deals", "integer", "Number of deals")]
FACILITY_FIELDS = [("id", "string", "The facility's id"), ("name", "string", "Name"),
                   ("status", "string", "Status"), ("operators", "string", "Operator company ids (;)"),
                   ("owners", "string", "Owner company ids (;)"), ("city", "string", "City"),
                   ("country", "string", "Country"), ("lat", "number", "Latitude"), ("lon", "number", "Longitude"),
                   ("power_mw", "number", "Power in MW (curated headline, else Epoch AI's)"),
                   ("h100_equivalents", "number", "H100-equivalents (Epoch AI)"),
                   ("from_epoch", "boolean", "Known only from Epoch AI's data")]


def _j(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return ";".join(str(x) for x in v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _csv(fields, rows) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([f[0] for f in fields])
    for r in rows:
        w.writerow([_j(r.get(f[0])) for f in fields])
    return buf.getvalue().encode("utf-8")


class _Sink:
    """A binary file that counts and hashes what is written to it (and passes it on, if given one)."""

    def __init__(self, out=None):
        self.out, self.size, self.sha = out, 0, hashlib.sha256()

    def write(self, b) -> int:
        self.size += len(b)
        self.sha.update(b)
        if self.out is not None:
            self.out.write(b)
        return len(b)

    def flush(self) -> None:
        if self.out is not None:
            self.out.flush()


class Downloads:
    """Every file under ``downloads/``. The whole-graph dumps are written one subject at a time
    (:func:`graph.export.write_rdf`) straight to their file (:meth:`write`), so a build holds none
    of them whole; their sizes and checksums, which the listing, ``datapackage.json`` and
    ``void.ttl`` give, are recorded as they are written (or found by writing them to nowhere)."""

    def __init__(self, site: "Site"):
        self.site = site
        self._meta: dict[str, tuple[int, str]] = {}

    def paths(self) -> Iterator[str]:
        for name, *_ in DUMPS:
            yield "downloads/" + name
        for name in TABLES:
            yield "downloads/" + name
        yield "downloads/datapackage.json"
        yield "downloads/void.ttl"

    def render(self, path: str) -> bytes:
        from .pages import NotFound

        name = path[len("downloads/"):]
        if name in DUMP_NAMES:
            buf = io.BytesIO()
            self.write(name, buf)
            return buf.getvalue()
        if name in self.files:
            return self.files[name]
        if name == "datapackage.json":
            return self.datapackage
        if name == "void.ttl":
            return self.void
        raise NotFound(f"no download {path!r}")

    def write(self, name: str, out) -> int:
        """Write the download ``name`` to the binary file ``out``; returns its size in bytes."""
        sink = _Sink(out)
        if name in DUMP_NAMES:
            self._dump(name, sink)
        else:
            sink.write(self.render("downloads/" + name))
        self._meta[name] = (sink.size, sink.sha.hexdigest())
        return sink.size

    @cached_property
    def _subjects(self) -> list:
        from ..export import sorted_subjects

        return sorted_subjects(self.site.store)

    def _dump(self, name: str, sink: "_Sink") -> None:
        from ..export import _ox, write_rdf

        store = self.site.store
        subjects = self._subjects if _ox(store) is not None else None
        if name == "computekg.ttl":
            write_rdf(store, "turtle", sink, subjects=subjects)
        elif name == "computekg.nt.gz":
            with gzip.GzipFile(filename="", mode="wb", fileobj=sink, mtime=0) as gz:
                write_rdf(store, "nt", gz, subjects=subjects)
        elif name == "computekg.jsonld":
            write_rdf(store, "jsonld", sink, subjects=subjects)
        elif name == "computekg.graphml":
            from ..analytics import build_graph, serialize_graph

            d = self.site.data  # the deals already read, not a second reading of the store
            sink.write(serialize_graph(build_graph(list(d.companies.values()), list(d.deals.values())), "graphml"))

    def _size_hash(self, name: str) -> tuple[int, str]:
        if name not in self._meta:
            if name in DUMP_NAMES:
                self.write(name, None)
            else:
                data = self.files[name]
                self._meta[name] = (len(data), hashlib.sha256(data).hexdigest())
        return self._meta[name]

    @cached_property
    def files(self) -> dict[str, bytes]:
        """The CSV tables (a few short fields per row)."""
        d = self.site.data
        out: dict[str, bytes] = {}
        deals = []
        for x in d.deals.values():
            head_mw = next((v for v in x["power_mw"] if v["headline"]), None)
            head_tv = next((v for v in x["total_value"] if v["headline"]), None)
            deals.append({**x, "power_mw": head_mw["value"] if head_mw else None,
                          "power_mw_qualifier": head_mw["qualifier"] if head_mw else None,
                          "total_value_amount": head_tv["amount"] if head_tv else None,
                          "total_value_currency": head_tv["currency"] if head_tv else None,
                          "primary_source": any(s["primary"] for s in x["sources"]),
                          "primary_source_searched": (x.get("primary_source") or {}).get("searched"),
                          "dates_disputed": [f"{k} {v['value']}" for k, vs in (x.get("date_values") or {}).items()
                                             for v in vs if not v["headline"]],
                          "source_urls": [s["url"] for s in x["sources"]]})
        out["deals.csv"] = _csv(DEAL_FIELDS, deals)
        out["companies.csv"] = _csv(COMPANY_FIELDS, [{**c, "deals": len(d.deals_of.get(c["id"], []))}
                                                     for c in d.companies.values()])
        out["facilities.csv"] = _csv(FACILITY_FIELDS, [{**f, "power_mw": f["power"]} for f in d.facilities.values()])
        return out

    def _bytes(self, name: str) -> int:
        return self._size_hash(name)[0]

    def _hash(self, name: str) -> str:
        return self._size_hash(name)[1]

    def listing(self) -> list[dict]:
        rows = []
        for name, title, media, fmt in DUMPS:
            rows.append({"name": name, "title": title, "media": media, "bytes": self._bytes(name),
                         "sha256": self._hash(name)})
        for name in TABLES:
            rows.append({"name": name, "title": f"CSV table of {name[:-4]}", "media": "text/csv",
                         "bytes": self._bytes(name), "sha256": self._hash(name)})
        rows.append({"name": "datapackage.json", "title": "Frictionless data package describing the CSV tables",
                     "media": "application/json", "bytes": len(self.datapackage),
                     "sha256": hashlib.sha256(self.datapackage).hexdigest()})
        rows.append({"name": "void.ttl", "title": "VoID/DCAT description: counts, licence, dumps, checksums",
                     "media": "text/turtle", "bytes": len(self.void), "sha256": hashlib.sha256(self.void).hexdigest()})
        return rows

    @cached_property
    def datapackage(self) -> bytes:
        d = self.site.data
        schemas = {"deals.csv": DEAL_FIELDS, "companies.csv": COMPANY_FIELDS, "facilities.csv": FACILITY_FIELDS}
        resources = []
        for name in TABLES:
            fields = [{"name": n, "type": t, "description": desc} for n, t, desc in schemas[name]]
            schema = {"fields": fields, "primaryKey": ["id"]}
            resources.append({"name": name[:-4], "path": name, "profile": "tabular-data-resource", "format": "csv",
                              "mediatype": "text/csv", "encoding": "utf-8", "bytes": self._bytes(name),
                              "hash": "sha256:" + self._hash(name), "schema": schema})
        for name, title, media, fmt in DUMPS:
            resources.append({"name": name.replace(".", "-"), "path": name, "title": title, "mediatype": media,
                              "format": fmt, "bytes": self._bytes(name), "hash": "sha256:" + self._hash(name)})
        licences = [{"name": "CC-BY-4.0", "path": D.LICENCE_URL, "title": "Creative Commons Attribution 4.0"}]
        pkg = {
            "name": "computekg", "title": "computekg: an open knowledge graph of AI compute deals",
            "description": "Who leases compute from whom, how much (MW, accelerators, money), where, when, "
                           "and who says so. Every deal carries its sources.",
            "version": __version__, "licenses": licences,
            "sources": [{"title": "computekg curated records"}] + (
                [{"title": "Epoch AI data hub", "path": D.EPOCH_URL}] if d.epoch else []),
            "contributors": [{"title": "computekg contributors", "role": "author"}]
                            + ([{"title": "Epoch AI", "role": "contributor", "path": D.EPOCH_URL}] if d.epoch else []),
            "resources": resources,
        }
        if d.data_as_of:
            pkg["created"] = d.data_as_of + "T00:00:00Z" if len(d.data_as_of) == 10 else None
            if pkg["created"] is None:
                del pkg["created"]
        return (json.dumps(pkg, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    @cached_property
    def void(self) -> bytes:
        """A VoID and DCAT description: triple and entity counts from SPARQL, licence, dumps, checksums."""
        store = self.site.store
        # every graph but the ontology's (the default graph holds the records), as the dumps
        where = f"{{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{ONTOLOGY_GRAPH}>) }}"

        def one(sparql: str) -> int:
            return int(store.query(sparql, union=False).rows[0]["n"])

        triples = one(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }} }}")
        props = one(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {where} }}")
        subjects = one(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} }}")
        classes = store.query(f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {{ ?s a ?c }} UNION "
                              f"{{ GRAPH ?g {{ ?s a ?c }} FILTER(?g != <{ONTOLOGY_GRAPH}>) }} }} "
                              f"GROUP BY ?c ORDER BY ?c", union=False).rows
        base = self.site.base_url
        here = (base + "downloads/") if base else ""
        lines = ["@prefix void: <http://rdfs.org/ns/void#> .", "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
                 "@prefix dcterms: <http://purl.org/dc/terms/> .", "@prefix spdx: <http://spdx.org/rdf/terms#> .",
                 "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .", "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
                 f"@base <{here or 'https://w3id.org/computekg/downloads/'}> .", ""]
        d = self.site.data
        lines += ["<void.ttl#computekg> a void:Dataset, dcat:Dataset ;",
                  '  dcterms:title "computekg: an open knowledge graph of AI compute deals"@en ;',
                  f"  dcterms:license <{D.LICENCE_URL}> ;",
                  '  dcterms:creator "computekg contributors" ;']
        if d.epoch:
            lines.append(f'  dcterms:source <{D.EPOCH_URL}> ;')
        if d.data_as_of:
            lines.append(f'  dcterms:modified "{d.data_as_of}"^^xsd:{"date" if len(d.data_as_of) == 10 else "string"} ;')
        lines += [f"  void:uriSpace \"{ID_NS}\" ;", f"  void:triples {int(triples)} ;",
                  f"  void:entities {int(subjects)} ;", f"  void:distinctSubjects {int(subjects)} ;",
                  f"  void:properties {int(props)} ;",
                  f'  void:vocabulary <{PREFIXES["ckg"]}> ;']
        for name, *_ in DUMPS[:3]:
            lines.append(f"  void:dataDump <{name}> ;")
        lines.append("  dcat:distribution " + ", ".join(f"<{n}>" for n, *_ in DUMPS) + ", "
                     + ", ".join(f"<{n}>" for n in TABLES) + " ;")
        parts = []
        for r in classes:
            parts.append(f"    [ void:class <{r['c']}> ; void:entities {int(r['n'])} ]")
        if parts:
            lines.append("  void:classPartition\n" + " ,\n".join(parts) + " ;")
        lines[-1] = lines[-1][:-2] + " ."
        lines.append("")
        media = {n: m for n, _, m, _ in DUMPS}
        media.update({n: "text/csv" for n in TABLES})
        titles = {n: t for n, t, _, _ in DUMPS}
        for name in [n for n, *_ in DUMPS] + TABLES:
            lines += [f"<{name}> a dcat:Distribution ;",
                      f'  dcterms:title "{titles.get(name, "CSV table of " + name[:-4])}"@en ;',
                      f"  dcat:downloadURL <{name}> ;", f'  dcat:mediaType "{media[name]}" ;',
                      f"  dcat:byteSize {self._bytes(name)} ;", f"  dcterms:license <{D.LICENCE_URL}> ;",
                      "  spdx:checksum [ a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ;",
                      f'    spdx:checksumValue "{self._hash(name)}"^^xsd:hexBinary ] .', ""]
        return "\n".join(lines).encode("utf-8")


class EntityRdf:
    """Each company's, deal's and facility's own triples (and those of the nodes under its IRI:
    figures, compute uses...), plus the sources they cite, as Turtle.

    One pass over the store finds each entity's subjects (only the subjects are kept); a page's
    triples are read from the store's index when it is asked for, so the work of a page grows with
    that entity, not with the store."""

    def __init__(self, store):
        self.store = store

    @cached_property
    def _groups(self) -> dict[str, list]:
        from ..export import _ox

        if _ox(self.store) is None:
            return self._groups_from_dump()
        import pyoxigraph as ox

        onto = ox.NamedNode(ONTOLOGY_GRAPH)
        prefixes = tuple(f"{ID_NS}{k}/" for k in ("company", "deal", "facility"))
        groups: dict[str, set] = defaultdict(set)
        for q in _ox(self.store).quads_for_pattern(None, None, None):
            s = q.subject
            if not isinstance(s, ox.NamedNode) or q.graph_name == onto or not s.value.startswith(prefixes):
                continue
            kind, rest = s.value[len(ID_NS):].split("/", 1)
            groups[f"{kind}/{rest.split('/', 1)[0]}"].add(s)
        return {k: sorted(v, key=str) for k, v in groups.items()}

    def _groups_from_dump(self) -> dict[str, list]:
        """Any other store: every triple grouped by entity (held whole)."""
        import pyoxigraph as ox

        groups: dict[str, list] = defaultdict(list)
        prefixes = tuple(f"{ID_NS}{k}/" for k in ("company", "deal", "facility", "source"))
        for q in ox.parse(self.store.dump_nquads(), format=ox.RdfFormat.N_QUADS):
            if getattr(q.graph_name, "value", None) == ONTOLOGY_GRAPH:
                continue
            s = getattr(q.subject, "value", "")
            if s.startswith(prefixes):
                kind, rest = s[len(ID_NS):].split("/", 1)
                groups[f"{kind}/{rest.split('/', 1)[0]}"].append(ox.Triple(q.subject, q.predicate, q.object))
        return {k: sorted(set(v), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
                for k, v in groups.items()}

    def _triples(self, key: str) -> list:
        from ..export import _ox, triples_of

        if _ox(self.store) is None:
            return list(self._groups.get(key, []))
        return [t for s in self._groups.get(key, []) for t in triples_of(self.store, s)]

    def turtle(self, kind: str, ident: str) -> bytes:
        import pyoxigraph as ox

        from ..export import _ox, triples_of

        triples = self._triples(f"{kind}/{ident}")
        cited = sorted({t.object.value for t in triples
                        if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(ID_NS + "source/")})
        for s in cited:
            if _ox(self.store) is None:
                triples.extend(t for t in self._groups.get("source/" + s[len(ID_NS + "source/"):].split("/")[0], [])
                               if t.subject.value == s)
            else:
                triples.extend(triples_of(self.store, ox.NamedNode(s)))
        triples.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
