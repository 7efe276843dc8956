"""A Guangdong-sized data set (广东省, 26,700 canteens as in the 2020 figures) as unsaved model rows.

Canteens are shared out to the cities by population, then to each city's leaf regions (counties; the
towns of Dongguan and Zhongshan, which have no counties), with some spread so no two counties look
alike. Each city draws from its own random stream, so seeding one city gives exactly that city's part
of the province-wide data.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from brightkitchen.core.roles import Role
from brightkitchen.demo.names import company_name, credit_code, mobile_phone, person_name, street_address
from brightkitchen.demo.places import Place, SchoolNames, education_bureau_name, regulator_name
from brightkitchen.demo.profiles import (
    SCHOOL_TYPE_WEIGHTS,
    LicenceNumbers,
    LicencePlan,
    canteen_count,
    canteen_name,
    canteen_profile,
    pick,
    school_profile,
)
from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.regions.models import Region
from brightkitchen.schools.models import Canteen, School, SchoolType

PROVINCE = "44"
TOTAL_CANTEENS = 26_700
# Population in millions (2020 census), which sets each city's share of the canteens.
CITY_WEIGHTS = {
    "4401": 18.7,
    "4402": 2.9,
    "4403": 17.6,
    "4404": 2.4,
    "4405": 5.5,
    "4406": 9.5,
    "4407": 4.8,
    "4408": 7.0,
    "4409": 6.2,
    "4412": 4.1,
    "4413": 6.0,
    "4414": 3.9,
    "4415": 2.7,
    "4416": 2.8,
    "4417": 2.6,
    "4418": 4.0,
    "4419": 10.5,
    "4420": 4.4,
    "4451": 2.6,
    "4452": 5.6,
    "4453": 2.4,
}
_LICENCE_PLAN_WEIGHTS = {
    LicencePlan.VALID: 945,
    LicencePlan.EXPIRING: 20,
    LicencePlan.EXPIRED: 25,
    LicencePlan.MISSING: 10,
}


@dataclass(frozen=True)
class SeedUser:
    username: str
    role: Role
    display_name: str
    organisation: Organisation


@dataclass
class CityRows:
    """One city's unsaved rows. Rows point at their parent objects, whose keys bulk_create fills in,
    so saving parents before children links them."""

    organisations: list[Organisation] = field(default_factory=list)
    schools: list[School] = field(default_factory=list)
    canteens: list[Canteen] = field(default_factory=list)
    regulators: dict[str, Organisation] = field(default_factory=dict)


def largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` in proportion to `weights` into whole numbers that add up to exactly `total`."""
    scale = total / sum(weights.values())
    exact = {key: w * scale for key, w in weights.items()}
    shares = {key: int(v) for key, v in exact.items()}
    by_remainder = sorted(exact, key=lambda key: (shares[key] - exact[key], key))
    for key in by_remainder[: total - sum(shares.values())]:
        shares[key] += 1
    return shares


@dataclass(frozen=True)
class Geography:
    province: Place
    cities: dict[str, Place]
    leaves: dict[str, list[Place]]  # city code → the leaf regions schools sit in

    @classmethod
    def load(cls) -> Geography:
        regions = list(Region.objects.filter(code__startswith=PROVINCE).order_by("code"))
        if not regions:
            raise LookupError("Guangdong (44) is not in the region tree: run `brightkitchen load_regions`.")
        by_code = {r.code: r for r in regions}
        parents = {r.parent_id for r in regions}
        cities = {r.code: r for r in regions if r.parent_id == PROVINCE}
        leaves: dict[str, list[Place]] = {code: [] for code in cities}
        for region in regions:
            if region.code not in parents and region.parent_id in cities:
                leaves[region.parent_id].append(Place.of(region, cities[region.parent_id]))
            elif region.code not in parents and region.code not in cities and region.code != PROVINCE:
                # Deeper trees would need walking up to the city; the official file has none in Guangdong.
                raise ValueError(f"unexpected region depth under {PROVINCE}: {region.code}")
        return cls(
            Place.of(by_code[PROVINCE]),
            {c: Place.of(r) for c, r in cities.items()},
            {c: v for c, v in leaves.items() if v},
        )

    def canteens_per_city(self) -> dict[str, int]:
        return largest_remainder(TOTAL_CANTEENS, {c: CITY_WEIGHTS.get(c, 3.0) for c in self.leaves})


def province_rows(geo: Geography, seed: int) -> list[Organisation]:
    """The bodies at province level (those every scale needs)."""
    rng = random.Random(f"{seed}:{PROVINCE}")
    return [
        _body(rng, OrganisationKind.REGULATOR, geo.province, regulator_name(geo.province)),
        _body(rng, OrganisationKind.OPERATOR, geo.province, "广东省明厨亮灶平台运营中心", "91"),
    ]


def city_rows(geo: Geography, city_code: str, canteens: int, seed: int, today: datetime.date) -> CityRows:
    rng = random.Random(f"{seed}:{city_code}")
    city, leaves = geo.cities[city_code], geo.leaves[city_code]
    rows = CityRows()
    rows.regulators[city.code] = _body(rng, OrganisationKind.REGULATOR, city, regulator_name(city))
    rows.organisations += [
        rows.regulators[city.code],
        _body(rng, OrganisationKind.EDUCATION_BUREAU, city, education_bureau_name(city)),
        _body(rng, OrganisationKind.SUPPLIER, city, company_name(rng, city.name, "农产品配送"), "91"),
        _body(rng, OrganisationKind.SUPPLIER, city, company_name(rng, city.name, "粮油食品"), "91"),
    ]
    names, licences = SchoolNames(rng), LicenceNumbers()
    per_leaf = largest_remainder(canteens, {leaf.code: rng.uniform(0.6, 1.4) for leaf in leaves})
    for leaf in leaves:
        rows.regulators[leaf.code] = _body(rng, OrganisationKind.REGULATOR, leaf, regulator_name(leaf))
        rows.organisations += [
            rows.regulators[leaf.code],
            _body(rng, OrganisationKind.EDUCATION_BUREAU, leaf, education_bureau_name(leaf)),
        ]
        for school_type, count in _schools(rng, per_leaf[leaf.code]):
            name = names.next(leaf, school_type)
            profile = school_profile(rng, leaf, school_type)
            org = Organisation(
                kind=OrganisationKind.SCHOOL,
                region_id=leaf.code,
                name=name,
                address=profile.address,
                credit_code=credit_code(rng, leaf.code, "12"),
                phone=profile.principal_phone,
            )
            school = School(organisation=org, **profile.fields())
            rows.organisations.append(org)
            rows.schools.append(school)
            for i in range(count):
                canteen = canteen_profile(
                    rng,
                    leaf,
                    profile,
                    canteen_name(name, i, count),
                    count,
                    licences,
                    pick(rng, _LICENCE_PLAN_WEIGHTS),
                    today,
                )
                rows.canteens.append(Canteen(school=school, **canteen.fields()))
    return rows


def _schools(rng: random.Random, canteens: int) -> Iterator[tuple[SchoolType, int]]:
    """(school type, number of canteens) until exactly `canteens` canteens are handed out."""
    left = canteens
    while left > 0:
        school_type = pick(rng, SCHOOL_TYPE_WEIGHTS)
        count = min(left, canteen_count(rng, school_type))
        left -= count
        yield school_type, count


def _body(
    rng: random.Random, kind: OrganisationKind, place: Place, name: str, authority: str = "11"
) -> Organisation:
    return Organisation(
        kind=kind,
        region_id=place.code,
        name=name,
        credit_code=credit_code(rng, place.code, authority),
        phone=mobile_phone(rng),
        address=street_address(rng, place.full_name),
    )


def seed_users(province_regulator: Organisation, city: CityRows, city_code: str) -> list[SeedUser]:
    """The three regulator logins of the seeded data: province, one city, that city's first county."""
    county = next(code for code in city.regulators if code != city_code)
    rng = random.Random(city_code)
    return [
        SeedUser("gd_province", Role.REGULATOR, person_name(rng), province_regulator),
        SeedUser("gd_city", Role.REGULATOR, person_name(rng), city.regulators[city_code]),
        SeedUser("gd_county", Role.REGULATOR, person_name(rng), city.regulators[county]),
    ]
