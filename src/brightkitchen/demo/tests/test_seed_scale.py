"""`seed --scale city`: one city's share of the Guangdong data set, through the province code path."""

from __future__ import annotations

import time
from io import StringIO

from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone

from brightkitchen.accounts.models import User
from brightkitchen.audit.models import AuditAction, AuditLogEntry
from brightkitchen.demo.guangdong import TOTAL_CANTEENS, Geography, largest_remainder
from brightkitchen.demo.seeding import DEMO_PASSWORD
from brightkitchen.demo.tests.test_demo_seed import FAST_HASHER
from brightkitchen.regions.models import Region
from brightkitchen.schools.models import Canteen, LicenceStatus, OperationMode, School
from brightkitchen.schools.selectors import licence_status_q

DONGGUAN = "4419"


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", "--scale", "city", *args, stdout=out)
    return out.getvalue()


def _canteen_rows() -> list[tuple[str, str, str]]:
    rows = Canteen.objects.order_by("licence_number", "name")
    return list(rows.values_list("name", "licence_number", "risk_grade"))


def test_largest_remainder_adds_up() -> None:
    shares = largest_remainder(10, {"a": 1.0, "b": 1.0, "c": 1.0})
    assert sum(shares.values()) == 10
    assert sorted(shares.values()) == [3, 3, 4]


@FAST_HASHER
class CityScaleTests(TestCase):
    output: str
    seconds: float
    audit_before: int

    @classmethod
    def setUpTestData(cls) -> None:
        cls.audit_before = AuditLogEntry.objects.count()
        started = time.perf_counter()
        cls.output = _seed()
        cls.seconds = time.perf_counter() - started

    def test_province_shares_cover_every_city(self) -> None:
        geo = Geography.load()
        shares = geo.canteens_per_city()
        assert sum(shares.values()) == TOTAL_CANTEENS
        assert set(shares) == set(Region.objects.filter(parent_id="44").values_list("code", flat=True))
        assert all(n > 0 for n in shares.values())
        # Cities without counties put their schools on their 9-digit towns.
        assert {len(p.code) for p in geo.leaves[DONGGUAN]} == {9}
        assert shares["4401"] > shares["4404"]  # Guangzhou outweighs Zhuhai

    def test_one_city_is_seeded_quickly_on_its_towns(self) -> None:
        canteens = Canteen.objects.filter(school__organisation__region__code__startswith="44")
        assert canteens.count() == Geography.load().canteens_per_city()[DONGGUAN]
        assert self.seconds < 30
        towns = set(Region.objects.filter(parent_id=DONGGUAN).values_list("code", flat=True))
        schools = School.objects.filter(canteens__in=canteens)
        used = set(schools.values_list("organisation__region", flat=True))
        assert used == towns

    def test_values_are_plausible_and_valid(self) -> None:
        canteens = Canteen.objects.all()
        total = canteens.count()
        shares = {g: canteens.filter(risk_grade=g).count() / total for g in "ABCD"}
        assert 0.25 < shares["A"] < 0.35
        assert 0.40 < shares["B"] < 0.50
        assert 0.02 < shares["D"] < 0.08
        today = timezone.localdate()
        for status in LicenceStatus:
            assert canteens.filter(licence_status_q(status, today)).exists(), status
        assert not canteens.exclude(operation_mode=OperationMode.SELF_RUN).filter(contractor="").exists()
        for canteen in canteens.select_related("school__organisation")[:: max(1, total // 40)]:
            canteen.full_clean()
            canteen.school.full_clean()
            canteen.school.organisation.full_clean()

    def test_one_summary_audit_entry_instead_of_one_per_row(self) -> None:
        entries = list(AuditLogEntry.objects.order_by("id")[self.audit_before :])
        assert [e.action for e in entries] == [AuditAction.IMPORT]
        assert entries[0].after is not None
        assert entries[0].after["canteens"] == Canteen.objects.count()
        assert entries[0].actor_username == "seed"

    def test_the_regulator_logins_work(self) -> None:
        for username, region in (("gd_province", "44"), ("gd_city", DONGGUAN), ("gd_county", DONGGUAN)):
            user = User.objects.select_related("organisation").get(username=username)
            assert user.organisation is not None
            assert user.organisation.region_id.startswith(region)
            assert username in self.output
            assert Client().login(username=username, password=DEMO_PASSWORD)

    def test_second_run_does_nothing(self) -> None:
        rows = _canteen_rows()
        assert "nothing to do" in _seed()
        assert _canteen_rows() == rows

    def test_reset_reseeds_the_same_data(self) -> None:
        rows = _canteen_rows()
        output = _seed("--reset")
        assert f"reset {DONGGUAN}: deleted {len(rows)} canteens" in output
        assert _canteen_rows() == rows
        assert User.objects.filter(username__startswith="gd_").count() == 3
