"""Shared test fixtures: the region tree (loaded once per test database) and a small two-county world
in Jinzhong with one user per role in each county, used by the scoping tests of every route."""

from __future__ import annotations

import datetime
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from brightkitchen.accounts.models import ApiToken, User
from brightkitchen.core.roles import Role
from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.regions.models import Region
from brightkitchen.schools.models import Canteen, OperationMode, School, SchoolType
from brightkitchen.testbed.fixtures import rtsp_server_fixture  # noqa: F401  (the session's RTSP server)


@pytest.fixture(scope="session", autouse=True)
def _api_bodies_match_the_openapi_document() -> None:
    """Every 2xx request a test sends to /api/v1/ must carry a body the served OpenAPI document accepts
    (testbed.openapi_check): the document is held to what the project's own tests send."""
    from django.conf import settings

    if CHECK_MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, CHECK_MIDDLEWARE]


CHECK_MIDDLEWARE = "brightkitchen.testbed.openapi_check.RequestBodyCheck"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: throttles, rate limits and CAPTCHA demands live there (in
    Redis in CI, which outlives a test and a run), and one test's failed sign-ins must not make the next
    test's sign-in ask for a CAPTCHA."""
    from django.core.cache import cache

    cache.clear()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Removes the data directory settings.py made for this run (none was given)."""
    if os.environ.get("BRIGHTKITCHEN_DATA_DIR_OWNER") == str(os.getpid()):
        shutil.rmtree(os.environ["BRIGHTKITCHEN_DATA_DIR"], ignore_errors=True)


PASSWORD = "Correct-Horse-9-Battery"
COUNTY_A, COUNTY_B, CITY, PROVINCE = "140702", "140703", "1407", "14"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from brightkitchen.regions.services import load_regions

    with django_db_blocker.unblock():
        if not Region.objects.exists():
            load_regions()


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    orgs: dict[str, Organisation] = field(default_factory=dict)
    schools: dict[str, School] = field(default_factory=dict)
    canteens: dict[str, Canteen] = field(default_factory=dict)
    token_a: ApiToken | None = None  # an API token of regulator_a, named 甲的令牌
    token_a_value: str = ""

    def client(self, who: str | None) -> Client:
        client = Client()
        if who is not None:
            client.force_login(self.users[who])
        return client

    @property
    def token_a_key_id(self) -> str:
        assert self.token_a is not None
        return self.token_a.key_id

    # Strings that identify county A's and county B's data in any answer (to prove nothing leaked).
    def markers(self, county: str) -> list[str]:
        return [
            self.schools[county].organisation.name,
            self.canteens[county].name,
            self.canteens[county].licence_number,
        ]


def _org(world: World, key: str, kind: str, region: str, name: str) -> Organisation:
    org = Organisation.objects.create(name=name, kind=kind, region_id=region)
    world.orgs[key] = org
    return org


def _user(
    world: World, key: str, role: Role, org: Organisation | None, canteen: Canteen | None = None
) -> User:
    user = User.objects.create_user(
        username=key,
        password=PASSWORD,
        role=role,
        organisation=org,
        canteen=canteen,
        display_name=key,
        is_staff=role == Role.OPERATOR,
    )
    world.users[key] = user
    return user


def build_world() -> World:
    w = World()
    today = timezone.localdate()
    for county, code, label, number in (
        ("a", COUNTY_A, "榆次甲测试小学", "JY11407020000001"),
        ("b", COUNTY_B, "太谷乙测试中学", "JY11407030000002"),
    ):
        school_org = _org(w, f"school_{county}", OrganisationKind.SCHOOL, code, label)
        school = School.objects.create(
            organisation=school_org,
            school_type=SchoolType.PRIMARY,
            address=f"{label}路1号",
            principal_name=f"校长{county}",
            students=800,
        )
        w.schools[county] = school
        w.canteens[county] = Canteen.objects.create(
            school=school,
            name=f"{label}第一食堂",
            operation_mode=OperationMode.SELF_RUN,
            diners=700,
            licence_number=number,
            licence_issued_on=today - datetime.timedelta(days=400),
            licence_expires_on=today + datetime.timedelta(days=20),  # expiring: listed on start pages
        )
        _org(w, f"regulator_{county}", OrganisationKind.REGULATOR, code, f"{label[:2]}区市场监督管理局")
        _org(w, f"edu_{county}", OrganisationKind.EDUCATION_BUREAU, code, f"{label[:2]}区教育局")
        _org(w, f"supplier_{county}", OrganisationKind.SUPPLIER, code, f"{label[:2]}蔬菜配送公司")
    _org(w, "regulator_city", OrganisationKind.REGULATOR, CITY, "晋中市市场监督管理局")
    _org(w, "regulator_province", OrganisationKind.REGULATOR, PROVINCE, "山西省市场监督管理局")
    _org(w, "operator", OrganisationKind.OPERATOR, PROVINCE, "明厨亮灶平台运营")

    _user(w, "operator", Role.OPERATOR, w.orgs["operator"])
    _user(w, "province_regulator", Role.REGULATOR, w.orgs["regulator_province"])
    _user(w, "city_regulator", Role.REGULATOR, w.orgs["regulator_city"])
    _user(w, "public", Role.PUBLIC, None)
    for county in ("a", "b"):
        _user(w, f"regulator_{county}", Role.REGULATOR, w.orgs[f"regulator_{county}"])
        _user(w, f"edu_{county}", Role.EDUCATION_BUREAU, w.orgs[f"edu_{county}"])
        _user(w, f"principal_{county}", Role.PRINCIPAL, w.orgs[f"school_{county}"])
        _user(w, f"manager_{county}", Role.CANTEEN_MANAGER, w.orgs[f"school_{county}"], w.canteens[county])
        _user(w, f"staff_{county}", Role.CANTEEN_STAFF, w.orgs[f"school_{county}"], w.canteens[county])
        _user(w, f"supplier_{county}", Role.SUPPLIER, w.orgs[f"supplier_{county}"])
    from brightkitchen.accounts.services import create_token

    w.token_a, w.token_a_value = create_token(w.users["regulator_a"], "甲的令牌")
    return w


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


RunOnCommit = Callable[[], AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def tasks_run_at_once() -> Iterator[None]:
    """core.events.tasks_run_at_once for the whole test (the live server's thread included): for
    end-to-end tests that follow a change through its tasks without a worker; the broker path has tests
    of its own (rectifications/tests/test_side_effects.py, the worker tests)."""
    from brightkitchen.core.events import tasks_run_at_once as eager

    with eager():
        yield


@pytest.fixture
def run_tasks_on_commit(django_capture_on_commit_callbacks: Any, tasks_run_at_once: None) -> RunOnCommit:
    """`with run_tasks_on_commit(): <a change>` runs what the change queues on commit, tasks included, in
    this process (see tasks_run_at_once)."""

    @contextmanager
    def run() -> Iterator[list[Callable[[], Any]]]:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return run
