"""The write half of `bench api`: issuing, answering and reviewing a rectification notice through the API,
each with the tasks it queues run at once (as a worker would), on a platform of 10 canteens and on one of
1,000 with an open notice and alert each. The baseline is what the first wave did: the whole platform's
rectification alerts swept (and the canteen re-graded) inside the request.

It runs on a throwaway database (Django's test databases: in memory for SQLite, `test_<name>` for
PostgreSQL), so the platform's own data is neither read nor changed."""

from __future__ import annotations

import copy
from typing import Any

from django.core.management.base import OutputWrapper
from django.db import connection
from django.test import TestCase
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone

from brightkitchen.bench.registry import BenchError
from brightkitchen.bench.stats import Summary, comparison_table, timed
from brightkitchen.core.events import tasks_run_at_once

SIZES = (10, 1000)
TARGET_RATIO = 1.2


def grow(school: Any, canteens: int, model_notice: Any) -> None:
    """Add canteens to a school, each with a copy of an open notice (bulk: the platform's size, not the
    change measured), and sweep their alerts open."""
    from brightkitchen.alerts.tasks import sweep_alerts
    from brightkitchen.rectifications.models import RectificationNotice
    from brightkitchen.schools.models import Canteen, OperationMode

    first = Canteen.objects.count()
    made = Canteen.objects.bulk_create(
        [
            Canteen(school=school, name=f"食堂{first + i}", operation_mode=OperationMode.SELF_RUN)
            for i in range(canteens)
        ]
    )
    notices = []
    for canteen in made:
        notice = copy.copy(model_notice)
        notice.pk, notice.canteen_id, notice.submission_key = None, canteen.pk, None
        notices.append(notice)
    RectificationNotice.objects.bulk_create(notices)
    sweep_alerts()


def _old_inline_consequences(canteen_id: int) -> None:
    """The first wave's side effects, in the request: every rectification rule over the whole platform,
    then the canteen re-graded."""
    from brightkitchen.alerts.rules import registered_rules
    from brightkitchen.alerts.services import sweep
    from brightkitchen.rectifications.rules import RULES
    from brightkitchen.risk.services import reassess_canteens

    now = timezone.now()
    rules = {kind: rule for kind, rule in registered_rules().items() if kind in RULES}
    sweep(timezone.localdate(now), now, rules=rules)
    reassess_canteens([canteen_id])


def _measure(world: Any, rounds: int, baseline: bool) -> dict[str, list[float]]:
    api = "/api/v1/rectifications"
    canteen = world.canteens["a"]
    regulator, manager = world.client("regulator_a"), world.client("manager_a")
    times: dict[str, list[float]] = {"issue": [], "answer": [], "review": []}

    def step(name: str, client: Any, path: str, body: dict[str, str], expected: int, form: bool) -> Any:
        def run() -> Any:
            # The project: the request, then the tasks it queued (run at once). The baseline: the
            # request, then the first wave's inline consequences instead of those tasks.
            with TestCase.captureOnCommitCallbacks(execute=not baseline):
                if form:  # notices and responses are forms, with their photos
                    response = client.post(path, body)
                else:
                    response = client.post(path, body, content_type="application/json")
            if response.status_code != expected:
                raise RuntimeError(f"{name}: {response.status_code} {response.content[:200]!r}")
            if baseline:
                _old_inline_consequences(canteen.pk)
            return response

        seconds, response = timed(run)
        times[name].append(seconds)
        return response

    for _ in range(rounds):
        body = {"problem": "操作间地面积水", "source_kind": "patrol"}
        issued = step("issue", regulator, f"{api}/canteens/{canteen.pk}/notices", body, 201, form=True)
        notice = f"{api}/{issued.json()['id']}"
        step("answer", manager, f"{notice}/responses", {"response": "已整改"}, 201, form=True)
        step("review", regulator, f"{notice}/review", {"decision": "close", "comment": ""}, 200, form=False)
    return times


def run(out: OutputWrapper, rounds: int) -> None:
    from brightkitchen.conftest import build_world
    from brightkitchen.rectifications import services
    from brightkitchen.regions.services import load_regions

    name = str(connection.settings_dict["NAME"])
    if name.startswith("test_") or "memory" in name:
        raise BenchError("bench api's writes make a test database of their own: run them outside the tests")
    names = setup_databases(verbosity=0, interactive=False)
    try:
        load_regions()
        world = build_world()
        out.write(
            f"bench api, writes: database {connection.vendor} (a throwaway test database), {rounds} rounds "
            "of issue, answer and review of a notice through the API, the queued tasks run at once; "
            "baseline: the first wave's inline platform-wide alert sweep and re-grade"
        )
        summaries: dict[tuple[str, int, str], Summary] = {}
        size = 2  # build_world's canteens
        with tasks_run_at_once():
            model, _ = services.issue_notice(
                world.users["regulator_b"], world.canteens["b"].pk, problem="地面积水", source_kind="patrol"
            )
            for target in SIZES:
                grow(world.schools["b"], target - size, model)
                size = target
                _measure(world, 1, baseline=False)  # warm-up
                for implementation, baseline in (("project", False), ("baseline", True)):
                    for name, seconds in _measure(world, rounds, baseline).items():
                        label = f"{name} @{target}"
                        summaries[(name, target, implementation)] = Summary.of(label, implementation, seconds)
        out.write(comparison_table(list(summaries.values())))
        small, large = SIZES
        worst = 0.0
        for name in ("issue", "answer", "review"):
            project = summaries[(name, large, "project")].p50_ms / summaries[(name, small, "project")].p50_ms
            base = summaries[(name, large, "baseline")].p50_ms / summaries[(name, small, "baseline")].p50_ms
            worst = max(worst, project)
            out.write(
                f"{name}: p50 at {large:,} canteens / at {small}: "
                f"project x{project:.2f}, baseline x{base:.2f}"
            )
        verdict = "met" if worst <= TARGET_RATIO else "MISSED"
        out.write(
            f"target project ratio {large:,}/{small} canteens <= {TARGET_RATIO}: {verdict} (x{worst:.2f})"
        )
    finally:
        teardown_databases(names, verbosity=0)
