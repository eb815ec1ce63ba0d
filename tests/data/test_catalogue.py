"""The geography and indicator catalogue built from the bundled reference files."""

from __future__ import annotations

from collections import Counter
from datetime import date

from data.figures.catalogue import LEEDS, LEEDS_SN_GROUP, build_catalogue

CATALOGUE = build_catalogue()
REQUIRED_INDICATORS = {
    "LAC_COUNT",
    "LAC_RATE",
    "CPP_COUNT",
    "CPP_RATE",
    "CIN_RATE",
    "NEET_COUNT",
    "NEET_PCT",
    "NEET_16_17_PCT",
    "NEET_NOT_KNOWN_PCT",
    "CAF_INITIATED",
    "CAF_OPEN",
    "RFS_COUNT",
    "REFERRAL_COUNT",
    "CONTACT_COUNT",
    "POP_0_18",
    "IA_TIMELY_PCT",
    "CA_TIMELY_PCT",
    "SW_CASELOAD_AVG",
    "SW_AGENCY_PCT",
}


def test_required_indicators_exist_with_definitions() -> None:
    by_code = {indicator.code: indicator for indicator in CATALOGUE.indicators}
    assert set(by_code) >= REQUIRED_INDICATORS
    assert all(indicator.definition and indicator.source for indicator in CATALOGUE.indicators)
    assert by_code["NEET_PCT"].family == by_code["NEET_16_17_PCT"].family == "NEET"
    assert "cp plans" in by_code["CPP_COUNT"].aliases and "kids in care" in by_code["LAC_COUNT"].aliases


def test_geographies_the_reports_need() -> None:
    types = Counter(spec.type for spec in CATALOGUE.geographies.values())
    assert types["committee_area"] == 10 and types["ward"] == 66 and types["school_cluster"] == 2
    current = [s for s in CATALOGUE.geographies.values() if s.type == "ward" and s.valid_to is None]
    assert len(current) == 33
    names = {spec.name for spec in CATALOGUE.geographies.values()}
    assert {
        "Leeds",
        "England",
        "Yorkshire and The Humber",
        "City and Hunslet",
        "Hunslet & Riverside",
        "JESS cluster",
        "Beeston, Cottingley and Middleton cluster",
        "Inner South",
    } <= names
    assert CATALOGUE.geographies["E05001420"].valid_to == date(2018, 5, 2)


def test_leeds_statistical_neighbours_both_models() -> None:
    members = [m for m in CATALOGUE.memberships if m.parent == LEEDS_SN_GROUP]
    by_model = Counter(m.valid_from for m in members)
    assert by_model == {date(2021, 4, 1): 10, date(2025, 5, 1): 10}
    names = {CATALOGUE.geographies[m.child].name for m in members if m.valid_from == date(2021, 4, 1)}
    assert names == {
        "Sheffield",
        "Darlington",
        "Calderdale",
        "Bury",
        "Stockton-on-Tees",
        "Bolton",
        "Derby",
        "North Tyneside",
        "Kirklees",
        "Wirral",
    }


def test_memberships_link_wards_committees_clusters() -> None:
    links = {(m.child, m.parent, m.relation) for m in CATALOGUE.memberships}
    assert ("E05011399", "leeds-cc-inner-south", "part_of") in links
    assert ("E05001420", "leeds-cc-inner-south", "part_of") in links
    assert ("cluster-jess", "leeds-cc-inner-south", "related_to") in links
    assert (LEEDS, "E12000003", "part_of") in links
    assert ("E12000003", "E92000001", "part_of") in links


def test_every_membership_names_known_places() -> None:
    for membership in CATALOGUE.memberships:
        assert membership.child in CATALOGUE.geographies and membership.parent in CATALOGUE.geographies
