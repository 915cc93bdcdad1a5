"""The bundled data in data/, as a user meets it through the CLI: it validates, it is sourced, and a
handful of well-sourced facts come out exactly as the sources state them.

Every test runs the real `computekg` command (CliRunner) on the bundled data; the compiled store is
cached per session, so only the first command pays for the build.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from graph.cli import main
from graph.vocab import DEAL_KINDS, SOURCE_KINDS

DATA = Path(__file__).resolve().parent.parent / "data"

# The names the issue asks `computekg company` to answer for.
NAMES = ["Anthropic", "OpenAI", "xAI", "Microsoft", "Google", "Amazon", "Meta", "Oracle", "Nvidia",
         "CoreWeave", "Nebius", "Nscale", "Fluidstack"]


def cli_json(runner, *args):
    result = runner.invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def company_deals(runner, name, *extra):
    return {d["id"]: d for d in cli_json(runner, "company", name, *extra)}


def headline(values):
    heads = [v for v in values if v["headline"]]
    assert len(heads) == 1, values
    return heads[0]


@pytest.fixture(scope="module")
def all_deals():
    from click.testing import CliRunner

    return cli_json(CliRunner(), "deals")


@pytest.fixture(scope="module")
def companies():
    from click.testing import CliRunner

    return {c["id"]: c for c in cli_json(CliRunner(), "--no-epoch", "companies")}


# ---------------------------------------------------------------------------- validation

def test_validate_bundled_data_exits_0(runner):
    result = runner.invoke(main, ["validate", str(DATA)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: "), result.stdout
    assert "no problems" in result.stdout


def test_validate_reports_a_broken_copy_of_the_data(runner, tmp_path):
    """The same check fails loudly when a reference is wrong (so the test above can fail)."""
    text = (DATA / "deals" / "anthropic.yaml").read_text(encoding="utf-8")
    broken = text.replace("provider: xai\n", "provider: xaii\n", 1)
    assert broken != text
    (tmp_path / "deals.yaml").write_text(broken, encoding="utf-8")
    for name in ("companies.yaml", "facilities.yaml"):
        (tmp_path / name).write_text((DATA / name).read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "unknown company 'xaii'" in result.stderr and "xai" in result.stderr


# ---------------------------------------------------------------------------- coverage

def test_coverage_meets_the_floor(runner, all_deals):
    stats = cli_json(runner, "--no-epoch", "stats")[0]
    assert stats["deals"] == len(all_deals) >= 100
    assert stats["companies"] >= 70
    assert stats["facilities"] >= 40
    since_2023 = [d for d in all_deals if (d["announced"] or d["start"] or "0")[:4] >= "2023"]
    assert len(since_2023) >= 100


def test_stats_shows_kind_status_year_and_primary_share(runner, all_deals):
    stats = cli_json(runner, "stats")[0]
    # every kind of the record format is present
    assert set(stats["deals_by_kind"]) == set(DEAL_KINDS)
    assert all(n >= 1 for n in stats["deals_by_kind"].values())
    # statuses that tell the story
    for status in ("reported", "letter_of_intent", "signed", "superseded", "terminated"):
        assert stats["deals_by_status"].get(status, 0) >= 1, status
    for year in ("2023", "2024", "2025", "2026"):
        assert stats["deals_by_year"].get(year, 0) >= 1, year
    assert sum(stats["deals_by_kind"].values()) == sum(stats["deals_by_status"].values()) == stats["deals"]
    primary = sum(1 for d in all_deals if any(s["kind"] in ("filing", "company_release", "government")
                                              for s in d["sources"]))
    assert stats["deals_with_primary_source"] == primary
    assert stats["primary_source_share"] == round(primary / stats["deals"], 3)
    assert "fields_missing" in stats


def test_readme_counts_match_the_data(runner):
    """data/README.md states the curated counts; they must be today's."""
    stats = cli_json(runner, "--no-epoch", "stats")[0]
    text = (DATA / "README.md").read_text(encoding="utf-8")
    for label, key in (("| companies |", "companies"), ("| deals |", "deals"),
                       ("| facilities (data centers and power plants) |", "facilities")):
        m = re.search(re.escape(label) + r"\s*(\d+)\s*\|", text)
        assert m, label
        assert int(m.group(1)) == stats[key], f"README says {m.group(1)} {key}, the data has {stats[key]}"
    for kind, n in stats["deals_by_kind"].items():
        assert re.search(rf"\| {kind} \| {n} \|", text), f"README count for {kind} is not {n}"
    # issue 11: the as-of date, the primary-source share and the months of announcement
    assert f"| newest dated source (the data's as-of date) | {stats['data_as_of']} |" in text
    share = f"{stats['deals_with_primary_source']} ({round(100 * stats['primary_source_share'])}%)"
    assert re.search(r"\| deals with at least one primary source [^|]*\| " + re.escape(share) + r" \|", text), share
    assert re.search(r"searched for and none found \| " + str(stats["deals_primary_source_none_found"]) + r" \|", text)
    table = text.split("| month |", 1)[1].split("\n\n", 1)[0]
    years = [y.strip() for y in table.splitlines()[0].split("|") if y.strip()]
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        for year, cell in zip(years, cells[1:]):
            key = year if cells[0] == "year only" else f"{year}-{cells[0]}"
            assert (int(cell) if cell else 0) == stats["deals_by_month"].get(key, 0), (key, cell)


def test_data_licence_is_cc_by_4(runner):
    text = (DATA / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in text


# ---------------------------------------------------------------------------- sources

def test_every_deal_has_a_dated_source_with_url(all_deals):
    for d in all_deals:
        assert d["sources"], d["id"]
        assert any(s["url"].startswith(("http://", "https://")) and s["date"] for s in d["sources"]), d["id"]
        for s in d["sources"]:
            assert s["publisher"] and s["title"] and s["url"], (d["id"], s)
            assert s["kind"] in SOURCE_KINDS, (d["id"], s)


def test_every_figure_points_at_one_of_its_deals_sources(all_deals):
    for d in all_deals:
        urls = {s["url"] for s in d["sources"]}
        for field in ("power_mw", "accelerators", "price", "total_value"):
            for v in d[field]:
                assert v["source"] is None or v["source"] in urls, (d["id"], field, v)


# ---------------------------------------------------------------------------- references

def _raw_records():
    out = {"companies": [], "facilities": [], "deals": []}
    for path in sorted(DATA.rglob("*.yaml")):
        if "epoch" in path.relative_to(DATA).parts:
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for section in out:
            out[section].extend(doc.get(section) or [])
    return out


def test_every_company_reference_in_the_files_resolves():
    raw = _raw_records()
    names: dict[str, set[str]] = {}
    for c in raw["companies"]:
        for n in (c["id"], c["name"], *(c.get("aliases") or [])):
            names.setdefault(str(n).lower(), set()).add(c["id"])
    ambiguous = {n: ids for n, ids in names.items() if len(ids) > 1}
    assert not ambiguous, ambiguous

    def check(ref, where):
        assert ref is None or str(ref).lower() in names, f"{where}: unknown company {ref!r}"

    for c in raw["companies"]:
        check(c.get("parent"), c["id"])
    for f in raw["facilities"]:
        check(f.get("operator"), f["id"])
        check(f.get("owner"), f["id"])
    facility_names = {str(n).lower() for f in raw["facilities"] for n in (f["id"], f["name"], *(f.get("aliases") or []))}
    deal_ids = {d["id"] for d in raw["deals"]}
    for d in raw["deals"]:
        for field in ("provider", "customer", "guarantor", "end_user"):
            check(d.get(field), d["id"])
        for m in d.get("members") or []:
            check(m, d["id"])
        for f in d.get("facilities") or []:
            assert str(f).lower() in facility_names, f"{d['id']}: unknown facility {f!r}"
        assert d.get("supersedes") is None or d["supersedes"] in deal_ids


def test_every_party_of_every_deal_is_a_listed_company(all_deals, companies):
    for d in all_deals:
        parties = [d["provider"], d["customer"], d["guarantor"], d["end_user"], *d["members"]]
        for p in filter(None, parties):
            assert p in companies, (d["id"], p)


def test_parent_links(companies):
    assert companies["google"]["parent"] == "alphabet"
    assert companies["google-deepmind"]["parent"] == "google"
    assert companies["aws"]["parent"] == "amazon"
    assert companies["xai"]["parent"] == "spacex"
    assert companies["xai"]["parent_since"] == "2026-02-02"


@pytest.mark.parametrize("alias, company_id", [
    ("Azure", "microsoft"), ("Microsoft Azure", "microsoft"), ("Google Cloud", "google"), ("GCP", "google"),
    ("AWS", "aws"), ("OCI", "oracle"), ("Open AI", "openai"), ("X.AI", "xai"), ("NVIDIA Corporation", "nvidia"),
    ("Meta Platforms", "meta"), ("Facebook", "meta"), ("DeepMind", "google-deepmind"), ("Iris Energy", "iren"),
])
def test_common_spellings_resolve(runner, alias, company_id):
    result = runner.invoke(main, ["company", alias, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert re.search(rf"deal\(s\) for .* \({re.escape(company_id)}\)", result.stderr), result.stderr[-300:]


def test_roll_up_adds_subsidiaries_deals(runner):
    amazon = company_deals(runner, "Amazon")
    rolled = company_deals(runner, "Amazon", "--roll-up")
    assert "openai-aws-38b-2025" not in amazon          # AWS's deal, not Amazon's own
    assert "openai-aws-38b-2025" in rolled and set(amazon) < set(rolled)


# ---------------------------------------------------------------------------- company answers

@pytest.mark.parametrize("name", NAMES)
def test_company_answers_with_sourced_deals(runner, name):
    # Epoch AI's site rows (kinds owns_facility, uses_compute_at) follow the deals: tests/test_epoch.py checks them.
    deals = [d for d in cli_json(runner, "company", name) if d["kind"] in DEAL_KINDS]
    assert len(deals) >= 2, f"computekg company {name} lists {len(deals)} deal(s)"
    for d in deals:
        assert d["role"], d["id"]
        assert d["counterparty"], d["id"]
        assert any(s["url"] for s in d["sources"]), d["id"]


# ---------------------------------------------------------------------------- pinned facts

def test_anthropic_xai_colossus_1(runner):
    d = company_deals(runner, "Anthropic")["anthropic-xai-colossus-1"]
    assert (d["kind"], d["provider"], d["customer"], d["role"]) == ("lease", "xai", "anthropic", "customer")
    assert d["facilities"] == ["colossus-1"]
    power = headline(d["power_mw"])
    assert power["value"] == 300 and power["qualifier"] == "more_than"
    assert power["source"] == "https://www.anthropic.com/news/higher-limits-spacex"
    price = headline(d["price"])
    assert (price["amount"], price["currency"], price["per"]) == (1_250_000_000, "USD", "month")
    assert price["source"].startswith("https://www.sec.gov/")          # the S-1
    assert (d["start"], d["end"], d["status"]) == ("2026-05", "2029-05", "signed")
    assert any(s["kind"] == "filing" for s in d["sources"])
    # the partial end date covers all of May 2029
    in_force = company_deals(runner, "Anthropic", "--as-of", "2029-05-31")
    after = company_deals(runner, "Anthropic", "--as-of", "2029-06-01")
    assert "anthropic-xai-colossus-1" in in_force and "anthropic-xai-colossus-1" not in after


def test_investment_amazon_in_anthropic(runner):
    deals = company_deals(runner, "Amazon")
    d = deals["amazon-anthropic-invest-2024"]
    assert (d["kind"], d["provider"], d["customer"], d["role"]) == ("investment", "amazon", "anthropic", "provider")
    value = headline(d["total_value"])
    assert (value["amount"], value["currency"], value["qualifier"]) == (4_000_000_000, "USD", None)
    assert d["announced"] == "2024-11-22"
    assert d["sources"][0]["kind"] == "company_release"
    assert d["sources"][0]["url"] == "https://www.anthropic.com/news/anthropic-amazon-trainium"
    first = deals["amazon-anthropic-invest-2023"]
    assert headline(first["total_value"])["qualifier"] == "up_to"


def test_supplier_invests_in_its_own_customer(runner):
    google = company_deals(runner, "Google")
    kinds = {d["kind"] for d in google.values() if d["role"] == "provider" and d["counterparty"] == ["anthropic"]}
    assert {"investment", "cloud_capacity"} <= kinds


def test_power_purchase_microsoft_three_mile_island(runner):
    d = company_deals(runner, "Microsoft")["microsoft-constellation-tmi-2024"]
    assert (d["kind"], d["provider"], d["customer"]) == ("power_purchase", "constellation", "microsoft")
    assert d["facilities"] == ["crane-clean-energy-center"]
    values = {v["value"]: v["headline"] for v in d["power_mw"]}
    assert values == {835: True, 825: False}                        # sources disagree; both kept
    assert (d["announced"], d["start"], d["status"]) == ("2024-09-20", "2028", "signed")


def test_nvidia_openai_letter_of_intent_superseded_by_equity(runner):
    deals = {d["id"]: d for d in cli_json(runner, "deals", "--provider", "NVIDIA", "--customer", "Open AI")}
    loi, equity = deals["nvidia-openai-loi-2025"], deals["nvidia-openai-equity-2026"]
    assert loi["status"] == "superseded"
    assert headline(loi["total_value"])["amount"] == 100_000_000_000
    assert headline(loi["total_value"])["qualifier"] == "up_to"
    assert headline(loi["power_mw"])["value"] == 10_000 and headline(loi["power_mw"])["qualifier"] == "at_least"
    assert equity["supersedes"] == "nvidia-openai-loi-2025"
    assert headline(equity["total_value"])["amount"] == 30_000_000_000
    assert equity["announced"] == "2026-02-27"
    assert any(s["url"] == "https://openai.com/index/scaling-ai-for-everyone/" for s in equity["sources"])


def test_google_guarantees_fluidstack_lease_at_cipher(runner):
    d = company_deals(runner, "Fluidstack")["cipher-fluidstack-barberlake-2025"]
    assert (d["kind"], d["provider"], d["customer"], d["guarantor"]) == ("lease", "cipher-mining", "fluidstack", "google")
    assert d["facilities"] == ["barber-lake"]
    assert headline(d["power_mw"])["value"] == 168
    value = headline(d["total_value"])
    assert (value["amount"], value["qualifier"]) == (3_000_000_000, "approx")
    assert any(s["kind"] == "filing" and s["url"].startswith("https://www.sec.gov/") for s in d["sources"])
    guaranteed = [x for x in company_deals(runner, "Google").values() if x["role"] == "guarantor"]
    hosts = {x["provider"] for x in guaranteed}
    assert {"terawulf", "cipher-mining"} <= hosts


def test_oracle_leases_abilene_from_crusoe_for_openai(runner):
    d = company_deals(runner, "OpenAI")["oracle-crusoe-abilene-lease"]
    assert (d["provider"], d["customer"], d["end_user"], d["role"]) == ("crusoe", "oracle", "openai", "end_user")
    assert d["facilities"] == ["stargate-abilene"]


def test_nvidia_capacity_backstop_for_coreweave(runner):
    d = company_deals(runner, "CoreWeave")["nvidia-coreweave-backstop-2025"]
    assert (d["kind"], d["provider"], d["customer"]) == ("cloud_capacity", "coreweave", "nvidia")
    value = headline(d["total_value"])
    assert (value["amount"], value["qualifier"]) == (6_300_000_000, "at_least")
    assert d["end"] == "2032-04"


def test_stargate_norway_is_one_venture_seen_from_two_sides(runner, companies):
    nscale = company_deals(runner, "Nscale")
    jv = nscale["stargate-norway-2025"]
    assert jv["kind"] == "joint_venture" and jv["members"] == ["aker", "nscale"]
    assert jv["facilities"] == ["stargate-norway"]
    microsoft = company_deals(runner, "Microsoft")["microsoft-aker-nscale-narvik-2025"]
    assert microsoft["provider"] == "aker-nscale-jv" and microsoft["facilities"] == ["stargate-norway"]
    assert "aker-nscale-jv" in companies


# ---------------------------------------------------------------------------- deals announced in 2025 (2025 search)
# Each check pins facts of a deal added by the 2025 search as its primary source states them
# (company release, wire copy of one, or the company's own page), read back through the CLI.

def primary_urls(deal):
    return {s["url"] for s in deal["sources"] if s["kind"] in ("filing", "company_release")}


def test_2025_fluidstack_france_memorandum(runner):
    d = company_deals(runner, "Fluidstack")["fluidstack-france-1gw-mou-2025"]
    assert (d["kind"], d["provider"], d["customer"], d["status"]) == (
        "other", "government-of-france", "fluidstack", "letter_of_intent")
    assert d["announced"] == "2025-02-10" and d["start"] == "2026"
    mw = headline(d["power_mw"])
    assert (mw["value"], mw["qualifier"]) == (1000, "up_to")
    chips = headline(d["accelerators"])
    assert (chips["count"], chips["qualifier"]) == (500_000, "approx")
    assert mw["source"] in primary_urls(d)
    # the EUR 10 billion is Fluidstack's capital spending, not a payment between the parties
    assert d["total_value"] == []


def test_2025_aip_consortium_buys_aligned(runner):
    d = company_deals(runner, "Aligned Data Centers")["aip-aligned-acquisition-2025"]
    assert (d["kind"], d["provider"], d["customer"], d["status"]) == (
        "acquisition", "aip", "aligned-data-centers", "signed")
    value = headline(d["total_value"])
    assert (value["amount"], value["currency"], value["qualifier"]) == (40_000_000_000, "USD", "approx")
    assert d["announced"] == "2025-10-15"
    assert value["source"] in primary_urls(d)
    # the AIP name resolves, and the acquirer's own deals include the joining of Nvidia and xAI
    aip = company_deals(runner, "AI Infrastructure Partnership")
    assert "aip-aligned-acquisition-2025" in aip


def test_2025_crusoe_tallgrass_wyoming_venture(runner):
    d = company_deals(runner, "Crusoe")["crusoe-tallgrass-wyoming-2025"]
    assert d["kind"] == "joint_venture" and d["members"] == ["crusoe", "tallgrass"]
    assert (d["provider"], d["customer"]) == (None, None)
    assert headline(d["power_mw"])["value"] == 1800
    assert d["announced"] == "2025-07-24"
    assert any(u.startswith("https://www.globenewswire.com/") for u in primary_urls(d))


def test_2025_stargate_argentina_is_a_letter_of_intent(runner):
    d = company_deals(runner, "OpenAI")["openai-sur-energy-argentina-2025"]
    assert (d["provider"], d["customer"], d["role"], d["status"]) == (
        "sur-energy", "openai", "customer", "letter_of_intent")
    mw = headline(d["power_mw"])
    assert (mw["value"], mw["qualifier"]) == (500, "up_to")
    assert "https://openai.com/global-affairs/argentinas-ai-opportunity/" in primary_urls(d)


def test_2025_macquarie_facility_for_applied_digital(runner):
    d = company_deals(runner, "Applied Digital")["macquarie-applied-digital-hpc-2025"]
    assert (d["kind"], d["provider"], d["customer"], d["role"]) == (
        "investment", "macquarie-asset-management", "applied-digital", "customer")
    value = headline(d["total_value"])
    assert (value["amount"], value["qualifier"]) == (5_000_000_000, "up_to")
    assert d["announced"] == "2025-01-14"
    assert any("macquarie.com" in u for u in primary_urls(d))


def test_2025_aws_xenergy_korean_smr_memorandum(runner):
    d = company_deals(runner, "AWS")["aws-xenergy-khnp-doosan-smr-2025"]
    assert d["kind"] == "joint_venture"
    assert d["members"] == ["aws", "doosan-enerbility", "khnp", "x-energy"]
    mw = headline(d["power_mw"])
    assert (mw["value"], mw["qualifier"]) == (5000, "more_than")
    assert (d["announced"], d["end"], d["status"]) == ("2025-08-25", "2039", "letter_of_intent")
    assert mw["source"] in primary_urls(d)


def test_2025_broadcom_tpu_racks_for_anthropic(runner):
    d = company_deals(runner, "Anthropic")["broadcom-anthropic-tpu-racks-2025"]
    assert (d["kind"], d["provider"], d["customer"], d["role"]) == (
        "chip_supply", "broadcom", "anthropic", "customer")
    value = headline(d["total_value"])
    assert (value["amount"], value["currency"]) == (21_000_000_000, "USD")
    assert (d["announced"], d["end"]) == ("2025-12-11", "2026")
    assert value["source"] in primary_urls(d)


def test_2025_brookfield_france_money_stays_in_terms(runner):
    """A capital-spending programme is not a deal value (curation rule 8)."""
    d = company_deals(runner, "Brookfield")["brookfield-data4-france-2025"]
    assert (d["kind"], d["provider"], d["customer"]) == ("investment", "brookfield", "data4")
    assert d["total_value"] == [] and "EUR 20 billion" in d["terms"]
    assert (d["announced"], d["end"]) == ("2025-02-10", "2030")
    assert primary_urls(d)


def test_2025_nvidia_korea_allocations_are_separate_deals(runner):
    korea = {k: v for k, v in company_deals(runner, "Nvidia").items() if k.startswith("nvidia-") and v["announced"] == "2025-10-31"}
    customers = {v["customer"] for v in korea.values()}
    assert customers == {"korea-msit", "samsung-electronics", "sk-group", "hyundai-motor-group", "naver-cloud"}
    naver = korea["nvidia-naver-cloud-2025"]
    assert headline(naver["accelerators"])["count"] == 60_000

# ---------------------------------------------------------------------------- deals announced in 2026 (d-2026 pass)
# Each pins facts of a deal added from the 2026 search, as its sources state them.

def test_2026_google_rents_spacex_gpus_by_the_month(runner):
    d = company_deals(runner, "Google Cloud")["google-xai-spacex-cloud-2026-06"]
    assert (d["kind"], d["provider"], d["customer"], d["role"]) == ("cloud_capacity", "xai", "google", "customer")
    price = headline(d["price"])
    assert (price["amount"], price["currency"], price["per"]) == (920_000_000, "USD", "month")
    gpus = headline(d["accelerators"])
    assert (gpus["count"], gpus["qualifier"]) == (110_000, "approx")
    assert {v["qualifier"] for v in d["accelerators"]} == {"approx", "at_least"}     # WSJ: at least 110,000
    assert (d["announced"], d["start"], d["end"], d["status"]) == ("2026-06-05", "2026-10", "2029-06", "signed")
    # in force only inside October 2026 .. June 2029
    assert "google-xai-spacex-cloud-2026-06" in company_deals(runner, "Google", "--as-of", "2029-06-30")
    assert "google-xai-spacex-cloud-2026-06" not in company_deals(runner, "Google", "--as-of", "2026-09-30")
    assert "google-xai-spacex-cloud-2026-06" not in company_deals(runner, "Google", "--as-of", "2029-07-01")


def test_2026_reflection_rents_colossus_2(runner):
    d = company_deals(runner, "Reflection")["reflection-xai-colossus-2-2026"]
    assert (d["provider"], d["customer"], d["facilities"]) == ("xai", "reflection-ai", ["colossus-2"])
    price = headline(d["price"])
    assert (price["amount"], price["per"]) == (150_000_000, "month")
    values = {(v["amount"], v["qualifier"], v["headline"]) for v in d["total_value"]}
    assert values == {(6_300_000_000, "approx", True), (6_300_000_000, "up_to", False)}
    assert (d["announced"], d["start"], d["end"]) == ("2026-06-22", "2026-07-01", "2029")
    # xAI (inside SpaceX) now sells compute to three outside labs and Google
    customers = {x["customer"] for x in company_deals(runner, "xAI").values() if x["role"] == "provider"}
    assert {"anthropic", "google", "reflection-ai"} <= customers


def test_2026_chevron_unit_sells_kilby_power_to_microsoft(runner):
    d = company_deals(runner, "Microsoft")["microsoft-chevron-kilby-ppa-2026"]
    assert (d["kind"], d["provider"], d["customer"]) == ("power_purchase", "energy-forge-one", "microsoft")
    assert d["facilities"] == ["project-kilby"]
    power = headline(d["power_mw"])
    assert (power["value"], power["qualifier"]) == (2670, "approx")
    assert power["source"] == "https://targetednews.com/pr_display.php?pr_id=9652592"     # Chevron's release
    assert (d["announced"], d["start"], d["end"]) == ("2026-06-22", "2028", None)
    assert d["sources"][0]["kind"] == "company_release"
    # the signer is Chevron's subsidiary: Chevron shows it only with --roll-up
    assert "microsoft-chevron-kilby-ppa-2026" not in company_deals(runner, "Chevron")
    assert "microsoft-chevron-kilby-ppa-2026" in company_deals(runner, "Chevron", "--roll-up")


def test_2026_national_grid_buys_into_the_kilby_developer(runner):
    d = company_deals(runner, "Joulent")["nationalgrid-joulent-invest-2026"]
    assert (d["kind"], d["provider"], d["customer"]) == ("investment", "national-grid-ventures", "joulent")
    value = headline(d["total_value"])
    assert (value["amount"], value["currency"], value["qualifier"]) == (1_750_000_000, "USD", None)
    assert d["announced"] == "2026-07-01"
    site = cli_json(runner, "--no-epoch", "facility", "Project Kilby")[0]
    assert {x["id"] for x in site["deals"]} == {"microsoft-chevron-kilby-ppa-2026", "nationalgrid-joulent-invest-2026"}


def test_2026_applied_digital_leases_to_unnamed_hyperscalers(runner):
    deals = company_deals(runner, "Applied Digital")
    df1, pf3, df2 = (deals[f"applieddigital-hyperscaler-{k}-2026"] for k in ("df1", "pf3", "df2"))
    for d, mw, money in ((df1, 300, 7_500_000_000), (pf3, 300, 7_500_000_000), (df2, 210, 5_200_000_000)):
        assert (d["kind"], d["provider"], d["role"]) == ("lease", "applied-digital", "provider")
        assert headline(d["power_mw"])["value"] == mw
        value = headline(d["total_value"])
        assert (value["amount"], value["qualifier"]) == (money, "approx")
    assert df1["customer"] == pf3["customer"] == "unnamed-hyperscaler-delta-forge-1"   # same tenant per sources
    assert df2["customer"] == "unnamed-hyperscaler-delta-forge-2"
    assert (df1["announced"], df1["start"], df2["start"]) == ("2026-04-23", "2027", "2028")
    for d in (df1, df2):
        assert any(s["kind"] == "filing" and s["url"].startswith("https://www.sec.gov/Archives/edgar/data/1144879/")
                   for s in d["sources"])


def test_2026_openai_first_customer_of_tcs_hypervault(runner):
    d = company_deals(runner, "TCS HyperVault")["openai-tcs-hypervault-2026"]
    assert (d["kind"], d["provider"], d["customer"]) == ("lease", "tcs", "openai")
    assert headline(d["power_mw"])["value"] == 100          # the first phase, not the 1 GW option
    assert (d["announced"], d["status"]) == ("2026-02-19", "announced")
    assert "openai-tcs-hypervault-2026" in company_deals(runner, "OpenAI")


def test_2026_aes_google_ppa_records_no_invented_capacity(runner):
    d = company_deals(runner, "AES")["google-aes-wilbarger-ppa-2026"]
    assert (d["kind"], d["provider"], d["customer"]) == ("power_purchase", "aes", "google")
    assert d["facilities"] == ["google-wilbarger"]
    assert d["power_mw"] == [] and d["total_value"] == []    # neither was disclosed
    assert d["announced"] == "2026-02-24"
    assert any(s["kind"] == "company_release" and s["url"].startswith("https://www.prnewswire.com/")
               for s in d["sources"])


def test_2026_cpp_edgeconnex_amounts_disagree(runner):
    d = company_deals(runner, "Canada Pension Plan Investment Board")["cpp-edgeconnex-invest-2026"]
    assert (d["kind"], d["provider"], d["customer"]) == ("investment", "cpp-investments", "edgeconnex")
    amounts = {v["amount"]: v["headline"] for v in d["total_value"]}
    assert amounts == {1_750_000_000: True, 2_400_000_000: False}
    assert d["announced"] == "2026-07"


def test_2026_microsoft_takes_crusoe_abilene_expansion_with_disputed_mw(runner):
    d = company_deals(runner, "Crusoe")["microsoft-crusoe-abilene-2026"]
    assert (d["kind"], d["provider"], d["customer"], d["role"]) == ("lease", "crusoe", "microsoft", "provider")
    assert {v["value"]: v["headline"] for v in d["power_mw"]} == {900: True, 700: False}   # Crusoe vs Bloomberg
    assert (d["announced"], d["start"]) == ("2026-03-27", "2027")
    assert d["facilities"] == ["crusoe-abilene-microsoft"]


def test_2026_nvidia_thinking_machines_gigawatt_without_invented_value(runner):
    d = company_deals(runner, "Thinking Machines")["nvidia-thinking-machines-2026"]
    assert (d["kind"], d["provider"], d["customer"]) == ("chip_supply", "nvidia", "thinking-machines-lab")
    power = headline(d["power_mw"])
    assert (power["value"], power["qualifier"]) == (1000, "at_least")
    assert d["total_value"] == []          # the "$50B" in headlines is a per-GW rule of thumb, not the deal's value
    assert (d["announced"], d["start"]) == ("2026-03-10", "2027")


def test_2026_nextera_to_acquire_dominion(runner):
    d = company_deals(runner, "Dominion Energy")["nextera-dominion-acquisition-2026"]
    assert (d["kind"], d["provider"], d["customer"], d["role"]) == ("acquisition", "nextera", "dominion", "customer")
    assert {v["amount"] for v in d["total_value"]} == {66_800_000_000, 67_000_000_000}
    assert headline(d["total_value"])["amount"] == 66_800_000_000
    assert (d["announced"], d["status"]) == ("2026-05-18", "announced")


def test_2025_power_for_data_centres_from_utility_releases(runner):
    """Three 2025 power deals whose primary source is a utility's or the partners' PR Newswire release."""
    google = company_deals(runner, "Google")
    arkansas = google["google-entergy-arkansas-2025"]
    assert (arkansas["kind"], arkansas["provider"], arkansas["customer"]) == ("power_purchase", "entergy-arkansas", "google")
    assert headline(arkansas["power_mw"])["value"] == 600 and arkansas["announced"] == "2025-10-02"
    assert arkansas["total_value"] == []  # Google's $4 billion is its own capital spending
    nextera = google["nextera-google-campuses-2025"]
    assert nextera["kind"] == "joint_venture" and nextera["members"] == ["google", "nextera"]
    assert any(u.startswith("https://www.prnewswire.com/") for u in primary_urls(nextera))
    ppl = company_deals(runner, "PPL Corporation")["ppl-blackstone-gas-jv-2025"]
    assert ppl["members"] == ["blackstone", "ppl-corporation"] and ppl["announced"] == "2025-07-15"
    assert primary_urls(ppl)


def test_2025_disputed_investment_amounts_keep_both_values(runner):
    d = company_deals(runner, "TCS")["tpg-tcs-hypervault-2025"]
    values = [(v["amount"], v["currency"], v["qualifier"], v["headline"]) for v in d["total_value"]]
    assert values == [(88_200_000_000, "INR", "up_to", True), (88_700_000_000, "INR", "approx", False)]
    assert (d["provider"], d["customer"], d["announced"]) == ("tpg", "tcs", "2025-11-20")


def test_2026_softbank_portsmouth_site_is_federal_land_for_10_gw(runner):
    d = company_deals(runner, "SoftBank")["softbank-doe-portsmouth-2026"]
    assert (d["kind"], d["provider"], d["customer"], d["role"]) == ("other", "us-doe", "softbank", "customer")
    assert headline(d["power_mw"])["value"] == 10_000
    assert d["total_value"] == []          # the $33B gas plants are SoftBank's own spending
    assert (d["announced"], d["facilities"]) == ("2026-03-20", ["portsmouth-site"])


def test_2026_aep_exercises_bloom_option_separately_from_2024_framework(runner):
    deals = company_deals(runner, "AEP")
    d = deals["aep-bloom-cheyenne-2026"]
    assert (d["provider"], d["customer"]) == ("bloom-energy", "aep")
    value = headline(d["total_value"])
    assert (value["amount"], value["qualifier"]) == (2_650_000_000, "approx")
    assert d["announced"] == "2026-01-08"
    assert "aep-bloom-fuel-cells-2024" in deals     # the earlier framework stays its own record

# ---------------------------------------------------------------------------- 2024 deals (d-2024 search)

def test_2024_equinix_oklo_letter_of_intent_from_the_sec_exhibit(runner):
    d = company_deals(runner, "Equinix")["equinix-oklo-loi-2024"]
    assert (d["kind"], d["provider"], d["customer"], d["role"]) == ("power_purchase", "oklo", "equinix", "customer")
    power = headline(d["power_mw"])
    assert (power["value"], power["qualifier"]) == (500, "up_to")
    assert power["source"].startswith("https://www.sec.gov/Archives/edgar/data/1849056/")   # Exhibit 10.19
    assert (d["announced"], d["status"]) == ("2024-02-16", "letter_of_intent")
    assert d["total_value"] == [] and d["price"] == []      # prices are redacted in the exhibit


def test_2024_amd_buys_zt_systems_per_its_8k(runner):
    d = company_deals(runner, "ZT Systems")["amd-zt-systems-acquisition-2024"]
    assert (d["kind"], d["provider"], d["customer"], d["role"]) == ("acquisition", "amd", "zt-systems", "customer")
    value = headline(d["total_value"])
    assert (value["amount"], value["currency"]) == (4_900_000_000, "USD")
    assert d["announced"] == "2024-08-19"
    assert any(s["kind"] == "filing" and s["url"].startswith("https://www.sec.gov/Archives/edgar/data/2488/")
               for s in d["sources"])


def test_2024_aep_bloom_fuel_cells_up_to_a_gigawatt(runner):
    d = company_deals(runner, "American Electric Power")["aep-bloom-fuel-cells-2024"]
    assert (d["kind"], d["provider"], d["customer"]) == ("other", "bloom-energy", "aep")
    power = headline(d["power_mw"])
    assert (power["value"], power["qualifier"]) == (1000, "up_to")
    assert d["total_value"] == []          # the $2.65B of 2026 belongs to a later exercise, not this agreement
    assert d["announced"] == "2024-11-14"
    assert any(s["kind"] == "company_release" for s in d["sources"])


def test_2024_amazon_dominion_smr_now_has_dominions_release(runner):
    d = company_deals(runner, "Dominion Energy")["amazon-dominion-smr-2024"]
    assert (d["provider"], d["customer"]) == ("dominion", "amazon")
    assert d["announced"] == "2024-10-16"
    assert any(s["kind"] == "company_release" and "Dominion" in s["publisher"] for s in d["sources"])


def test_2024_blackstone_airtrunk_keeps_both_currencies(runner):
    d = company_deals(runner, "AirTrunk")["blackstone-airtrunk-acquisition-2024"]
    assert (d["kind"], d["provider"], d["customer"]) == ("acquisition", "blackstone", "airtrunk")
    values = {(v["amount"], v["currency"]): v["headline"] for v in d["total_value"]}
    assert values == {(24_000_000_000, "AUD"): True, (16_100_000_000, "USD"): False}
    assert headline(d["total_value"])["qualifier"] == "more_than"
    assert d["announced"] == "2024-09-04"


def test_2024_thrive_leads_openai_round_with_disputed_amount(runner):
    d = company_deals(runner, "Thrive Capital")["thrive-openai-invest-2024"]
    assert (d["kind"], d["provider"], d["customer"], d["role"]) == ("investment", "thrive-capital", "openai", "provider")
    assert {v["amount"]: v["headline"] for v in d["total_value"]} == {1_250_000_000: True, 1_200_000_000: False}
    assert d["announced"] == "2024-10-02"


def test_2024_xai_colossus_150mw_via_mlgw(runner):
    d = company_deals(runner, "Memphis Light, Gas and Water")["mlgw-xai-colossus-150mw-2024"]
    assert (d["kind"], d["provider"], d["customer"]) == ("power_purchase", "mlgw", "xai")
    assert d["facilities"] == ["colossus-1"]
    assert headline(d["power_mw"])["value"] == 150
    assert d["announced"] == "2024-11-07"
    assert "mlgw-xai-colossus-150mw-2024" in company_deals(runner, "xAI")


def test_2024_joint_ventures_are_ties_without_invented_values(runner):
    gaiip = company_deals(runner, "BlackRock")["gaiip-jv-2024"]
    assert gaiip["kind"] == "joint_venture"
    assert set(gaiip["members"]) == {"blackrock", "gip", "microsoft", "mgx"}
    assert gaiip["total_value"] == []      # $30B / $100B are fund-raising targets, kept in terms
    xscale = company_deals(runner, "Equinix")["equinix-gic-cpp-xscale-jv-2024"]
    assert set(xscale["members"]) == {"equinix", "gic", "cpp-investments"}
    power = headline(xscale["power_mw"])
    assert (power["value"], power["qualifier"]) == (1500, "more_than")


# ---------------------------------------------------------------------------- alias audit (d-2024)

@pytest.mark.parametrize("alias, company_id", [
    ("OpenAI, Inc.", "openai-foundation"),      # the nonprofit's legal name, not the for-profit's
    ("xAI Holdings", "xai-holdings"),           # the holding company above xAI, not xAI itself
    ("Brookfield Renewable", "brookfield-renewable"),
    ("Brookfield Asset Management", "brookfield"),
])
def test_separate_entities_resolve_to_their_own_records(runner, alias, company_id):
    result = runner.invoke(main, ["company", alias, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert re.search(rf"deal\(s\) for .* \({re.escape(company_id)}\)", result.stderr), result.stderr[-300:]


def test_research_team_is_not_a_company_alias(companies):
    assert "Google Brain" not in (companies["google-deepmind"]["aliases"] or [])
    assert companies["microsoft"] and "brookfield-renewable" in companies
    assert companies["xai"]["parent"] == "spacex"      # xAI Holdings is its own record; xAI's parent link is unchanged


def test_epoch_owner_of_large_site_is_curated_and_mapped(runner):
    rows = cli_json(runner, "companies")
    together = [c for c in rows if c["id"] == "together-ai"]
    assert together and together[0]["name"] == "Together AI"
    assert not any(c["id"] == "together" for c in rows)    # Epoch's "Together" maps to the curated record


def test_2026_mdu_serves_applied_digital_polaris_forge_3(runner):
    d = company_deals(runner, "Applied Digital")["mdu-applieddigital-pf3-esa-2026"]
    assert (d["kind"], d["provider"], d["customer"], d["role"]) == (
        "other", "montana-dakota-utilities", "applied-digital", "customer")
    assert headline(d["power_mw"])["value"] == 430
    assert (d["announced"], d["status"], d["facilities"]) == ("2026-06-22", "signed", ["polaris-forge-3"])


def test_2026_blackstone_neysa_raise_and_equity_share(runner):
    d = company_deals(runner, "Neysa Networks")["blackstone-neysa-2026"]
    assert (d["kind"], d["provider"], d["customer"]) == ("investment", "blackstone", "neysa")
    assert {v["amount"] for v in d["total_value"]} == {1_200_000_000, 600_000_000}
    assert headline(d["total_value"])["amount"] == 1_200_000_000     # the whole raise; half is debt still to find
    assert d["announced"] == "2026-02-16"


def test_2026_amazon_louisiana_campuses_owned_by_stack(runner):
    d = company_deals(runner, "STACK Infrastructure")["amazon-stack-louisiana-2026"]
    assert (d["kind"], d["provider"], d["customer"], d["role"]) == ("lease", "stack-infrastructure", "amazon", "provider")
    assert d["total_value"] == []          # the $12B is Amazon's own planned spending, not the lease's value
    assert d["announced"] == "2026-02-23"
