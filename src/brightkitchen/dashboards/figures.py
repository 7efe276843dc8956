"""The dashboard's own indicators: canteens on the platform, rectifications (整改), alerts, online
patrol (网上巡查) and complaints, each one grouped query per source shared by all its indicators.

Definitions (period = [start, end], end cut at today for a current period):
- notices issued: rectification notices issued in the period; 整改率 = those of them closed by now;
- canteens rectified: distinct canteens with a notice closed (销号) in the period;
- on time: of the notices closed in the period, those closed on or before their deadline;
- overdue notices: not closed at the end of the period and past their deadline then;
- open alerts: open at the end of the period; long-open alerts: of those, opened more than
  `ALERT_OVERDUE_DAYS` days before it;
- patrolled / problems found: patrols done and findings recorded in the period; patrol completion =
  patrolled over drawn for plans of the period;
- complaints: notices issued in the period whose source is a public complaint (the complaints app will
  register its own indicator when it exists)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db.models import Case, Count, Max, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.alerts.models import Alert
from brightkitchen.alerts.selectors import Measure as AlertMeasure
from brightkitchen.alerts.selectors import measure_q as alert_measure_q
from brightkitchen.core.forms import figure_url
from brightkitchen.dashboards.indicators import Group, Indicator, register_indicator
from brightkitchen.patrols.selectors import Measure as PatrolMeasure
from brightkitchen.patrols.selectors import patrol_counts
from brightkitchen.rectifications.models import RectificationNotice
from brightkitchen.rectifications.selectors import Measure, measure_q
from brightkitchen.schools.metrics import MetricInput, Ratio

Rows = dict[str, dict[str, int]]
Link = Callable[[str, datetime.date, datetime.date], str]


def _end(inp: MetricInput) -> datetime.date:
    return min(inp.end, timezone.localdate())


def _canteen_ids(inp: MetricInput) -> Any:
    return inp.canteens.order_by().values("pk")


def canteen_map(inp: MetricInput) -> dict[int, tuple[str, str]]:
    """Each canteen of the input: (its school's region code, its risk grade), read once per input.
    The sources below count per canteen and are added up by region here, instead of each joining
    canteen → school → organisation again to group by region."""

    def compute() -> dict[int, tuple[str, str]]:
        rows = inp.canteens.order_by().values_list("pk", "school__organisation__region_id", "risk_grade")
        return {pk: (region, grade) for pk, region, grade in rows}

    return inp.shared("dashboards.canteens", compute)


def canteen_counts(inp: MetricInput) -> dict[str, Ratio]:
    counts = Counter(region for region, _grade in canteen_map(inp).values())
    return {region: Ratio(n, 0) for region, n in counts.items()}


def _by_region(inp: MetricInput, rows: Iterable[Mapping[str, Any]]) -> Rows:
    """Per-canteen rows ({"canteen_id": …, counts…}) added up by the canteens' regions."""
    regions = canteen_map(inp)
    result: Rows = {}
    for row in rows:
        region = regions[row["canteen_id"]][0]
        totals = result.setdefault(region, {})
        for key, value in row.items():
            if key != "canteen_id":
                totals[key] = totals.get(key, 0) + int(value)
    return result


def notice_rows(inp: MetricInput) -> Rows:
    def compute() -> Rows:
        start, end = inp.start, _end(inp)

        def count(measure: Measure) -> Count:
            return Count("pk", filter=measure_q(measure, start, end))

        closed = measure_q(Measure.CLOSED, start, end)
        rows = (
            RectificationNotice.objects.filter(canteen__in=_canteen_ids(inp))
            .values("canteen_id")
            .order_by()
            .annotate(
                issued=count(Measure.ISSUED),
                issued_closed=count(Measure.ISSUED_CLOSED),
                closed=count(Measure.CLOSED),
                closed_on_time=count(Measure.CLOSED_ON_TIME),
                # Per canteen: 1 when it closed a notice in the period, so the regions add canteens.
                canteens_rectified=Max(Case(When(closed, then=1), default=0)),
                late=count(Measure.OVERDUE),
                escalated=count(Measure.ESCALATED),
                complaints=count(Measure.COMPLAINTS),
            )
        )
        return _by_region(inp, rows)

    return inp.shared("dashboards.notices", compute)


def alert_rows(inp: MetricInput) -> Rows:
    def compute() -> Rows:
        end = _end(inp)
        rows = (
            Alert.objects.filter(canteen__in=_canteen_ids(inp))
            .filter(alert_measure_q(AlertMeasure.OPEN, end))
            .values("canteen_id")
            .order_by()
            .annotate(open=Count("pk"), stale=Count("pk", filter=alert_measure_q(AlertMeasure.STALE, end)))
        )
        return _by_region(inp, rows)

    return inp.shared("dashboards.alerts", compute)


def patrol_rows(inp: MetricInput) -> Rows:
    def compute() -> Rows:
        counts = patrol_counts(inp.canteens, inp.start, _end(inp))
        return {
            region: {"drawn": c.drawn, "done": c.done, "problems": c.problems, "notices": c.notices}
            for region, c in counts.items()
        }

    return inp.shared("dashboards.patrols", compute)


def _count(rows: Callable[[MetricInput], Rows], name: str) -> Callable[[MetricInput], dict[str, Ratio]]:
    def compute(inp: MetricInput) -> dict[str, Ratio]:
        return {region: Ratio(row[name], 0) for region, row in rows(inp).items() if row[name]}

    return compute


def _rate(
    rows: Callable[[MetricInput], Rows], done: str, expected: str
) -> Callable[[MetricInput], dict[str, Ratio]]:
    def compute(inp: MetricInput) -> dict[str, Ratio]:
        return {region: Ratio(row[done], row[expected]) for region, row in rows(inp).items() if row[expected]}

    return compute


# The four figures the Guangdong 2020 report gives (26,700 canteens covered, 11,815 problems found by
# online patrol, 4,875 rectification notices, 3,240 canteens rectified), shown first on every dashboard.
HEADLINE = ("canteens", "patrol_problems", "notices_issued", "canteens_rectified")


def _notices(measure: Measure) -> Link:
    return lambda region, start, end: figure_url("rectifications:index", measure, region, start, end)


def _alerts(measure: AlertMeasure) -> Link:
    return lambda region, start, end: figure_url("alerts:inbox", measure, region, start, end)


def _patrols(measure: PatrolMeasure) -> Link:
    url_name = "patrols:findings" if measure == PatrolMeasure.PROBLEMS else "patrols:assignments"
    return lambda region, start, end: figure_url(url_name, measure, region, start, end)


def schools_link(region: str, start: datetime.date, end: datetime.date) -> str:
    return reverse("schools:list") + (f"?region={region}" if region else "")


def register() -> None:
    def count(
        key: str, label: Any, compute: Callable[[MetricInput], dict[str, Ratio]], link: Link | None = None
    ) -> None:
        register_indicator(Indicator(key, label, Group.SUPERVISION, compute, is_count=True, link=link))

    register_indicator(
        Indicator(
            "canteens",
            _("Canteens on the platform"),
            Group.COVERAGE,
            canteen_counts,
            is_count=True,
            link=schools_link,
        )
    )
    count(
        "patrol_problems",
        _("Problems found by online patrol"),
        _count(patrol_rows, "problems"),
        _patrols(PatrolMeasure.PROBLEMS),
    )
    count(
        "notices_issued",
        _("Rectification notices issued"),
        _count(notice_rows, "issued"),
        _notices(Measure.ISSUED),
    )
    count(
        "canteens_rectified",
        _("Canteens rectified"),
        _count(notice_rows, "canteens_rectified"),
        _notices(Measure.CLOSED),
    )
    register_indicator(
        Indicator(
            "rectification_rate",
            _("Rectification rate"),
            Group.SUPERVISION,
            _rate(notice_rows, "issued_closed", "issued"),
            link=_notices(Measure.ISSUED),
        )
    )
    register_indicator(
        Indicator(
            "rectified_on_time",
            _("Rectified on time"),
            Group.SUPERVISION,
            _rate(notice_rows, "closed_on_time", "closed"),
            link=_notices(Measure.CLOSED),
        )
    )
    count(
        "overdue_notices", _("Overdue rectifications"), _count(notice_rows, "late"), _notices(Measure.OVERDUE)
    )
    count(
        "escalated",
        _("Escalated to the level above"),
        _count(notice_rows, "escalated"),
        _notices(Measure.ESCALATED),
    )
    register_indicator(
        Indicator(
            "patrol_completion",
            _("Patrol completion"),
            Group.SUPERVISION,
            _rate(patrol_rows, "done", "drawn"),
            link=_patrols(PatrolMeasure.DRAWN),
        )
    )
    count(
        "patrolled", _("Canteens patrolled"), _count(patrol_rows, "done"), _patrols(PatrolMeasure.PATROLLED)
    )
    count("open_alerts", _("Open alerts"), _count(alert_rows, "open"), _alerts(AlertMeasure.OPEN))
    count(
        "overdue_alerts",
        _("Alerts open over 3 days"),
        _count(alert_rows, "stale"),
        _alerts(AlertMeasure.STALE),
    )
    count("complaints", _("Complaints"), _count(notice_rows, "complaints"), _notices(Measure.COMPLAINTS))
