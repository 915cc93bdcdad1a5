"""Epoch AI's datasets joined to the curated records (issue 6).

Small extracts of the real files live in tests/fixtures/epoch/ (with their awkward cells: users
with #tags, a multi-user cell with a non-company entry, empty numbers, coordinates with stray
spaces, duplicate names, a name in quotes with a comma), beside a few curated records, a small
alias table and the snapshot date. One test loads the whole bundled snapshot and checks its
counts against an independent count made with the csv module.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from conftest import REPO, write
from graph.build import compile_paths
from graph.cli import main
from graph.errors import ValidationFailed
from graph.sources import loader_for
from graph.sources.epoch.cells import parse_dms, split_names
from graph.vocab import CKG, ID_NS, PREFIXES, company_iri, facility_iri, source_graph

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "epoch"
EPOCH_DATA = REPO / "data" / "epoch"
SCHEMA, PROV = PREFIXES["schema"], PREFIXES["prov"]
EPOCH_GRAPH = source_graph("epoch")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")


def U(iri: str) -> URIRef:
    return URIRef(iri)


def C(term: str) -> URIRef:
    return URIRef(CKG[term])


@pytest.fixture(scope="module")
def compiled():
    return compile_paths([FIXTURES])


@pytest.fixture(scope="module")
def g(compiled):
    return compiled.graph.to_rdflib()


def invoke(runner, *args, data=FIXTURES):
    return runner.invoke(main, ["--data", str(data), *args])


def uses_of(g, facility_id: str) -> dict[str, URIRef | None]:
    out = {}
    for use in g.subjects(U(CKG.usedFacility), U(facility_iri(facility_id))):
        user = g.value(use, U(CKG.user))
        out[str(user).rsplit("/", 1)[-1]] = g.value(use, U(CKG.confidence))
    return out


# ---------------------------------------------------------------------------- reading cells

def test_loaders_recognise_each_epoch_file_by_its_header(tmp_path):
    names = {f.name: loader_for(f).name for f in FIXTURES.glob("*.csv")}
    assert names == {"gpu_clusters.csv": "epoch_gpu_clusters", "data_centers.csv": "epoch_data_centers",
                     "data_center_timelines.csv": "epoch_data_center_timelines",
                     "ml_hardware.csv": "epoch_ml_hardware"}
    deals = write(tmp_path / "deals.csv", "id,kind,provider,customer\n")
    other = write(tmp_path / "other.csv", "Name,Colour\n")
    assert loader_for(deals).name == "csv" and loader_for(other) is None


@pytest.mark.parametrize("text, value", [
    ("32°29'59\"N ", 32.499722),           # Abilene: a trailing space
    (" 101°18'43\"W", -101.311944),        # Goodnight: a leading space, west is negative
    ("41°11'6.6732\"N", 41.185187),        # decimal seconds
    ("114°42'1.6272\"E", 114.700452),
    ("24°9'15\"N", 24.154167),             # one-digit minutes
    ("", None), ("somewhere", None),
])
def test_degrees_minutes_seconds(text, value):
    assert parse_dms(text) == value


def test_user_cells_split_with_their_tags():
    assert split_names("OpenAI #likely, Microsoft #likely") == [("OpenAI", "likely"), ("Microsoft", "likely")]
    assert split_names("Cloud,Microsoft,OpenAI") == [("Cloud", None), ("Microsoft", None), ("OpenAI", None)]
    assert split_names(" ") == []


# ---------------------------------------------------------------------------- triples

def test_the_dataset_node_carries_title_url_licence_and_snapshot_date(g):
    datasets = {str(g.value(d, U(SCHEMA + "name"))): d for d in g.subjects(RDF.type, C("Dataset"))}
    assert set(datasets) == {"Data on GPU Clusters", "Data on Frontier AI Data Centers",
                             "Data on Machine Learning Hardware"}
    dc = datasets["Data on Frontier AI Data Centers"]
    assert str(g.value(dc, U(SCHEMA + "url"))) == "https://epoch.ai/data/data-centers"
    assert g.value(dc, U(SCHEMA + "license")) == CC_BY
    assert g.value(dc, U(SCHEMA + "publisher")) == Literal("Epoch AI")
    assert g.value(dc, C("snapshotDate")) == Literal("2025-12-14", datatype=XSD.date)


def test_a_data_centre_mapped_to_a_curated_facility_is_that_facility(g):
    abilene = U(facility_iri("stargate-abilene"))
    assert g.value(abilene, C("epochName")) == Literal("OpenAI-Oracle Stargate Abilene Texas")
    assert not list(g.subjects(C("epochName"), Literal("OpenAI-Oracle Stargate Abilene Texas")))[1:]
    assert len(set(g.objects(abilene, U(SCHEMA + "name")))) == 1          # not renamed or duplicated
    # The curated record has no owner and no coordinates: Epoch fills both (lat "32°29'59"N ").
    assert g.value(abilene, C("owner")) == U(company_iri("oracle"))
    geo = g.value(abilene, U(SCHEMA + "geo"))
    assert float(g.value(geo, U(SCHEMA + "latitude"))) == pytest.approx(32.499722)
    assert float(g.value(geo, U(SCHEMA + "longitude"))) == pytest.approx(-99.783889)
    # Colossus 1 has curated coordinates and power: Epoch's power hangs off the curated headline.
    c1 = U(facility_iri("colossus-1"))
    assert len(list(g.objects(c1, U(SCHEMA + "geo")))) == 1
    assert float(g.value(g.value(c1, U(SCHEMA + "geo")), U(SCHEMA + "latitude"))) == 35.05972
    head = g.value(c1, C("powerCapacity"))
    assert head == U(facility_iri("colossus-1") + "/power/1")
    alt = g.value(head, C("alternativeValue"))
    assert (float(g.value(alt, U(SCHEMA + "value"))), str(g.value(alt, C("powerBasis")))) == (498.0, "calculated")
    assert g.value(alt, C("fromDataset")) is not None


def test_an_unmapped_data_centre_becomes_a_new_facility(g):
    goodnight = U(facility_iri("epoch-dc-crusoe-goodnight-texas"))
    assert g.value(goodnight, RDF.type) == C("Facility")
    assert g.value(goodnight, C("fromEpoch")) == Literal(True)
    assert g.value(goodnight, U(SCHEMA + "name")) == Literal("Goodnight")
    assert float(g.value(g.value(goodnight, U(SCHEMA + "geo")), U(SCHEMA + "longitude"))) == pytest.approx(-101.311944)
    assert g.value(goodnight, C("owner")) is None                     # Epoch's Owner cell is empty


def test_users_with_tags_become_compute_uses_with_confidence(g):
    assert uses_of(g, "fairwater-wisconsin") == {"openai": C("Likely"), "microsoft": C("Likely")}
    assert uses_of(g, "stargate-abilene") == {"openai": C("Confident")}
    assert uses_of(g, "epoch-dc-crusoe-goodnight-texas") == {"google": C("Speculative")}
    use = U(f"{ID_NS}use/epoch-dc-openai-oracle-stargate-abilene-texas/openai")
    assert g.value(use, RDF.type) == C("ComputeUse")
    ds = g.value(use, C("fromDataset"))
    assert (use, U(PROV + "wasDerivedFrom"), ds) in g and g.value(ds, U(SCHEMA + "license")) == CC_BY
    assert (U(company_iri("openai")), C("usesComputeAt"), U(facility_iri("stargate-abilene"))) in g


def test_cluster_users_take_the_row_certainty_and_non_companies_are_dropped(g):
    # "Cloud,Microsoft,OpenAI", Certainty Likely; Cloud is mapped to null in the alias table.
    phase1 = "epoch-openai-stargate-abilene-oracle-oci-supercluster-phase-1"
    assert uses_of(g, phase1) == {"microsoft": C("Likely"), "openai": C("Likely")}
    assert not list(g.subjects(U(SCHEMA + "name"), Literal("Cloud")))
    # The row's own sources (Source 1-5) are tied to each use.
    use = U(f"{ID_NS}use/{phase1}/openai")
    urls = {str(g.value(s, U(SCHEMA + "url"))) for s in g.objects(use, U(PROV + "wasDerivedFrom"))}
    assert "https://epoch.ai/data/gpu-clusters" in urls and len(urls) > 1


def test_leases_per_epoch_are_derived_from_users_and_owners_and_kept_apart(g):
    per_epoch = set(g.subject_objects(C("leasesComputeFromPerEpoch")))
    assert (U(company_iri("openai")), U(company_iri("oracle"))) in per_epoch          # Abilene: user -> owner
    assert (U(company_iri("xai")), U(company_iri("xai"))) not in per_epoch            # own site: no lease
    # Contract relations are not mixed in: ckg:leasesComputeFrom is only derived from deals.
    assert not list(g.subject_objects(C("leasesComputeFrom")))


def test_clusters_are_facilities_housed_in_the_curated_site(g):
    phase1 = U(facility_iri("epoch-xai-colossus-memphis-phase-1"))
    assert g.value(phase1, U(SCHEMA + "containedInPlace")) == U(facility_iri("colossus-1"))
    assert g.value(phase1, C("facilityStatus")) == C("Operational")
    assert g.value(phase1, C("confidence")) == C("Confident")
    assert g.value(phase1, C("firstOperationalDate")) == Literal("2024-09-02", datatype=XSD.date)
    assert g.value(phase1, C("h100Equivalents")) is not None
    # Reported and calculated power kept apart: the reported figure is the headline.
    head = g.value(phase1, C("powerCapacity"))
    alt = g.value(head, C("alternativeValue"))
    assert (float(g.value(head, U(SCHEMA + "value"))), str(g.value(head, C("powerBasis")))) == (150.0, "reported")
    assert (float(g.value(alt, U(SCHEMA + "value"))), str(g.value(alt, C("powerBasis")))) == (142.688, "calculated")
    chips = {(str(g.value(a, C("acceleratorModel"))), float(g.value(a, U(SCHEMA + "value"))))
             for a in g.objects(phase1, C("acceleratorCapacity"))}
    assert chips == {("NVIDIA H100 SXM5 80GB", 100000.0)}


def test_awkward_cluster_rows(g):
    # A name the export quotes because it holds a comma.
    mt = U(facility_iri("epoch-openai-microsoft-mt-pleasant-wisconsin-phase-1"))
    assert g.value(mt, U(SCHEMA + "name")) == Literal("OpenAI/Microsoft Mt Pleasant, Wisconsin Phase 1")
    assert g.value(mt, U(SCHEMA + "containedInPlace")) == U(facility_iri("fairwater-wisconsin"))
    # Two rows named alike get two facilities.
    anon = {s for s in g.subjects(U(SCHEMA + "name"), Literal("Anonymized Chinese System"))}
    assert anon == {U(facility_iri("epoch-anonymized-chinese-system")),
                    U(facility_iri("epoch-anonymized-chinese-system-2"))}
    # Empty numbers give no figures (Tesla Buffalo Dojo has none).
    dojo = U(facility_iri("epoch-tesla-buffalo-dojo"))
    assert g.value(dojo, C("powerCapacity")) is None and g.value(dojo, C("h100Equivalents")) is None
    assert g.value(dojo, C("facilityStatus")) == C("Planned")
    # A month-precision decommissioning date stays a month.
    mn1b = U(facility_iri("epoch-preferred-networks-mn-1b"))
    assert g.value(mn1b, C("decommissionedDate")) == Literal("2021-07", datatype=XSD.gYearMonth)
    assert g.value(mn1b, C("facilityStatus")) == C("Decommissioned")
    # "Unlikely" rows are speculative.
    assert g.value(U(facility_iri("epoch-xai-5-year-plan")), C("confidence")) == C("Speculative")


def test_unmapped_names_become_companies_from_epoch_and_aliases_merge_them(g, compiled):
    tesla = U(company_iri("tesla"))
    assert g.value(tesla, C("fromEpoch")) == Literal(True)
    assert g.value(tesla, C("epochName")) == Literal("Tesla")
    # "Preferred Networks Inc" is mapped by the alias table onto the company made from "Preferred Networks".
    pfn = U(company_iri("preferred-networks"))
    assert set(g.objects(pfn, C("epochName"))) == {Literal("Preferred Networks"), Literal("Preferred Networks Inc")}
    assert g.value(U(facility_iri("epoch-preferred-networks-mn-1b")), C("owner")) == pfn
    assert (U(company_iri("preferred-networks-inc")), None, None) not in g
    # Names that match a curated company exactly (xAI, Microsoft) create nothing.
    assert not [c for c in compiled.catalog.companies.values() if c.from_epoch and c.name in ("xAI", "Microsoft")]


def test_timelines_become_snapshots_observed_and_projected_apart(g):
    snaps = {}
    for s in g.objects(U(facility_iri("stargate-abilene")), C("snapshot")):
        date = g.value(s, C("snapshotDate")).toPython()
        power = g.value(g.value(s, C("powerCapacity")), U(SCHEMA + "value"))
        snaps[date] = (float(power), g.value(s, C("projected")).toPython())
    assert snaps[dt.date(2025, 9, 26)] == (295.0, False)
    assert snaps[dt.date(2026, 4, 1)] == (590.0, True)          # after the snapshot of 2025-12-14
    assert sum(1 for _, p in snaps.values() if p) == 3 and len(snaps) == 6


def test_every_epoch_triple_is_in_the_epoch_graph_and_no_epoch_leaves_it_out(compiled):
    assert EPOCH_GRAPH in compiled.graphs
    plain = compile_paths([FIXTURES], epoch=False)
    assert EPOCH_GRAPH not in plain.graphs
    assert not list(plain.graph.to_rdflib().subjects(RDF.type, C("ComputeUse")))
    assert not [c for c in plain.catalog.companies.values() if c.from_epoch]
    assert not plain.report.notes


# ---------------------------------------------------------------------------- validation

def test_validate_lists_unmapped_names_for_a_curator(runner):
    # Issue 12: by default the notes are one line with their count; --notes lists them.
    summary = runner.invoke(main, ["validate", str(FIXTURES)])
    assert summary.exit_code == 0, summary.output
    notes = [line for line in summary.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "list them with --notes" in notes[0], summary.stderr
    result = runner.invoke(main, ["validate", "--notes", str(FIXTURES)])
    assert result.exit_code == 0, result.output
    assert int(notes[0].split()[1]) == sum(1 for line in result.stderr.splitlines() if line.startswith("note:"))
    assert "Epoch AI name 'Tesla' matches no company; added as company 'tesla'" in result.stderr
    assert "Epoch AI name 'Digital Realty' matches no company" in result.stderr
    assert "'Cloud'" not in result.stderr                      # mapped to null: not a company
    assert "2 accelerator models in Epoch AI's ML hardware data recognised; not imported" in result.stderr
    assert "Epoch AI: 17 sites, 15 compute uses, 21 timeline readings, 7 companies from unmapped names" in result.stdout


def test_an_alias_to_an_unknown_company_is_a_problem(runner, tmp_path):
    folder = tmp_path / "epoch"
    for f in FIXTURES.iterdir():
        (folder / f.name).parent.mkdir(exist_ok=True)
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "aliases.yaml").write_text("epoch_aliases:\n  Tesla: teslaa-inc\n  Digital Realty: oracle\n")
    with pytest.raises(ValidationFailed) as exc:
        compile_paths([folder], shacl=False)
    messages = [str(p) for p in exc.value.problems]
    assert any("Tesla" in m and "unknown company 'teslaa-inc'" in m for m in messages), messages
    result = runner.invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1 and "unknown company 'teslaa-inc'" in result.stderr


def test_the_alias_file_reads_cleanly_on_its_own(runner):
    result = runner.invoke(main, ["validate", str(FIXTURES / "aliases.yaml"), str(FIXTURES / "records.yaml")])
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------------------- lookups

def test_facility_as_of_says_the_capacity_on_that_date(runner):
    result = invoke(runner, "facility", "Stargate Abilene", "--as-of", "2025-10-01", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)[0]
    assert report["facility"]["id"] == "stargate-abilene"
    observed = report["as_of"]["observed"]
    assert (observed["date"], observed["power_mw"], observed["projected"]) == ("2025-09-26", 295, False)
    assert report["as_of"]["projected"] is None
    assert "295 MW observed on 2025-09-26" in result.stderr
    later = json.loads(invoke(runner, "facility", "stargate-abilene", "--as-of", "2026-05-01",
                              "--format", "json").stdout)[0]["as_of"]
    assert later["observed"]["power_mw"] == 295 and later["projected"]["power_mw"] == 590
    early = json.loads(invoke(runner, "facility", "stargate-abilene", "--as-of", "2020-01-01",
                              "--format", "json").stdout)[0]["as_of"]
    assert early["observed"] is None


def test_facility_shows_users_clusters_deals_and_timeline(runner):
    result = invoke(runner, "facility", "xAI Colossus 1 Memphis Tennessee")   # Epoch's name works too
    assert result.exit_code == 0, result.output
    out = result.stdout
    for heading in ("# users (per Epoch AI)", "# GPU clusters housed here (Epoch AI)", "# deals",
                    "# capacity timeline (Epoch AI)", "# sources"):
        assert heading in out
    assert "anthropic-xai-colossus-1" in out and "xAI Colossus Memphis Phase 1" in out
    assert "Data on Frontier AI Data Centers" in out and "creativecommons.org/licenses/by/4.0" in out
    rows = list(csv.DictReader(invoke(runner, "facility", "colossus-1", "--format", "csv").stdout.splitlines()))
    timeline = [r for r in rows if r["section"] == "capacity timeline (Epoch AI)"]
    assert timeline and all(r["reading"] in ("observed", "projected") for r in timeline)


def test_facility_keeps_curated_and_epoch_power_apart(runner):
    report = json.loads(invoke(runner, "facility", "colossus-1", "--format", "json").stdout)[0]
    power = [(v["value"], v["qualifier"], v["basis"], v["epoch"], v["headline"]) for v in report["facility"]["power_mw"]]
    assert power == [(300, "more_than", None, False, True), (498, None, "calculated", True, False)]


def test_epoch_leases_query_says_where_and_how_sure(runner):
    result = invoke(runner, "query", "epoch-leases", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {(r["user"], r["owner"]): r for r in json.loads(result.stdout)}
    openai = rows[("openai", "oracle")]
    assert "stargate-abilene" in openai["sites"].split() and "confident" in openai["confidences"].split()
    assert ("xai", "xai") not in rows


def test_unknown_facility_exits_1_with_suggestions(runner):
    result = invoke(runner, "facility", "Stargate Abilne")
    assert result.exit_code == 1
    assert "no facility named 'Stargate Abilne'" in result.stderr and "Did you mean" in result.stderr
    assert "Traceback" not in result.output


def test_facilities_lists_curated_and_epoch_sites(runner):
    rows = json.loads(invoke(runner, "facilities", "--format", "json").stdout)
    ids = {r["id"] for r in rows}
    assert {"colossus-1", "epoch-xai-colossus-memphis-phase-1", "epoch-dc-crusoe-goodnight-texas"} <= ids
    plain = json.loads(runner.invoke(main, ["--no-epoch", "--data", str(FIXTURES), "facilities",
                                            "--format", "json"]).stdout)
    assert {r["id"] for r in plain} == {"colossus-1", "stargate-abilene", "fairwater-wisconsin"}


def test_company_lists_colossus_with_epoch_as_source_beside_the_lease(runner):
    result = invoke(runner, "company", "xAI", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["anthropic-xai-colossus-1"]["kind"] == "lease"
    colossus = rows["colossus-1"]
    assert colossus["kind"] == "owns_facility" and colossus["role"] == "owner+user (confident)"
    assert colossus["power_mw"][0]["value"] == 498
    assert [s["publisher"] for s in colossus["sources"]] == ["Epoch AI"]
    assert colossus["sources"][0]["url"] == "https://epoch.ai/data/data-centers"
    assert rows["epoch-xai-colossus-memphis-phase-1"]["power_mw"][0] == {
        "value": 150, "basis": "reported", "qualifier": None, "headline": True, "source": None}
    assert "site(s) it owns or uses, per Epoch AI" in result.stderr
    table = invoke(runner, "company", "xAI").stdout
    assert "owns_facility" in table and "Epoch AI 2025-12-14" in table
    # --no-epoch: the deals only.
    plain = runner.invoke(main, ["--no-epoch", "--data", str(FIXTURES), "company", "xAI", "--format", "json"])
    assert [r["id"] for r in json.loads(plain.stdout)] == ["anthropic-xai-colossus-1"]


def test_a_user_sees_whom_it_leases_from_per_epoch(runner):
    rows = {r["id"]: r for r in json.loads(invoke(runner, "company", "OpenAI", "--format", "json").stdout)}
    abilene = rows["stargate-abilene"]
    assert (abilene["kind"], abilene["role"], abilene["counterparty"]) == ("uses_compute_at", "user (confident)",
                                                                           ["oracle"])


def test_stats_reports_what_the_import_added_and_could_not_map(runner):
    s = json.loads(invoke(runner, "stats", "--format", "json").stdout)[0]
    e = s["epoch"]
    assert e["facilities_new"] == 12 + 2          # the 12 cluster rows, Goodnight and Zhangbei (unmapped)
    assert e["facilities_linked"] == 3            # Abilene, Colossus 1, Fairwater Wisconsin
    assert e["compute_uses"] == e["uses_confident"] + e["uses_likely"] + e["uses_speculative"] + e["uses_untagged"]
    assert (e["snapshots_observed"], e["snapshots_projected"]) == (15, 6)   # the 21 rows of the extract
    assert e["companies_from_epoch"] == 7 and e["unmapped_names"] == 8
    table = invoke(runner, "stats").stdout
    assert "epoch" in table and "companies_from_epoch" in table
    assert "epoch" not in json.loads(runner.invoke(main, ["--no-epoch", "--data", str(FIXTURES), "stats",
                                                          "--format", "json"]).stdout)[0]


# ---------------------------------------------------------------------------- the whole snapshot

def _independent_counts() -> dict:
    """Counts made from the CSV files with the csv module and the YAML tables alone."""
    def rows(name):
        with open(EPOCH_DATA / name, encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))

    clusters = [r for r in rows("gpu_clusters.csv") if r["Name"].strip()]
    centres = [r for r in rows("data_centers.csv") if r["Handle"].strip()]
    timeline = [r for r in rows("data_center_timelines.csv") if r["Data center"].strip()]
    tables = yaml.safe_load((EPOCH_DATA / "aliases.yaml").read_text(encoding="utf-8"))
    snapshot = str(yaml.safe_load((EPOCH_DATA / "snapshot.yaml").read_text())["epoch_snapshot"]["date"])
    key = lambda n: " ".join(n.split()).casefold()
    aliases = {key(k): v for k, v in tables["epoch_aliases"].items()}
    mapped = {key(k) for k, v in tables["epoch_facilities"].items() if v}
    companies = yaml.safe_load((REPO / "data" / "companies.yaml").read_text(encoding="utf-8"))["companies"]
    names = {key(n): c["id"] for c in companies for n in [c["id"], c["name"], *(c.get("aliases") or [])]}

    def company(name):
        k = key(name.split("#")[0])
        if k in aliases:
            return aliases[k]
        return names.get(k, "new:" + k)

    uses = 0
    for r in clusters + centres:
        users = {company(n) for n in r["Users"].split(",") if n.split("#")[0].strip()}
        uses += len(users - {None})
    return {
        "facilities": len(clusters) + len(centres),
        "facilities_new": len(clusters) + sum(1 for r in centres if key(r["Handle"]) not in mapped),
        "compute_uses": uses,
        "snapshots_observed": sum(1 for r in timeline if r["Date"] <= snapshot),
        "snapshots_projected": sum(1 for r in timeline if r["Date"] > snapshot),
    }


def test_the_whole_snapshot_matches_an_independent_count(runner):
    result = runner.invoke(main, ["stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    epoch = json.loads(result.stdout)[0]["epoch"]
    expected = _independent_counts()
    assert {k: epoch[k] for k in expected} == expected
    assert expected["facilities"] > 800 and expected["snapshots_projected"] > 0
    assert epoch["companies_from_epoch"] > 0 and epoch["datasets"] == 3


def test_the_snapshot_date_agrees_with_epochs_current_figures():
    """data_centers.csv's "Current power" is the last timeline reading on or before the snapshot date."""
    snapshot = str(yaml.safe_load((EPOCH_DATA / "snapshot.yaml").read_text())["epoch_snapshot"]["date"])
    with open(EPOCH_DATA / "data_center_timelines.csv", encoding="utf-8-sig", newline="") as fh:
        timeline = list(csv.DictReader(fh))
    with open(EPOCH_DATA / "data_centers.csv", encoding="utf-8-sig", newline="") as fh:
        centres = list(csv.DictReader(fh))
    for c in centres:
        past = sorted((r for r in timeline if r["Data center"] == c["Handle"] and r["Date"] <= snapshot),
                      key=lambda r: r["Date"])
        assert float(past[-1]["Power (MW)"]) == float(c["Current power (MW)"]), c["Handle"]


def test_bundled_company_xai_lists_the_colossus_sites(runner):
    result = runner.invoke(main, ["company", "xAI", "--format", "json"])
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert "anthropic-xai-colossus-1" in rows
    for site in ("colossus-1", "colossus-2"):
        assert rows[site]["kind"] == "owns_facility"
        assert rows[site]["power_mw"] and rows[site]["sources"][0]["publisher"] == "Epoch AI"


PLACES = """
companies:
  - {id: opco, name: OpCo, kind: other}
facilities:
  - {id: spring-a, name: Springfield Alpha, operator: opco, location: {city: Springfield, country: US}}
  - {id: spring-b, name: Springfield Beta, operator: opco, location: {city: Springfield, country: US}}
  - {id: shelby, name: Shelby Campus, operator: opco, location: {city: Shelbyville, country: US}}
"""


def test_facility_by_city_answers_one_site_and_names_several(runner, tmp_path):
    (tmp_path / "places.yaml").write_text(PLACES)
    one = runner.invoke(main, ["--no-epoch", "--data", str(tmp_path), "facility", "shelbyville", "--format", "json"])
    assert one.exit_code == 0, one.output
    assert json.loads(one.stdout)[0]["facility"]["id"] == "shelby"
    several = runner.invoke(main, ["--no-epoch", "--data", str(tmp_path), "facility", "Springfield"])
    assert several.exit_code == 1 and "Traceback" not in several.output
    assert "'Springfield' is a place with 2 facilities: spring-a (Springfield Alpha); spring-b (Springfield Beta)" \
        in several.stderr
    assert "name one of them" in several.stderr
    nowhere = runner.invoke(main, ["--no-epoch", "--data", str(tmp_path), "facility", "Ogdenville"])
    assert nowhere.exit_code == 1 and "no facility named 'Ogdenville'" in nowhere.stderr
