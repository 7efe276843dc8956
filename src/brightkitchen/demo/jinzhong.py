"""The Jinzhong (晋中市) demo, as a plan: which bodies, schools, canteens and users exist.

The plan depends only on the seed, the region tree and today's date, never on what is already in the
database, so a second run asks for exactly the same records and the seeder can skip what exists.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field, replace

from brightkitchen.core.roles import Role
from brightkitchen.demo.names import company_name, credit_code, person_name, street_address
from brightkitchen.demo.places import Place, SchoolNames, education_bureau_name, regulator_name
from brightkitchen.demo.profiles import (
    CanteenProfile,
    LicenceNumbers,
    LicencePlan,
    SchoolProfile,
    canteen_count,
    canteen_name,
    canteen_profile,
    licence_dates,
    pick,
    school_profile,
)
from brightkitchen.organisations.models import OrganisationKind
from brightkitchen.regions.models import Region
from brightkitchen.schools.models import SchoolType

PROVINCE = "14"
CITY = "1407"
HOME_COUNTY = "140702"  # 榆次区: the county of the demo's county users and demo school
# Schools per county, roughly by population; a county missing here (a future redistricting) gets 8.
SCHOOLS_PER_COUNTY = {
    "140702": 24,
    "140703": 12,
    "140781": 14,
    "140728": 13,
    "140729": 10,
    "140727": 10,
    "140725": 9,
    "140724": 8,
    "140722": 8,
    "140723": 7,
    "140721": 7,
}
COLLEGES = {"140702": ("晋中学院", "晋中职业技术学院"), "140703": ("晋中信息学院",)}
_OTHER_TYPES = {SchoolType.KINDERGARTEN: 35, SchoolType.PRIMARY: 40, SchoolType.SECONDARY: 25}
EXPIRING_LICENCES = 4


@dataclass(frozen=True)
class OrgSpec:
    kind: OrganisationKind
    region: str
    name: str
    credit_code: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class SchoolSpec:
    organisation: OrgSpec
    profile: SchoolProfile
    canteens: tuple[CanteenProfile, ...]


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: Role
    display_name: str
    organisation: OrgSpec | None = None
    school: SchoolSpec | None = None  # canteen users work in this school's first canteen


@dataclass
class DemoPlan:
    organisations: list[OrgSpec] = field(default_factory=list)
    schools: list[SchoolSpec] = field(default_factory=list)
    users: list[UserSpec] = field(default_factory=list)


def _places() -> tuple[Place, Place, list[Place]]:
    regions = {r.code: r for r in Region.objects.filter(code__startswith=PROVINCE)}
    if CITY not in regions:
        raise LookupError("Jinzhong (1407) is not in the region tree: run `brightkitchen load_regions`.")
    city = regions[CITY]
    counties = [Place.of(r, city) for code, r in sorted(regions.items()) if r.parent_id == CITY]
    return Place.of(regions[PROVINCE]), Place.of(city), counties


def build_plan(seed: int, today: datetime.date) -> DemoPlan:
    rng = random.Random(seed)
    province, city, counties = _places()
    plan = DemoPlan()

    def body(kind: OrganisationKind, place: Place, name: str, authority: str = "11") -> OrgSpec:
        code = credit_code(rng, place.code, authority)
        phone = f"0354-{rng.randrange(10**7):07d}"  # 0354: Jinzhong's area code
        org = OrgSpec(kind, place.code, name, code, phone, street_address(rng, place.full_name))
        plan.organisations.append(org)
        return org

    operator = body(OrganisationKind.OPERATOR, province, "明厨亮灶平台运营中心", "91")
    province_regulator = body(OrganisationKind.REGULATOR, province, regulator_name(province))
    city_regulator = body(OrganisationKind.REGULATOR, city, regulator_name(city))
    body(OrganisationKind.EDUCATION_BUREAU, city, education_bureau_name(city), "11")
    county_bodies = {
        c.code: (
            body(OrganisationKind.REGULATOR, c, regulator_name(c)),
            body(OrganisationKind.EDUCATION_BUREAU, c, education_bureau_name(c)),
        )
        for c in counties
    }
    supplier = body(OrganisationKind.SUPPLIER, city, company_name(rng, city.name, "蔬菜配送"), "91")
    pingyao = next((c for c in counties if c.name == "平遥县"), counties[-1])
    body(OrganisationKind.SUPPLIER, pingyao, company_name(rng, pingyao.name, "肉类食品"), "91")

    _add_schools(plan, rng, counties, today)
    home = next(s for s in plan.schools if s.organisation.region == HOME_COUNTY)
    home_regulator, home_education = county_bodies[HOME_COUNTY]
    plan.users = [
        UserSpec("operator", Role.OPERATOR, "平台管理员", operator),
        UserSpec("sx_province", Role.REGULATOR, person_name(rng), province_regulator),
        UserSpec("jz_city", Role.REGULATOR, person_name(rng), city_regulator),
        UserSpec("yuci_regulator", Role.REGULATOR, person_name(rng), home_regulator),
        UserSpec("yuci_edu", Role.EDUCATION_BUREAU, person_name(rng), home_education),
        UserSpec("yuci_principal", Role.PRINCIPAL, home.profile.principal_name, home.organisation),
        UserSpec(
            "yuci_manager", Role.CANTEEN_MANAGER, home.canteens[0].safety_manager, home.organisation, home
        ),
        UserSpec("yuci_staff", Role.CANTEEN_STAFF, person_name(rng), home.organisation, home),
        UserSpec("jz_supplier", Role.SUPPLIER, person_name(rng), supplier),
        UserSpec("parent", Role.PUBLIC, "家长"),
    ]
    return plan


def _add_schools(plan: DemoPlan, rng: random.Random, counties: list[Place], today: datetime.date) -> None:
    names = SchoolNames(rng)
    licences = LicenceNumbers()
    for county in counties:
        total = SCHOOLS_PER_COUNTY.get(county.code, 8)
        colleges = COLLEGES.get(county.code, ())
        # The home county's first school is the demo school: a secondary school, so it has
        # canteens worth showing; every county has one vocational school.
        types = [SchoolType.SECONDARY] if county.code == HOME_COUNTY else []
        types.append(SchoolType.VOCATIONAL)
        types += [pick(rng, _OTHER_TYPES) for _ in range(total - len(types) - len(colleges))]
        named = [(t, names.next(county, t)) for t in types] + [(SchoolType.UNIVERSITY, n) for n in colleges]
        for school_type, name in named:
            profile = school_profile(rng, county, school_type)
            count = canteen_count(rng, school_type)
            canteens = tuple(
                canteen_profile(
                    rng,
                    county,
                    profile,
                    canteen_name(name, i, count),
                    count,
                    licences,
                    LicencePlan.VALID,
                    today,
                )
                for i in range(count)
            )
            org = OrgSpec(
                OrganisationKind.SCHOOL,
                county.code,
                name,
                credit_code(rng, county.code, "12"),
                profile.principal_phone,
                profile.address,
            )
            plan.organisations.append(org)
            plan.schools.append(SchoolSpec(org, profile, canteens))
    _age_some_licences(plan, rng, today)


def _age_some_licences(plan: DemoPlan, rng: random.Random, today: datetime.date) -> None:
    """Exactly one expired licence and a few expiring ones. The expired one and one expiring one are in
    the home county, so its regulator sees both alerts; never the demo school's (its canteen users
    should see a clean file first)."""
    home_schools = [i for i, s in enumerate(plan.schools) if s.organisation.region == HOME_COUNTY][1:]
    others = [i for i, s in enumerate(plan.schools) if s.organisation.region != HOME_COUNTY]
    chosen = rng.sample(home_schools, 2) + rng.sample(others, EXPIRING_LICENCES - 1)
    for position, school_index in enumerate(chosen):
        status = LicencePlan.EXPIRED if position == 0 else LicencePlan.EXPIRING
        school = plan.schools[school_index]
        issued, expires = licence_dates(rng, today, status)
        first = replace(school.canteens[0], licence_issued_on=issued, licence_expires_on=expires)
        plan.schools[school_index] = replace(school, canteens=(first, *school.canteens[1:]))
