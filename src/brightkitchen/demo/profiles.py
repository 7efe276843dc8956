"""Field values of generated schools and canteens, shared by the Jinzhong demo and the province seed.

The mixes are rough but realistic: kindergartens and primary schools are the bulk, most canteens are
self-run, risk grades are spread A 30% / B 45% / C 20% / D 5%, a licence runs for five years.
"""

from __future__ import annotations

import datetime
import enum
import random
from dataclasses import dataclass, field
from typing import Any

from brightkitchen.demo.names import company_name, mobile_phone, person_name, street_address
from brightkitchen.demo.places import Place
from brightkitchen.schools.models import (
    LICENCE_EXPIRY_WARNING_DAYS,
    LICENCE_VALID_YEARS,
    AnnualGrade,
    DynamicGrade,
    OperationMode,
    RiskGrade,
    SchoolType,
)

SCHOOL_TYPE_WEIGHTS = {
    SchoolType.KINDERGARTEN: 38,
    SchoolType.PRIMARY: 36,
    SchoolType.SECONDARY: 21,
    SchoolType.VOCATIONAL: 4,
    SchoolType.UNIVERSITY: 1,
}
_STUDENTS = {
    SchoolType.KINDERGARTEN: (60, 450),
    SchoolType.PRIMARY: (200, 2400),
    SchoolType.SECONDARY: (400, 3600),
    SchoolType.VOCATIONAL: (600, 5000),
    SchoolType.UNIVERSITY: (3000, 26000),
}
_BOARDING_SHARE = {
    SchoolType.KINDERGARTEN: 0.02,
    SchoolType.PRIMARY: 0.12,
    SchoolType.SECONDARY: 0.55,
    SchoolType.VOCATIONAL: 0.8,
    SchoolType.UNIVERSITY: 1.0,
}
# Chance that a school has a second canteen (bigger schools often split students and staff).
_SECOND_CANTEEN_SHARE = {
    SchoolType.KINDERGARTEN: 0.0,
    SchoolType.PRIMARY: 0.12,
    SchoolType.SECONDARY: 0.45,
    SchoolType.VOCATIONAL: 0.5,
    SchoolType.UNIVERSITY: 1.0,
}
_OPERATION_MODE_WEIGHTS = {
    OperationMode.SELF_RUN: 68,
    OperationMode.CONTRACTED: 24,
    OperationMode.EXTERNAL_SUPPLY: 8,
}
# Kindergartens cook for small children themselves; few contract the kitchen out.
_KINDERGARTEN_SELF_RUN_SHARE = 0.85
RISK_GRADE_WEIGHTS = {RiskGrade.A: 30, RiskGrade.B: 45, RiskGrade.C: 20, RiskGrade.D: 5}
_DYNAMIC_GRADE_WEIGHTS = {DynamicGrade.EXCELLENT: 30, DynamicGrade.GOOD: 55, DynamicGrade.FAIR: 15}
# Blank: a canteen opened this year has no annual grade yet.
_ANNUAL_GRADE_WEIGHTS = {AnnualGrade.A: 34, AnnualGrade.B: 48, AnnualGrade.C: 15, "": 3}
_LICENCE_SCOPES = (
    "热食类食品制售",
    "热食类食品制售；冷食类食品制售（不含生食）",
    "热食类食品制售；糕点类食品制售（不含裱花蛋糕）",
    "热食类食品制售；自制饮品制售（不含自酿酒）",
)


class LicencePlan(enum.Enum):
    """Where a canteen's licence should stand today (the dates are derived from it)."""

    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"


def pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def licence_dates(
    rng: random.Random, today: datetime.date, plan: LicencePlan
) -> tuple[datetime.date | None, datetime.date | None]:
    """(issued on, expires on) of a five-year licence whose status today is `plan`."""
    if plan is LicencePlan.MISSING:
        return None, None
    warn = LICENCE_EXPIRY_WARNING_DAYS
    days_left = {
        LicencePlan.VALID: lambda: rng.randint(warn + 1, LICENCE_VALID_YEARS * 365 - 1),
        LicencePlan.EXPIRING: lambda: rng.randint(0, warn),
        LicencePlan.EXPIRED: lambda: -rng.randint(1, 400),
    }[plan]()
    expires = today + datetime.timedelta(days=days_left)
    # Valid "until the day before the fifth anniversary", as printed on the licence.
    issued = add_years(expires + datetime.timedelta(days=1), -LICENCE_VALID_YEARS)
    return issued, expires


@dataclass(frozen=True)
class SchoolProfile:
    school_type: SchoolType
    address: str
    principal_name: str
    principal_phone: str
    students: int
    boarding: bool

    def fields(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass(frozen=True)
class CanteenProfile:
    name: str
    operation_mode: OperationMode
    contractor: str
    diners: int
    licence_number: str
    licence_scope: str
    licence_issued_on: datetime.date | None
    licence_expires_on: datetime.date | None
    dynamic_grade: DynamicGrade
    dynamic_graded_on: datetime.date
    annual_grade: str
    risk_grade: RiskGrade
    safety_director: str
    safety_manager: str
    safety_phone: str

    def fields(self) -> dict[str, Any]:
        return dict(vars(self))


def school_profile(rng: random.Random, place: Place, school_type: SchoolType) -> SchoolProfile:
    low, high = _STUDENTS[school_type]
    return SchoolProfile(
        school_type=school_type,
        address=street_address(rng, place.full_name),
        principal_name=person_name(rng),
        principal_phone=mobile_phone(rng),
        students=rng.randint(low, high),
        boarding=rng.random() < _BOARDING_SHARE[school_type],
    )


def canteen_count(rng: random.Random, school_type: SchoolType) -> int:
    return 2 if rng.random() < _SECOND_CANTEEN_SHARE[school_type] else 1


def canteen_name(school_name: str, index: int, count: int) -> str:
    if count == 1:
        return f"{school_name}食堂"
    return f"{school_name}{('第一', '第二', '第三', '第四')[index]}食堂"


@dataclass
class LicenceNumbers:
    """Food business licence numbers: JY, 3 (单位食堂, a unit canteen), the six-digit county code, a
    six-digit serial and a check digit; the serial counts per county so numbers never repeat."""

    serials: dict[str, int] = field(default_factory=dict)

    def next(self, rng: random.Random, region_code: str) -> str:
        county = region_code[:6]
        serial = self.serials.get(county, 0) + 1
        self.serials[county] = serial
        return f"JY3{county}{serial:06d}{rng.randrange(10)}"


def canteen_profile(
    rng: random.Random,
    place: Place,
    school: SchoolProfile,
    name: str,
    count: int,
    licences: LicenceNumbers,
    licence_plan: LicencePlan,
    today: datetime.date,
) -> CanteenProfile:
    if school.school_type == SchoolType.KINDERGARTEN and rng.random() < _KINDERGARTEN_SELF_RUN_SHARE:
        mode = OperationMode.SELF_RUN
    else:
        mode = pick(rng, _OPERATION_MODE_WEIGHTS)
    contractor = ""
    city = place.city_name or place.name
    if mode == OperationMode.CONTRACTED:
        contractor = company_name(rng, city, "餐饮管理")
    elif mode == OperationMode.EXTERNAL_SUPPLY:
        contractor = company_name(rng, city, "团餐配送")
    issued, expires = licence_dates(rng, today, licence_plan)
    eating = school.students * rng.uniform(0.8, 1.08)
    return CanteenProfile(
        name=name,
        operation_mode=mode,
        contractor=contractor,
        diners=max(20, int(eating / count)),
        licence_number="" if licence_plan is LicencePlan.MISSING else licences.next(rng, place.code),
        licence_scope="" if licence_plan is LicencePlan.MISSING else rng.choice(_LICENCE_SCOPES),
        licence_issued_on=issued,
        licence_expires_on=expires,
        dynamic_grade=pick(rng, _DYNAMIC_GRADE_WEIGHTS),
        # Its own generator, so adding the day left every other demo value as it was. One canteen in
        # ten was last inspected more than a year ago: its grade is shown out of date.
        dynamic_graded_on=today
        - datetime.timedelta(days=random.Random(f"graded:{school.address}:{name}").randint(20, 400)),
        annual_grade=pick(rng, _ANNUAL_GRADE_WEIGHTS),
        risk_grade=pick(rng, RISK_GRADE_WEIGHTS),
        safety_director=person_name(rng),
        safety_manager=person_name(rng),
        safety_phone=mobile_phone(rng),
    )
