"""Reads behind the dashboards, the large screen, the evaluation of lower bureaus and the bulletins.
Everything starts from the canteens the user may see (`schools.selectors.canteens_for`, which goes
through the jurisdiction scoping) and is computed set-based by region: a province dashboard is a fixed
number of grouped queries whatever the number of canteens."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from brightkitchen.alerts.models import Alert
from brightkitchen.core.roles import REGION_ROLES
from brightkitchen.core.scoping import AnyUser, require_role, scope_of
from brightkitchen.dashboards.figures import HEADLINE, canteen_map
from brightkitchen.dashboards.indicators import Group, Indicator, registered_indicators
from brightkitchen.dashboards.periods import Period
from brightkitchen.rectifications.models import NoticeState, RectificationNotice
from brightkitchen.regions.models import Region
from brightkitchen.regions.selectors import TrailStep, children_of, trail_for
from brightkitchen.schools.metrics import MetricInput, Ratio, by_prefix, total
from brightkitchen.schools.models import RiskGrade
from brightkitchen.schools.selectors import CanteenFilters, canteens_for

TREND_MONTHS = 12


@dataclass
class Row:
    """A child region (or, below the last level of regions, a canteen) with its figures."""

    code: str
    name: str
    figures: dict[str, Ratio]
    risk: dict[str, int] = field(default_factory=dict)
    canteen_id: int | None = None
    school_id: int | None = None
    dynamic_grade: str = ""
    dynamic_graded_on: datetime.date | None = None
    dynamic_grade_stale: bool = False


@dataclass
class TrendPoint:
    month: datetime.date
    issued: int
    closed: int


@dataclass
class Dashboard:
    region: Region | None
    trail: list[TrailStep]
    period: Period
    indicators: list[Indicator]
    totals: dict[str, Ratio]
    rows: list[Row]
    rows_are_canteens: bool
    risk: dict[str, int]
    trend: list[TrendPoint]

    @property
    def headline(self) -> list[tuple[Indicator, Ratio]]:
        by_key = {i.key: i for i in self.indicators}
        return [(by_key[key], self.totals[key]) for key in HEADLINE if key in by_key]

    @property
    def figure_links(self) -> dict[str, dict[str, str]]:
        """Indicator key → region code ("" for the total) → the list the figure counts there (for an
        indicator that drills down: each child region's dashboard)."""
        own = self.region.code if self.region else ""
        codes = [] if self.rows_are_canteens else [row.code for row in self.rows]
        start, end = self.period.start, self.period.end
        links: dict[str, dict[str, str]] = {}
        for i in self.indicators:
            if i.link is not None:
                links[i.key] = {
                    "": i.link_for(own, start, end),
                    **{c: i.link_for(c, start, end) for c in codes},
                }
            elif i.drills_down and codes:
                links[i.key] = {c: self.drill_down(c) for c in codes}
        return links

    def drill_down(self, code: str) -> str:
        """The dashboard of a child region for the same period."""
        return f"{reverse('dashboards:index')}?{urlencode({'region': code, 'period': self.period.key})}"

    def groups(self) -> list[tuple[Group, list[Indicator]]]:
        return [(g, [i for i in self.indicators if i.group is g]) for g in Group]


def dashboard_region(user: AnyUser, code: str) -> Region | None:
    """The region a user asks for, checked against the jurisdiction: 404 outside it (or unknown), 403
    for users whose jurisdiction is not a region (a school, a canteen, a supplier, the public). Empty
    means the user's own region (the whole country for an operator: None)."""
    scope = require_role(user, *REGION_ROLES)
    own = scope.region_prefix or ""
    code = (code or own).strip()
    if not code:
        return None
    if own and not code.startswith(own):
        raise Http404
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return region


def _children(region: Region | None) -> tuple[list[Region], int | None]:
    """The child regions and the width of their codes; (no children, None) below the last level."""
    children = list(children_of(region.code if region else None))
    return children, (len(children[0].code) if children else None)


def dashboard(user: AnyUser, region: Region | None, period: Period) -> Dashboard:
    period = period.until(timezone.localdate())
    canteens = canteens_for(user, CanteenFilters(region=region.code if region else ""))
    inp = MetricInput(canteens, period.start, period.end)
    indicators = registered_indicators()
    by_region = {i.key: i.compute(inp) for i in indicators}
    totals = {key: total(values) for key, values in by_region.items()}
    children, width = _children(region)
    risk_rows = _risk_by(canteen_map(inp), width)
    if width is not None:
        by_child = {key: by_prefix(values, width) for key, values in by_region.items()}
        rows = [
            Row(
                child.code,
                child.name,
                {key: values.get(child.code, Ratio(0, 0)) for key, values in by_child.items()},
                risk_rows.get(child.code, {}),
            )
            for child in children
        ]
    else:
        rows = canteen_rows(canteens, period)
    return Dashboard(
        region=region,
        trail=trail_for(scope_of(user), region),
        period=period,
        indicators=indicators,
        totals=totals,
        rows=rows,
        rows_are_canteens=width is None,
        risk=_risk_total(_risk_by(canteen_map(inp), 0)),
        trend=trend(canteens, period.end),
    )


def _risk_by(canteens: dict[int, tuple[str, str]], width: int | None) -> dict[str, dict[str, int]]:
    """Canteens by risk grade for each child region (the first `width` digits of their region)."""
    result: dict[str, dict[str, int]] = {}
    if width is None:
        return result
    for region, grade in canteens.values():  # width 0: one group for all
        grades = result.setdefault(region[:width], {})
        grades[grade] = grades.get(grade, 0) + 1
    return result


def _risk_total(rows: dict[str, dict[str, int]]) -> dict[str, int]:
    result = {g.value: 0 for g in RiskGrade}
    for grades in rows.values():
        for grade, n in grades.items():
            result[grade] = result.get(grade, 0) + n
    return result


def _count_of(model: type[Alert] | type[RectificationNotice], condition: Q) -> Coalesce:
    counted = (
        model.objects.filter(condition, canteen=OuterRef("pk"))
        .order_by()
        .values("canteen")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def canteen_rows(canteens: object, period: Period) -> list[Row]:
    """The canteens of a county (or of a city without districts) with the figures that make sense for
    one canteen; their completeness rates are on each school file."""
    end = period.end
    not_closed = ~Q(closed_at__date__lte=end)
    qs = canteens.annotate(  # type: ignore[attr-defined]
        n_issued=_count_of(RectificationNotice, Q(issued_on__range=(period.start, end))),
        n_open=_count_of(RectificationNotice, Q(issued_on__lte=end) & not_closed),
        n_overdue=_count_of(RectificationNotice, Q(issued_on__lte=end, deadline__lt=end) & not_closed),
        n_alerts=_count_of(Alert, Q(opened_at__date__lte=end) & not_closed),
    ).order_by("school__organisation__name", "name")
    return [
        Row(
            code=str(c.pk),
            name=f"{c.school.organisation.name} · {c.name}",
            figures={
                "notices_issued": Ratio(c.n_issued, 0),
                "open_notices": Ratio(c.n_open, 0),
                "overdue_notices": Ratio(c.n_overdue, 0),
                "open_alerts": Ratio(c.n_alerts, 0),
            },
            risk={c.risk_grade: 1},
            canteen_id=c.pk,
            school_id=c.school_id,
            dynamic_grade=c.get_dynamic_grade_display() if c.dynamic_grade else "",
            dynamic_graded_on=c.dynamic_graded_on,
            dynamic_grade_stale=c.dynamic_grade_is_stale,
        )
        for c in qs
    ]


def trend(canteens: object, end: datetime.date) -> list[TrendPoint]:
    """Notices issued and closed month by month over the twelve months up to `end`."""
    first = (end.replace(day=1) - datetime.timedelta(days=31 * (TREND_MONTHS - 1))).replace(day=1)
    ids = canteens.order_by().values("pk")  # type: ignore[attr-defined]
    notices = RectificationNotice.objects.filter(canteen__in=ids)
    issued = dict(
        notices.filter(issued_on__range=(first, end))
        .annotate(month=TruncMonth("issued_on"))
        .order_by()
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    closed = dict(
        notices.filter(closed_at__date__range=(first, end), state=NoticeState.CLOSED)
        .annotate(month=TruncMonth("closed_at"))
        .order_by()
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    closed = {(k.date() if isinstance(k, datetime.datetime) else k): v for k, v in closed.items()}
    points, month = [], first
    while month <= end:
        points.append(TrendPoint(month, issued.get(month, 0), closed.get(month, 0)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return points


@dataclass
class EvaluationRow:
    """One lower bureau's region in the evaluation (评估考核): its rates and score, ranked."""

    code: str
    name: str
    usage: Ratio
    patrol: Ratio
    rectification: Ratio
    timeliness: Ratio
    score: float | None
    rank: int | None = None  # None: nothing to score (无数据), listed after the ranked regions

    @property
    def rates(self) -> list[Ratio]:
        return [self.usage, self.patrol, self.rectification, self.timeliness]


# The four parts of the evaluation, equally weighted; a part with nothing expected (no patrol drawn,
# no notice issued) leaves the score to the others instead of counting as 0 %.
EVALUATION_PARTS = ("usage", "patrol", "rectification", "timeliness")


def evaluation(board: Dashboard) -> list[EvaluationRow]:
    """Ranks the child regions of a dashboard by platform usage (records kept of records due, all
    completeness metrics pooled), patrol completion, rectification rate and rectification timeliness."""
    if board.rows_are_canteens:
        return []
    record_keys = [i.key for i in board.indicators if i.group is Group.RECORDS and not i.is_count]
    result = []
    for row in board.rows:
        usage = sum((row.figures[key] for key in record_keys), Ratio(0, 0))
        parts = [
            usage,
            row.figures.get("patrol_completion", Ratio(0, 0)),
            row.figures.get("rectification_rate", Ratio(0, 0)),
            row.figures.get("rectified_on_time", Ratio(0, 0)),
        ]
        rates = [p.rate for p in parts if p.rate is not None]
        score = round(100 * sum(rates) / len(rates), 1) if rates else None
        result.append(
            EvaluationRow(
                code=row.code,
                name=row.name,
                usage=parts[0],
                patrol=parts[1],
                rectification=parts[2],
                timeliness=parts[3],
                score=score,
            )
        )
    ranked = sorted(result, key=lambda r: (r.score is None, -(r.score or 0), r.code))
    for position, ranked_row in enumerate((r for r in ranked if r.score is not None), start=1):
        ranked_row.rank = position
    return ranked
