"""Writing the Jinzhong demo plan to the database, idempotently.

Rows are found by their natural keys (organisation: kind + region + name; school: its organisation;
canteen: school + name; user: username). What exists is left as it is, so a second run, or a run after
someone edited the demo data, creates and changes nothing. Each new row is validated and saved through
the ORM one by one, so the audit log records it like any other change, with "demo" as the actor.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.db import models, transaction
from django.utils import timezone

from brightkitchen.accounts.models import User
from brightkitchen.core.context import Actor, acting_as
from brightkitchen.core.roles import Role
from brightkitchen.demo.calendar import seed_calendar
from brightkitchen.demo.jinzhong import PROVINCE, DemoPlan, OrgSpec, UserSpec, build_plan
from brightkitchen.organisations.models import Organisation
from brightkitchen.schools.models import Canteen, School

# One password for every demo login, printed with them; it passes the configured validators.
DEMO_PASSWORD = "Demo-2026-BK"
DEMO_SEED = 140700


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    organisation: str


@dataclass
class DemoReport:
    created: Counter[str] = field(default_factory=Counter)
    logins: list[Login] = field(default_factory=list)


def seed_demo(seed: int = DEMO_SEED, today: datetime.date | None = None) -> DemoReport:
    day = today or timezone.localdate()
    plan = build_plan(seed, day)
    report = DemoReport()
    with acting_as(Actor(username="demo", source="command")), transaction.atomic():
        orgs = _organisations(plan, report.created)
        canteens = _schools_and_canteens(plan, orgs, report.created)
        _users(plan, orgs, canteens, report.created)
        seed_calendar(report.created, today=day)
        _app_history(list(canteens.values()), day, seed)
    # Alerts for what the history leaves open (expiring licences and certificates, today's gaps), so
    # the inboxes are not empty until the scheduler's first sweep; the sweep is idempotent.
    from brightkitchen.alerts.services import sweep

    with acting_as(Actor(username="demo", source="command")):
        sweep(day, timezone.now())
    report.logins = [_login(user) for user in plan.users]
    return report


def _app_history(canteens: list[Canteen], today: datetime.date, seed: int) -> None:
    """Days of records from every app that ships demo data (`<app>/demo_data.py` with
    `seed(canteens, today, rng)`, itself idempotent), so the demo opens on a lived-in platform."""
    import importlib
    import random

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("brightkitchen.") or config.label in ("core", "demo"):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo_data")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo_data":
                raise
            continue
        module.seed(sorted(canteens, key=lambda c: c.pk), today, random.Random(f"{seed}:{config.label}"))


def _create(instance: models.Model, created: Counter[str]) -> None:
    instance.full_clean()
    instance.save()
    created[type(instance).__name__] += 1


def _organisations(plan: DemoPlan, created: Counter[str]) -> dict[OrgSpec, Organisation]:
    stored = Organisation.objects.filter(region__code__startswith=PROVINCE)
    existing = {(o.kind, o.region_id, o.name): o for o in stored}
    orgs: dict[OrgSpec, Organisation] = {}
    for spec in plan.organisations:
        org = existing.get((spec.kind, spec.region, spec.name))
        if org is None:
            org = Organisation(
                kind=spec.kind,
                region_id=spec.region,
                name=spec.name,
                credit_code=spec.credit_code,
                phone=spec.phone,
                address=spec.address,
            )
            _create(org, created)
        orgs[spec] = org
    return orgs


def _schools_and_canteens(
    plan: DemoPlan, orgs: dict[OrgSpec, Organisation], created: Counter[str]
) -> dict[tuple[int, str], Canteen]:
    org_ids = [orgs[s.organisation].pk for s in plan.schools]
    schools = School.objects.in_bulk(org_ids)
    canteens = {(c.school_id, c.name): c for c in Canteen.objects.filter(school_id__in=org_ids)}
    for spec in plan.schools:
        org = orgs[spec.organisation]
        school = schools.get(org.pk)
        if school is None:
            school = School(organisation=org, **spec.profile.fields())
            _create(school, created)
        for profile in spec.canteens:
            if (school.pk, profile.name) not in canteens:
                canteen = Canteen(school=school, **profile.fields())
                _create(canteen, created)
                canteens[school.pk, profile.name] = canteen
    return canteens


def _users(
    plan: DemoPlan,
    orgs: dict[OrgSpec, Organisation],
    canteens: dict[tuple[int, str], Canteen],
    created: Counter[str],
) -> None:
    usernames = [u.username for u in plan.users]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    for spec in plan.users:
        if spec.username in existing:
            continue
        org = orgs[spec.organisation] if spec.organisation else None
        canteen = None
        if spec.school is not None and org is not None:
            canteen = canteens[org.pk, spec.school.canteens[0].name]
        user = User(
            username=spec.username,
            display_name=spec.display_name,
            role=spec.role,
            organisation=org,
            canteen=canteen,
            is_staff=spec.role == Role.OPERATOR,
        )
        validate_password(DEMO_PASSWORD, user)
        user.set_password(DEMO_PASSWORD)
        _create(user, created)


def _login(spec: UserSpec) -> Login:
    where = spec.organisation.name if spec.organisation else "—"
    if spec.school is not None:
        where = spec.school.canteens[0].name
    # The label names the level too (county / city / province regulator), which the login table needs.
    user = User.objects.select_related("organisation__region").get(username=spec.username)
    return Login(spec.username, DEMO_PASSWORD, user.role_label, where)
