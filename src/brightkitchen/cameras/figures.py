"""The video figures of the dashboards and the camera risk signals.

Indicators (group COVERAGE), from each camera's latest health as it stands (cameras added by the end of
the period), per school region:
- coverage (接入率): canteens with at least one enabled camera / canteens;
- online rate (在线率): enabled cameras online / enabled cameras;
- clarity compliance (清晰度达标率): enabled cameras whose clarity check passed / enabled cameras checked;
- key-point coverage (重点点位覆盖率): required key points with a working (enabled and online) camera /
  required key points, seven per canteen.
All four read one grouped query over cameras (per canteen) plus the dashboards' canteen map.

Risk signals, from the health events of the period (open at some time in it):
| Signal | Measured value | Points |
|---|---|---|
| camera_offline | offline episodes | 2 each, at most 10 |
| camera_clarity | blur (poor clarity) episodes | 1 each, at most 5 |
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from brightkitchen.cameras.models import (
    REQUIRED_KEY_POINTS,
    Camera,
    CameraHealthEvent,
    CameraStatus,
    HealthEventKind,
)
from brightkitchen.cameras.selectors import Measure, measure_q
from brightkitchen.core.days import day_edges
from brightkitchen.core.forms import figure_url
from brightkitchen.schools.metrics import MetricInput, Ratio
from brightkitchen.schools.models import Canteen

OFFLINE_POINTS, OFFLINE_MAX = 2, 10
CLARITY_POINTS, CLARITY_MAX = 1, 5

Rows = dict[str, dict[str, int]]


def camera_rows(inp: MetricInput) -> Rows:
    """Per school region: canteens, canteens covered, enabled / online / checked / clear cameras and key
    points working, from one grouped query per canteen."""

    def compute() -> Rows:
        from brightkitchen.dashboards.figures import canteen_map

        _, after = day_edges(inp.start, inp.end)
        enabled = measure_q(Measure.ENABLED, inp.start, inp.end)
        checked = measure_q(Measure.CHECKED, inp.start, inp.end)
        working = enabled & Q(status=CameraStatus.ONLINE)
        working_point = working & Q(key_point__in=REQUIRED_KEY_POINTS)
        rows = (
            Camera.objects.filter(canteen__in=inp.canteens.order_by().values("pk"), created_at__lt=after)
            .values("canteen_id")
            .order_by()
            .annotate(
                n_enabled=Count("pk", filter=enabled),
                n_online=Count("pk", filter=working),
                n_checked=Count("pk", filter=checked),
                n_clear=Count("pk", filter=checked & Q(clarity_ok=True)),
                # Required key points with a working camera (two cameras on one point count once).
                n_points=Count("key_point", filter=working_point, distinct=True),
            )
        )
        regions = canteen_map(inp)
        result: Rows = {}
        for region, _grade in regions.values():
            totals = result.setdefault(region, dict.fromkeys(_KEYS, 0))
            totals["canteens"] += 1
        row: dict[str, Any]
        for row in rows:  # type: ignore[assignment]  # values() rows with the annotated keys
            totals = result[regions[row["canteen_id"]][0]]
            totals["covered"] += 1 if row["n_enabled"] else 0
            for key in ("enabled", "online", "checked", "clear", "points"):
                totals[key] += int(row[f"n_{key}"])
        return result

    return inp.shared("cameras.rows", compute)


_KEYS = ("canteens", "covered", "enabled", "online", "checked", "clear", "points")


def coverage(inp: MetricInput) -> dict[str, Ratio]:
    return {
        r: Ratio(row["covered"], row["canteens"]) for r, row in camera_rows(inp).items() if row["canteens"]
    }


def online_rate(inp: MetricInput) -> dict[str, Ratio]:
    return {r: Ratio(row["online"], row["enabled"]) for r, row in camera_rows(inp).items() if row["enabled"]}


def clarity_compliance(inp: MetricInput) -> dict[str, Ratio]:
    return {r: Ratio(row["clear"], row["checked"]) for r, row in camera_rows(inp).items() if row["checked"]}


def key_point_coverage(inp: MetricInput) -> dict[str, Ratio]:
    required = len(REQUIRED_KEY_POINTS)
    return {
        r: Ratio(row["points"], row["canteens"] * required)
        for r, row in camera_rows(inp).items()
        if row["canteens"]
    }


def _episodes(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date, kind: str, each: int, most: int
) -> dict[int, Any]:
    from brightkitchen.risk.signals import SignalValue, capped

    first, after = day_edges(start, end)
    counts = (
        CameraHealthEvent.objects.filter(
            camera__canteen__in=canteens.order_by().values("pk"), kind=kind, started_at__lt=after
        )
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=first))
        .order_by()
        .values("camera__canteen_id")
        .annotate(n=Count("pk"))
        .values_list("camera__canteen_id", "n")
    )
    return {canteen_id: SignalValue(n, capped(n, each, most)) for canteen_id, n in counts}


def offline_signal(canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date) -> dict[int, Any]:
    return _episodes(canteens, start, end, HealthEventKind.OFFLINE, OFFLINE_POINTS, OFFLINE_MAX)


def clarity_signal(canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date) -> dict[int, Any]:
    return _episodes(canteens, start, end, HealthEventKind.BLUR, CLARITY_POINTS, CLARITY_MAX)


def register() -> None:
    from brightkitchen.dashboards.figures import schools_link
    from brightkitchen.dashboards.indicators import Group, Indicator, register_indicator
    from brightkitchen.risk.signals import RiskSignal, register_signal

    def cameras_link(measure: Measure) -> Any:
        return lambda region, start, end: figure_url("cameras:index", measure, region, start, end)

    # Each rate links to the rows of its denominator: the canteens, or the cameras in use (checked). The
    # key-point rate has none: its denominator is seven places per canteen, not rows of a list.
    for key, label, compute, link in (
        ("camera_coverage", _("Camera coverage"), coverage, schools_link),
        ("camera_online_rate", _("Camera online rate"), online_rate, cameras_link(Measure.ENABLED)),
        ("camera_clarity", _("Clarity compliance"), clarity_compliance, cameras_link(Measure.CHECKED)),
        ("camera_key_points", _("Key-point coverage"), key_point_coverage, None),
    ):
        register_indicator(Indicator(key, label, Group.COVERAGE, compute, link=link))
    register_signal(RiskSignal("camera_offline", _("Offline cameras"), offline_signal))
    register_signal(RiskSignal("camera_clarity", _("Poor camera clarity"), clarity_signal))
