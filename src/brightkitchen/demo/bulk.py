"""Writing (and removing) the Guangdong data set in bulk.

Tens of thousands of rows one `save()` at a time would take many minutes, so rows go in with
`bulk_create` in batches, which bypasses the per-row audit log by design; one summary entry records
the import instead. Everything happens in one transaction: a failed run leaves nothing behind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from brightkitchen.accounts.models import User
from brightkitchen.audit.models import AuditAction
from brightkitchen.audit.services import record
from brightkitchen.core.context import Actor, acting_as
from brightkitchen.demo.guangdong import (
    PROVINCE,
    CityRows,
    Geography,
    SeedUser,
    city_rows,
    province_rows,
    seed_users,
)
from brightkitchen.demo.seeding import DEMO_PASSWORD, Login
from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.schools.models import Canteen, School

Scale = Literal["province", "city"]
LOGIN_CITY = "4401"  # 广州市: where the city and county logins of the province-scale data sit
DEFAULT_CITY = "4419"  # 东莞市: small enough for tests, and its schools sit on 9-digit town codes
_M = TypeVar("_M", bound=models.Model)


class SeedError(Exception):
    pass


@dataclass
class SeedResult:
    prefix: str
    organisations: int = 0
    schools: int = 0
    canteens: int = 0
    users: list[Login] = field(default_factory=list)
    seconds: float = 0.0


def canteens_under(prefix: str) -> int:
    return Canteen.objects.filter(school__organisation__region__code__startswith=prefix).count()


def seed_guangdong(
    scale: Scale, city: str = DEFAULT_CITY, seed: int = 44, batch_size: int = 1000, progress: bool = True
) -> SeedResult:
    started = time.perf_counter()
    geo = Geography.load()
    if scale == "city" and city not in geo.leaves:
        raise SeedError(f"{city} is not a city of Guangdong (44) with schools to seed.")
    per_city = geo.canteens_per_city()
    cities = list(per_city) if scale == "province" else [city]
    today = timezone.localdate()
    bodies = province_rows(geo, seed)
    rows = {code: city_rows(geo, code, per_city[code], seed, today) for code in cities}
    login_city = LOGIN_CITY if scale == "province" else city
    users = seed_users(bodies[0], rows[login_city], login_city)
    prefix = PROVINCE if scale == "province" else city
    organisations = [*bodies, *(o for r in rows.values() for o in r.organisations)]
    result = SeedResult(prefix)
    try:
        with acting_as(Actor(username="seed", source="command")), transaction.atomic():
            _write(organisations, rows, users, batch_size, progress, result)
            record(
                AuditAction.IMPORT,
                None,
                after={
                    "scale": scale,
                    "region": prefix,
                    "seed": seed,
                    "organisations": result.organisations,
                    "schools": result.schools,
                    "canteens": result.canteens,
                    "users": [login.username for login in result.users],
                },
                region_code=prefix,
                description=f"seed {scale} {prefix}: {result.schools} schools, {result.canteens} canteens",
            )
    except IntegrityError as exc:
        # Foreign keys are checked at commit, so this is caught around the transaction, not inside it.
        raise SeedError(f"Some of this data is already there ({exc}); run with --reset first.") from exc
    analyze([Organisation, School, Canteen, User])
    result.seconds = time.perf_counter() - started
    return result


def _write(
    organisations: list[Organisation],
    rows: dict[str, CityRows],
    users: list[SeedUser],
    batch_size: int,
    progress: bool,
    result: SeedResult,
) -> None:
    new_organisations = _skip_existing_bodies(organisations)
    new_users = _new_users(users)
    schools = [s for r in rows.values() for s in r.schools]
    canteens = [c for r in rows.values() for c in r.canteens]
    total = len(new_organisations) + len(schools) + len(canteens) + len(new_users)
    # disable=None: a bar on a terminal, none in logs and captured output.
    disable = None if progress else True
    with tqdm(total=total, unit="row", desc=f"seed {result.prefix}", disable=disable) as bar:
        _bulk(Organisation, new_organisations, batch_size, bar)
        _bulk(School, schools, batch_size, bar)
        _bulk(Canteen, canteens, batch_size, bar)
        _bulk(User, new_users, batch_size, bar)
    result.organisations = len(new_organisations)
    result.schools, result.canteens = len(schools), len(canteens)
    result.users = [
        Login(u.username, DEMO_PASSWORD, u.role_label, _org_name(u))
        for u in User.objects.select_related("organisation__region")
        .filter(pk__in=[u.pk for u in new_users])
        .order_by("pk")
    ]


def _skip_existing_bodies(organisations: list[Organisation]) -> list[Organisation]:
    """Bodies (bureaus, suppliers) already there from seeding another city are reused, not duplicated:
    the in-memory row takes the stored key, so its users and children point at the stored one."""
    in_province = Organisation.objects.filter(region__code__startswith=PROVINCE)
    bodies = in_province.exclude(kind=OrganisationKind.SCHOOL)
    stored = {(o.kind, o.region_id, o.name): o.pk for o in bodies}
    new = []
    for org in organisations:
        pk = stored.get((org.kind, org.region_id, org.name))
        if pk is None:
            new.append(org)
        else:
            org.pk = pk
            org._state.adding = False
    return new


def _org_name(user: User) -> str:
    return user.organisation.name if user.organisation else ""


def _new_users(wanted: list[SeedUser]) -> list[User]:
    taken = set(
        User.objects.filter(username__in=[u.username for u in wanted]).values_list("username", flat=True)
    )
    new = []
    for spec in wanted:
        if spec.username in taken:
            continue
        user = User(
            username=spec.username,
            display_name=spec.display_name,
            role=spec.role,
            organisation=spec.organisation,
        )
        user.set_password(DEMO_PASSWORD)
        new.append(user)
    return new


def _bulk(model: type[_M], objs: list[_M], batch_size: int, bar: tqdm[Any]) -> None:
    for start in range(0, len(objs), batch_size):
        batch = objs[start : start + batch_size]
        model._default_manager.bulk_create(batch)
        bar.update(len(batch))


def analyze(tables: list[type[models.Model]]) -> None:
    """Refresh the planner's statistics. Right after a bulk load PostgreSQL still plans for near-empty
    tables (nested loops over thousands of rows): a deep page of the canteen list took 105 ms before
    and 39 ms after, and autovacuum may take minutes to get there on its own."""
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@dataclass
class ResetResult:
    users: int
    canteens: int
    schools: int
    organisations: int


def reset(prefix: str) -> ResetResult:
    """Remove every user, canteen, school and organisation in the region `prefix`.

    Users go through the ORM (few of them; their tokens and the like cascade and are logged). The
    bulk rows are deleted with raw DELETEs, children first, like they were inserted; rows of other
    features that still point at them make the whole reset fail and roll back instead of vanishing
    silently.
    """
    try:
        with acting_as(Actor(username="seed", source="command")), transaction.atomic():
            users = User.objects.filter(organisation__region__code__startswith=prefix)
            counts = ResetResult(users.count(), 0, 0, 0)
            users.delete()
            canteens = Canteen.objects.filter(school__organisation__region__code__startswith=prefix)
            counts.canteens = canteens._raw_delete(canteens.db)
            schools = School.objects.filter(organisation__region__code__startswith=prefix)
            counts.schools = schools._raw_delete(schools.db)
            organisations = Organisation.objects.filter(region__code__startswith=prefix)
            counts.organisations = organisations._raw_delete(organisations.db)
            description = f"seed --reset {prefix}"
            record(AuditAction.DELETE, None, after=vars(counts), region_code=prefix, description=description)
    except IntegrityError as exc:
        raise SeedError(f"Other records still refer to this data ({exc}); nothing was deleted.") from exc
    return counts
