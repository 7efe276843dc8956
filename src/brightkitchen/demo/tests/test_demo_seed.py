"""The Jinzhong demo: complete, reproducible, idempotent, and every printed login works."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django.test import Client, TestCase, override_settings
from django.utils import timezone

from brightkitchen.accounts.models import User
from brightkitchen.audit.models import AuditLogEntry
from brightkitchen.core.roles import Role
from brightkitchen.demo.jinzhong import CITY, build_plan
from brightkitchen.demo.seeding import DEMO_PASSWORD
from brightkitchen.organisations.models import Organisation
from brightkitchen.regions.models import Region
from brightkitchen.schools.models import Canteen, LicenceStatus, OperationMode, School, SchoolType
from brightkitchen.schools.selectors import licence_status_q

# Argon2 costs about 0.3 s per password, and the hasher is not what these tests are about.
FAST_HASHER = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def _counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "schools": School.objects.count(),
        "canteens": Canteen.objects.count(),
        "users": User.objects.count(),
        "audit": AuditLogEntry.objects.count(),
    }


def _printed_logins(output: str) -> list[tuple[str, str]]:
    """(username, password) of each row of the printed login table."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("username")) + 2
    rows = [re.split(r"\s{2,}", line) for line in lines[start:] if line.strip()]
    return [(row[0], row[1]) for row in rows]


def _demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


@FAST_HASHER
class DemoSeedTests(TestCase):
    """Seeded once for the class (rolled back afterwards); each test runs in its own savepoint."""

    output: str
    before: dict[str, int]
    after: dict[str, int]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.before = _counts()
        cls.output = _demo()
        cls.after = _counts()

    def test_second_run_creates_and_changes_nothing(self) -> None:
        entries = AuditLogEntry.objects.count()
        output = _demo()

        assert _counts() == self.after
        assert "nothing (already seeded)" in output
        assert AuditLogEntry.objects.count() == entries  # the second run changed nothing
        # The first run acts through the services, which also update what they made (a patrol plan is
        # drawn, an inspection grades its canteen, the risk assessment grades every canteen); it never
        # deletes anything.
        assert not AuditLogEntry.objects.filter(actor_username="demo", action="delete").exists()

    def test_every_row_is_in_the_audit_log(self) -> None:
        kinds = ("organisations", "schools", "canteens", "users")
        created = sum(self.after[k] - self.before[k] for k in kinds)
        from django.contrib.contenttypes.models import ContentType

        from brightkitchen.accounts.models import User
        from brightkitchen.organisations.models import Organisation

        # Other apps' demo history may add its own entries; these four kinds are this seeder's.
        kinds_ct = ContentType.objects.get_for_models(Organisation, School, Canteen, User).values()
        entries = AuditLogEntry.objects.filter(
            actor_username="demo", source="command", action="create", content_type__in=kinds_ct
        )
        assert created > 0
        assert entries.count() == created

    def test_the_demo_covers_jinzhong(self) -> None:
        schools = School.objects.filter(organisation__region__code__startswith=CITY)
        canteens = Canteen.objects.filter(school__in=schools)
        counties = set(Region.objects.filter(parent_id=CITY).values_list("code", flat=True))

        assert schools.count() >= 120
        assert set(schools.values_list("organisation__region", flat=True)) == counties
        assert set(schools.values_list("school_type", flat=True)) == set(SchoolType)
        assert {s.canteens.count() for s in schools} == {1, 2}
        today = timezone.localdate()
        assert canteens.filter(licence_status_q(LicenceStatus.EXPIRED, today)).count() == 1
        assert canteens.filter(licence_status_q(LicenceStatus.EXPIRING, today)).count() >= 3
        assert not canteens.exclude(operation_mode=OperationMode.SELF_RUN).filter(contractor="").exists()
        assert set(canteens.values_list("operation_mode", flat=True)) == set(OperationMode)
        assert set(canteens.values_list("risk_grade", flat=True)) == {"A", "B", "C", "D"}
        for canteen in canteens:
            canteen.full_clean()  # licence numbers, dates and contractors are what the forms accept

    def test_every_role_has_a_printed_login_that_works(self) -> None:
        logins = _printed_logins(self.output)

        assert {password for _, password in logins} == {DEMO_PASSWORD}
        users = User.objects.filter(username__in=[username for username, _ in logins])
        assert {u.role for u in users} == set(Role)
        assert users.get(role=Role.OPERATOR).is_staff
        for username, password in logins:
            assert Client().login(username=username, password=password), username

    def test_the_demo_password_passes_the_real_validators(self) -> None:
        from django.contrib.auth.password_validation import validate_password

        users = list(User.objects.filter(username__in=[u for u, _ in _printed_logins(self.output)]))
        assert users, "the demo printed no sign-in that exists"
        for user in users:
            validate_password(DEMO_PASSWORD, user)  # raises ValidationError when a validator refuses it

    def test_the_demo_history_is_entered_on_its_day_not_all_late(self) -> None:
        from brightkitchen.hygiene.models import HygieneRecord
        from brightkitchen.records.models import AccompaniedMeal, SampleRetention
        from brightkitchen.staff.models import MorningCheck

        for model in (SampleRetention, AccompaniedMeal, HygieneRecord, MorningCheck):
            rows = list(model.objects.order_by("-pk")[:200])
            assert rows, model
            assert not [r for r in rows if r.entered_late], model

    def test_the_plan_is_reproducible(self) -> None:
        today = timezone.localdate()
        assert build_plan(7, today) == build_plan(7, today)
        assert build_plan(7, today) != build_plan(8, today)

    def test_the_demo_day_is_a_school_day(self) -> None:
        """Opened on a weekday, a weekend, a holiday or in the holidays, the demo has meals (and records
        due) today."""
        from brightkitchen.schedule.selectors import calendar_for

        today = timezone.localdate()
        for canteen in Canteen.objects.filter(school__organisation__region__code__startswith=CITY)[:20]:
            assert calendar_for(canteen, today, today).meals_on(today), canteen


def test_the_demo_calendar_makes_any_day_a_school_day() -> None:
    import datetime

    from brightkitchen.demo.calendar import DAYS, DEMO_WORKDAY, demo_days, demo_terms

    sunday, national_day, summer, monday = (
        datetime.date(2026, m, d) for m, d in ((11, 8), (10, 2), (8, 3), (11, 9))
    )
    assert (sunday, DEMO_WORKDAY, True) in demo_days(sunday)
    assert (national_day, DEMO_WORKDAY, True) in demo_days(national_day)
    assert not [row for row in demo_days(national_day) if row[0] == national_day and not row[2]]
    assert demo_days(monday) == DAYS
    terms = demo_terms(summer)
    assert any(start <= summer <= end for _, start, end in terms)
    spans = sorted((start, end) for _, start, end in terms)
    assert all(a_end < b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))
    assert len(demo_terms(monday)) == len(terms) - 1
