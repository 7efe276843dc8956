"""A notice's consequences (its canteen's alerts, its risk grade) are tasks queued on commit for that
canteen only: issuing, answering and reviewing cost the same with 10 canteens on the platform as with
1,000, and a broker that is down when the change commits fails nothing (the scheduled sweep catches up)."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from brightkitchen.alerts.models import Alert
from brightkitchen.alerts.selectors import inbox_for
from brightkitchen.alerts.tasks import sweep_alerts, sweep_canteens
from brightkitchen.bench.writes import grow
from brightkitchen.config.celery import app as celery_app
from brightkitchen.conftest import RunOnCommit, World
from brightkitchen.rectifications import rules, services
from brightkitchen.rectifications.models import RectificationNotice
from brightkitchen.rectifications.tests.test_rectifications import _issue, _respond, _review
from brightkitchen.schools.models import Canteen

pytestmark = pytest.mark.django_db


def _grow(world: World, canteens: int) -> None:
    """Add canteens to county B's school, each with an open notice and its alert."""
    model, _ = services.issue_notice(
        world.users["regulator_b"], world.canteens["b"].pk, problem="地面积水", source_kind="patrol"
    )
    grow(world.schools["b"], canteens, model)


def _cost(world: World, run: RunOnCommit) -> list[int]:
    """Queries of issuing, answering and reviewing one notice of canteen A, each with its queued tasks
    run (in this process)."""
    counts = []
    regulator, manager = world.client("regulator_a"), world.client("manager_a")
    with CaptureQueriesContext(connection) as issued, run():
        notice_id = _issue(regulator, world).json()["id"]
    counts.append(len(issued))
    with CaptureQueriesContext(connection) as answered, run():
        assert _respond(manager, notice_id).status_code == 201
    counts.append(len(answered))
    with CaptureQueriesContext(connection) as reviewed, run():
        assert _review(regulator, notice_id, "close").status_code == 200
    counts.append(len(reviewed))
    return counts


def test_a_notice_costs_the_same_on_a_small_and_a_large_platform(
    world: World, run_tasks_on_commit: RunOnCommit
) -> None:
    _grow(world, 10)
    _cost(world, run_tasks_on_commit)  # warm-up: what a process looks up once (content types, …)
    small = _cost(world, run_tasks_on_commit)
    _grow(world, 990)
    assert Canteen.objects.count() > 1000
    assert Alert.objects.filter(kind=rules.KIND_OPEN, closed_at__isnull=True).count() > 1000
    large = _cost(world, run_tasks_on_commit)
    assert large == small, f"queries (issue, answer, review): 10 canteens {small}, 1,000 {large}"


def test_the_consequences_are_tasks_for_the_notices_canteen(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notice_id = _issue(world.client("regulator_a"), world).json()["id"]
    queued = [(c.args[0].__self__.name, c.args[1]) for c in callbacks]  # after_commit(task.delay, args)
    canteen = [world.canteens["a"].pk]
    assert queued == [
        ("brightkitchen.alerts.tasks.sweep_canteens", (sorted(rules.RULES), canteen)),
        ("brightkitchen.risk.tasks.reassess", (canteen,)),
    ]
    # Nothing ran in the request: the alert comes with the task.
    subject = f"rectification:{notice_id}"
    assert not Alert.objects.filter(subject_key=subject).exists()
    sweep_canteens(sorted(rules.RULES), canteen)
    assert inbox_for(world.users["manager_a"]).filter(subject_key=subject).exists()


def test_a_canteen_sweep_touches_only_its_canteens(world: World) -> None:
    a, _ = services.issue_notice(
        world.users["regulator_a"], world.canteens["a"].pk, problem="甲", source_kind="patrol"
    )
    b, _ = services.issue_notice(
        world.users["regulator_b"], world.canteens["b"].pk, problem="乙", source_kind="patrol"
    )
    sweep_canteens([rules.KIND_OPEN], [world.canteens["a"].pk])
    assert Alert.objects.filter(subject_key=f"rectification:{a.pk}", closed_at__isnull=True).exists()
    assert not Alert.objects.filter(subject_key=f"rectification:{b.pk}").exists()
    # B's alert, once open, is neither closed nor refreshed by a sweep of A whatever A's notices do.
    sweep_canteens([rules.KIND_OPEN], [world.canteens["b"].pk])
    b_alert = Alert.objects.get(subject_key=f"rectification:{b.pk}")
    RectificationNotice.objects.filter(pk=b.pk).update(state="closed", closed_at=timezone.now())
    sweep_canteens([rules.KIND_OPEN], [world.canteens["a"].pk])
    b_alert.refresh_from_db()
    assert b_alert.closed_at is None
    sweep_canteens([rules.KIND_OPEN], [world.canteens["b"].pk])
    b_alert.refresh_from_db()
    assert b_alert.closed_at is not None


@pytest.fixture
def broker_down() -> Iterator[str]:
    """The Celery app pointed at a loopback port where nothing listens (a broker that is down)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = celery_app.conf
    saved = {"broker_url": conf.broker_url, "broker_connection_timeout": conf.broker_connection_timeout}
    url = f"redis://127.0.0.1:{port}/0"

    def fresh_pools() -> None:
        # Celery keeps its connection and producer pools once made: let them go (not closed: a producer
        # may still hold one), so that the next publish connects to the broker the configuration names.
        app: Any = celery_app
        app._pool = None
        app.amqp._producer_pool = None

    conf.update(broker_url=url, broker_connection_timeout=1)
    fresh_pools()
    try:
        yield url
    finally:
        fresh_pools()
        conf.update(saved)
        fresh_pools()


def test_with_the_broker_down_the_change_is_kept_and_the_sweep_catches_up(
    world: World, django_capture_on_commit_callbacks: Any, broker_down: str, caplog: Any
) -> None:
    caplog.set_level(logging.ERROR, logger="brightkitchen.core.events")
    with django_capture_on_commit_callbacks(execute=True):
        response = _issue(world.client("regulator_a"), world)
    assert response.status_code == 201, response.content
    notice_id = response.json()["id"]
    assert RectificationNotice.objects.filter(pk=notice_id).exists()
    assert "brightkitchen.alerts.tasks.sweep_canteens failed" in caplog.text
    subject = f"rectification:{notice_id}"
    assert not Alert.objects.filter(subject_key=subject).exists()
    sweep_alerts()  # the scheduled sweep
    assert inbox_for(world.users["manager_a"]).filter(subject_key=subject).exists()
