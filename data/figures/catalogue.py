"""The geography and indicator catalogue: built from the bundled reference files and seed CSVs.

Official geographies (England, regions, local authorities, Leeds' wards and community committees,
statistical neighbours) come from the DfE/ONS files in `data/reference/`; places that exist only in
council reports (school clusters, the statistical-neighbour group) from `data/seed/geographies.csv`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from data.text import normalise, split_list

PACKAGE_DIR = Path(__file__).parent.parent  # data/: reference/, seed/ and mappings/ live there
SEED_DIR = PACKAGE_DIR / "seed"
REFERENCE_DIR = PACKAGE_DIR / "reference"
NATIONAL_DIR = REFERENCE_DIR / "national"  # every English council's DfE tables, gzip as published
SEED_ACTOR = "briefbot seed"  # who, in the audit log, wrote the bundled catalogue and figures

LEEDS = "E08000035"
ENGLAND = "E92000001"
LEEDS_OLD_CODE = "383"
LEEDS_SN_GROUP = "leeds-sn"
WARDS_2004_END = date(2018, 5, 2)
WARDS_2018_START = date(2018, 5, 3)
WARDS_2004_START = date(2004, 6, 10)
SN_MODELS = (
    ("New_Statistical_Neighbour_Groupings_April_2021.csv", "2021 model", date(2021, 4, 1), date(2025, 4, 30)),
    ("sn_model_2025_wide.csv", "2025 model", date(2025, 5, 1), None),
)


@dataclass(frozen=True)
class GeographySpec:
    code: str
    name: str
    type: str
    valid_from: date | None = None
    valid_to: date | None = None
    aliases: tuple[tuple[str, str], ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class MembershipSpec:
    child: str
    parent: str
    relation: str
    valid_from: date | None = None
    valid_to: date | None = None
    source: str | None = None


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    short_name: str
    unit: str
    decimals: int
    polarity: str
    family: str
    theme: str
    definition: str
    source: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class CommitteeSpec:
    name: str
    geography: str
    moderngov_id: str | None


@dataclass(frozen=True)
class DocumentSpec:
    key: str
    title: str
    published: date | None
    publisher: str
    licence: str | None


@dataclass
class Catalogue:
    geographies: dict[str, GeographySpec] = field(default_factory=dict)
    memberships: list[MembershipSpec] = field(default_factory=list)
    indicators: list[IndicatorSpec] = field(default_factory=list)
    committees: list[CommitteeSpec] = field(default_factory=list)
    documents: list[DocumentSpec] = field(default_factory=list)

    def add(self, spec: GeographySpec) -> None:
        self.geographies.setdefault(spec.code, spec)


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            yield {(key or "").strip(): (value or "").strip() for key, value in row.items()}


def iso_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _dmy(text: str) -> date | None:
    return datetime.strptime(text, "%d/%m/%Y").date() if text else None


def _name_aliases(*names: str) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for name in names:
        if name:
            seen.setdefault(normalise(name), "name")
    return tuple(seen.items())


def committee_area_code(name: str) -> str:
    return "leeds-cc-" + normalise(name).replace(" ", "-")


def build_catalogue(seed_dir: Path = SEED_DIR, reference_dir: Path = REFERENCE_DIR, *, local: bool = True) -> Catalogue:
    """local: Leeds' own places (wards, committees, school clusters) too; False for another council at home."""
    catalogue = Catalogue()
    _add_seed_geographies(catalogue, seed_dir, local=local)
    _add_regions_and_authorities(catalogue, reference_dir)
    if local:
        _add_wards_and_committees(catalogue, reference_dir)
    _add_groups(catalogue, reference_dir)
    _add_extra_aliases(catalogue, seed_dir)
    _add_part_aliases(catalogue)
    if local:  # the memberships file holds Leeds' own places only
        catalogue.memberships.extend(
            MembershipSpec(
                row["child"],
                row["parent"],
                row["relation"],
                iso_date(row["valid_from"]),
                iso_date(row["valid_to"]),
                row["source"] or None,
            )
            for row in read_csv(seed_dir / "memberships.csv")
        )
    catalogue.indicators.extend(_indicator(row) for row in read_csv(seed_dir / "indicators.csv"))
    catalogue.documents.extend(
        DocumentSpec(row["key"], row["title"], iso_date(row["published"]), row["publisher"], row["licence"] or None)
        for row in read_csv(seed_dir / "documents.csv")
    )
    return catalogue


def _indicator(row: dict[str, str]) -> IndicatorSpec:
    aliases = {normalise(alias) for alias in [row["short_name"], *split_list(row["aliases"])]}
    return IndicatorSpec(
        code=row["code"],
        name=row["name"],
        short_name=row["short_name"],
        unit=row["unit"],
        decimals=int(row["decimals"]),
        polarity=row["polarity"],
        family=row["family"],
        theme=row["theme"],
        definition=row["definition"],
        source=row["source"],
        aliases=tuple(sorted(aliases - {""})),
    )


OFFICIAL_SEED_TYPES = ("country", "comparator_group")  # the seed's places that are not Leeds' own


def _add_seed_geographies(catalogue: Catalogue, seed_dir: Path, *, local: bool) -> None:
    for row in read_csv(seed_dir / "geographies.csv"):
        if not local and row["type"] not in OFFICIAL_SEED_TYPES:
            continue
        aliases = _name_aliases(row["name"], *split_list(row["aliases"]))
        aliases += tuple((normalise(part), "part") for part in split_list(row["part_aliases"]))
        catalogue.add(
            GeographySpec(
                row["code"],
                row["name"],
                row["type"],
                iso_date(row["valid_from"]),
                iso_date(row["valid_to"]),
                aliases,
                row["note"] or None,
            )
        )


def _add_extra_aliases(catalogue: Catalogue, seed_dir: Path) -> None:
    """Everyday words for official places ("the city", "national") kept beside the official names."""
    for row in read_csv(seed_dir / "geography_aliases.csv"):
        spec = catalogue.geographies[row["geography"]]
        extra = tuple((normalise(alias), "name") for alias in split_list(row["aliases"]))
        merged = tuple(dict.fromkeys(spec.aliases + extra))
        catalogue.geographies[spec.code] = replace(spec, aliases=merged)


PARTS_FOR = ("ward", "committee_area", "school_cluster")


def _add_part_aliases(catalogue: Catalogue) -> None:
    """ "Beeston" for "Beeston, Cottingley and Middleton": weaker than a full name, so data decides."""
    full = {alias for spec in catalogue.geographies.values() for alias, kind in spec.aliases if kind != "part"}
    for code, spec in list(catalogue.geographies.items()):
        if spec.type not in PARTS_FOR:
            continue
        parts = {
            part.strip().removesuffix(" cluster") for part in normalise(spec.name.replace(",", " and ")).split(" and ")
        }
        extra = tuple((part, "part") for part in sorted(parts - full) if len(part) >= 4)
        catalogue.geographies[code] = replace(spec, aliases=tuple(dict.fromkeys(spec.aliases + extra)))


def _add_regions_and_authorities(catalogue: Catalogue, reference_dir: Path) -> None:
    region_of: dict[str, str] = {}
    for row in read_csv(reference_dir / "dfe_region_la_hierarchy.csv"):
        if not row["region_code"].startswith("E12"):
            continue
        region = row["region_code"]
        catalogue.add(
            GeographySpec(region, row["region_name"], "region", aliases=_name_aliases(row["region_name"], region))
        )
        region_of[row["new_la_code"]] = region
    for region in sorted(set(region_of.values())):
        catalogue.memberships.append(MembershipSpec(region, ENGLAND, "part_of", source="dfe_region_la_hierarchy.csv"))
    rows = list(read_csv(reference_dir / "dfe_las.csv"))
    recoded = _recoded_authorities(rows)
    for row in rows:
        code = row["new_la_code"]
        if code in recoded:
            continue
        aliases = (*_name_aliases(row["la_name"]), (row["old_la_code"], "code"))
        aliases += tuple((old, "code") for old, live in recoded.items() if live == code)
        catalogue.add(
            GeographySpec(
                code,
                row["la_name"],
                "local_authority",
                _dmy(row["date_of_operation"]),
                _dmy(row["date_of_termination"]),
                aliases,
            )
        )
        if code in region_of:
            catalogue.memberships.append(
                MembershipSpec(code, region_of[code], "part_of", source="dfe_region_la_hierarchy.csv")
            )


def _recoded_authorities(rows: list[dict[str, str]]) -> dict[str, str]:
    """Terminated codes of authorities that carry on under a new code (Sheffield E08000019 -> E08000039):
    the same council, same old code and name, so one place with the old code kept as an alias."""
    live = {(row["old_la_code"], row["la_name"]): row["new_la_code"] for row in rows if row["status"] == "live"}
    return {
        row["new_la_code"]: live[(row["old_la_code"], row["la_name"])]
        for row in rows
        if row["status"] == "terminated" and (row["old_la_code"], row["la_name"]) in live
    }


def _add_wards_and_committees(catalogue: Catalogue, reference_dir: Path) -> None:
    older_codes: dict[str, set[str]] = {}
    for row in read_csv(reference_dir / "dfe_ward_lad_la_pcon_hierarchy_leeds.csv"):
        if row["first_available_year_included"] == "2017":
            catalogue.add(
                GeographySpec(
                    row["ward_code"],
                    row["ward_name"],
                    "ward",
                    WARDS_2004_START,
                    WARDS_2004_END,
                    _name_aliases(row["ward_name"], row["ward_name"] + " ward"),
                    "Leeds ward 2004-2018; boundaries changed in May 2018.",
                )
            )
            catalogue.memberships.append(
                MembershipSpec(
                    row["ward_code"],
                    LEEDS,
                    "part_of",
                    WARDS_2004_START,
                    WARDS_2004_END,
                    "dfe_ward_lad_la_pcon_hierarchy_leeds.csv",
                )
            )
        else:
            older_codes.setdefault(normalise(row["ward_name"]), set()).add(row["ward_code"])
    for row in read_csv(reference_dir / "leeds_wards_community_committees.csv"):
        area = committee_area_code(row["community_committee"])
        committee_name = f"{row['community_committee']} Community Committee"
        if area not in catalogue.geographies:
            catalogue.add(
                GeographySpec(
                    area,
                    row["community_committee"],
                    "committee_area",
                    aliases=_name_aliases(
                        row["community_committee"],
                        committee_name,
                        f"{row['community_committee']} Area Committee",
                        f"{row['community_committee']} area",
                    ),
                )
            )
            catalogue.memberships.append(MembershipSpec(area, LEEDS, "part_of"))
            catalogue.committees.append(CommitteeSpec(committee_name, area, row["moderngov_committee_id"] or None))
        ward = row["ward_code"]
        codes = older_codes.get(normalise(row["ward_name"]), set()) - {ward}
        aliases = (
            *_name_aliases(row["ward_name"], row["ward_name"] + " ward"),
            *((code, "code") for code in sorted(codes)),
        )
        catalogue.add(
            GeographySpec(
                ward,
                row["ward_name"],
                "ward",
                WARDS_2018_START,
                None,
                aliases,
                f"Leeds ward since May 2018; nearest 2004-2018 ward: "
                f"{row['approx_predecessor_2004_ward_name']} (by name only).",
            )
        )
        source = "leeds_wards_community_committees.csv"
        catalogue.memberships += [
            MembershipSpec(ward, LEEDS, "part_of", WARDS_2018_START, None, source),
            MembershipSpec(ward, area, "part_of", WARDS_2018_START, None, source),
            MembershipSpec(
                row["approx_predecessor_2004_ward_code"],
                area,
                "part_of",
                None,
                WARDS_2004_END,
                source + " (predecessor ward, matched by name)",
            ),
        ]


def _add_groups(catalogue: Catalogue, reference_dir: Path) -> None:
    """Everyday names of authorities and regions, every authority's statistical neighbours, core cities."""
    from data.figures import groups  # it builds on this module's types

    groups.add_everyday_names(catalogue, reference_dir)
    groups.add_neighbour_groups(catalogue, reference_dir)
    groups.add_core_cities(catalogue, reference_dir)
