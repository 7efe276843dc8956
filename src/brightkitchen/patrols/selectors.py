"""Scoped reads of online patrols: plans, their quota split by city and county, assignments, and the
per-region patrol counts the dashboards read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _

from brightkitchen.cameras.models import Camera
from brightkitchen.cameras.selectors import cameras_for
from brightkitchen.core.days import day_edges
from brightkitchen.core.scoping import AnyUser
from brightkitchen.patrols.models import (
    AssignmentState,
    PatrolAssignment,
    PatrolFinding,
    PatrolPlan,
    PatrolQuota,
    PatrolRecord,
)
from brightkitchen.regions.models import Region
from brightkitchen.schools.models import Canteen

_DONE = Q(assignments__state=AssignmentState.DONE)


def plans_for(user: AnyUser) -> QuerySet[PatrolPlan]:
    """The plans the user may see (their region's and those of the regions above, which apply in it),
    newest month first, with how many canteens were drawn and patrolled in the user's jurisdiction: a
    county regulator reads the city plan's share in the county, the same count the dashboard shows."""
    mine = Q(assignments__in=PatrolAssignment.objects.visible_to(user).values("pk"))
    return (
        PatrolPlan.objects.visible_to(user)
        .select_related("organisation", "region", "drawn_by")
        .annotate(drawn=Count("assignments", filter=mine), done=Count("assignments", filter=mine & _DONE))
        .order_by("-period", "region_id", "pk")
    )


@dataclass
class CountyRow:
    county: Region
    canteens: int
    quota: int
    drawn: int = 0
    done: int = 0


@dataclass
class CityBlock:
    """A city's subtotal of a plan's quota split, with its counties."""

    city: Region
    canteens: int = 0
    quota: int = 0
    drawn: int = 0
    done: int = 0
    counties: list[CountyRow] = field(default_factory=list)


def quota_split(user: AnyUser, plan: PatrolPlan) -> list[CityBlock]:
    """The plan's quota by city, then county, with the canteens drawn and patrolled in each county. Two
    queries whatever the number of counties."""
    progress = {
        row["county_id"]: (row["drawn"], row["done"])
        for row in PatrolAssignment.objects.visible_to(user)
        .filter(plan=plan)
        .values("county_id")
        .order_by()
        .annotate(drawn=Count("pk"), done=Count("pk", filter=Q(state=AssignmentState.DONE)))
    }
    quotas = (
        PatrolQuota.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("county", "city")
        .order_by("city_id", "county_id")
    )
    blocks: dict[str, CityBlock] = {}
    for quota in quotas:
        drawn, done = progress.get(quota.county_id, (0, 0))
        block = blocks.setdefault(quota.city_id, CityBlock(city=quota.city))
        block.counties.append(CountyRow(quota.county, quota.canteens, quota.quota, drawn, done))
        block.canteens += quota.canteens
        block.quota += quota.quota
        block.drawn += drawn
        block.done += done
    return list(blocks.values())


class Measure(TextChoices):
    """What the dashboards count of the patrols over a period; the assignment and finding lists filtered
    by a measure list exactly what the figure counts (the figure and the list share `measure_q`)."""

    DRAWN = "drawn", _("Drawn for the plans of the period")
    PATROLLED = "patrolled", _("Patrolled in the period")
    PROBLEMS = "problems", _("Problems found in the period")


def measure_q(measure: Measure, start: datetime.date, end: datetime.date, along: str = "") -> Q:
    """The assignments a measure counts (`along` = "record__assignment__" for the findings of their
    patrols): of plans whose month (its first day) lies in [start, end]; patrolled and problems only those
    patrolled on a day in [start, end] (local time)."""
    first, after = day_edges(start, end)
    drawn = Q(**{f"{along}plan__period__gte": start, f"{along}plan__period__lte": end})
    if measure is Measure.DRAWN:
        return drawn
    return drawn & Q(
        **{
            f"{along}state": AssignmentState.DONE,
            f"{along}patrolled_at__gte": first,
            f"{along}patrolled_at__lt": after,
        }
    )


@dataclass(frozen=True)
class AssignmentFilters:
    plan: int | None = None
    state: str = ""
    county: str = ""
    region: str = ""  # a region code prefix of the canteens' schools
    # A dashboard figure's assignments: `measure` (drawn or patrolled) over [start, end].
    measure: Measure | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None


def assignments_for(user: AnyUser, filters: AssignmentFilters | None = None) -> QuerySet[PatrolAssignment]:
    f = filters or AssignmentFilters()
    qs = PatrolAssignment.objects.visible_to(user).select_related(
        "plan", "canteen", "canteen__school", "canteen__school__organisation", "county", "patrolled_by"
    )
    if f.plan is not None:
        qs = qs.filter(plan_id=f.plan)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.county:
        qs = qs.filter(county_id=f.county)
    if f.region:
        qs = qs.filter(canteen__school__organisation__region__code__startswith=f.region)
    if f.measure is not None and f.start is not None and f.end is not None:
        qs = qs.filter(measure_q(f.measure, f.start, f.end))
    return qs.order_by("-plan__period", "plan_id", "county_id", "rank")


@dataclass(frozen=True)
class FindingFilters:
    region: str = ""  # a region code prefix of the canteens' schools
    # A dashboard figure's findings: the problems found over [start, end].
    start: datetime.date | None = None
    end: datetime.date | None = None


def findings_for(user: AnyUser, filters: FindingFilters | None = None) -> QuerySet[PatrolFinding]:
    """The findings of the patrols the user may see, latest patrol first."""
    f = filters or FindingFilters()
    along = "record__assignment__"
    qs = PatrolFinding.objects.visible_to(user).select_related(
        f"{along}canteen", f"{along}canteen__school__organisation", f"{along}patrolled_by", "notice", "camera"
    )
    if f.region:
        qs = qs.filter(**{f"{along}canteen__school__organisation__region__code__startswith": f.region})
    if f.start is not None and f.end is not None:
        qs = qs.filter(measure_q(Measure.PROBLEMS, f.start, f.end, along))
    return qs.order_by(f"-{along}patrolled_at", "pk")


def findings_of(user: AnyUser, assignment: PatrolAssignment) -> list[PatrolFinding]:
    """The findings of an assignment's patrol (none before it is patrolled), with their notices."""
    return list(
        PatrolFinding.objects.visible_to(user)
        .filter(record__assignment=assignment)
        .select_related("notice", "camera")
        .order_by("pk")
    )


def record_of(user: AnyUser, assignment: PatrolAssignment) -> PatrolRecord | None:
    findings = PatrolFinding.objects.visible_to(user).select_related("notice", "camera").order_by("pk")
    return (
        PatrolRecord.objects.visible_to(user)
        .filter(assignment=assignment)
        .prefetch_related(Prefetch("findings", queryset=findings))
        .first()
    )


def evidence_cameras(user: AnyUser, canteen_id: int) -> QuerySet[Camera]:
    """The canteen's cameras the user may see, key points first: the cameras whose current picture a
    finding may take as its evidence."""
    return cameras_for(user).filter(canteen_id=canteen_id).order_by("key_point", "name", "pk")


@dataclass(frozen=True)
class PatrolCounts:
    drawn: int = 0  # canteens drawn
    done: int = 0  # of them, patrolled
    problems: int = 0  # findings recorded
    notices: int = 0  # findings that opened a rectification notice

    def __add__(self, other: PatrolCounts) -> PatrolCounts:
        return PatrolCounts(
            self.drawn + other.drawn,
            self.done + other.done,
            self.problems + other.problems,
            self.notices + other.notices,
        )


_REGION = "canteen__school__organisation__region_id"


def patrol_counts(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[str, PatrolCounts]:
    """Patrol counts per region code of the canteens' schools, over the assignments of plans whose month
    (its first day) lies in [start, end]: `drawn` counts them all; `done`, `problems` and `notices` only
    those patrolled on a day in [start, end] (local time). `canteens` is already scoped by the caller.
    Two grouped queries; regions without assignments are absent."""
    assignments = PatrolAssignment.objects.filter(
        measure_q(Measure.DRAWN, start, end), canteen__in=canteens.values("pk")
    )
    drawn = {
        row["region"]: (row["drawn"], row["done"])
        for row in assignments.values(region=F(_REGION))
        .order_by()
        .annotate(drawn=Count("pk"), done=Count("pk", filter=measure_q(Measure.PATROLLED, start, end)))
    }
    # Joined, not `IN (assignments)`: the planner cannot estimate the nested subquery and may loop.
    along = "record__assignment__"
    findings = {
        row["region"]: (row["problems"], row["notices"])
        for row in PatrolFinding.objects.filter(
            measure_q(Measure.PROBLEMS, start, end, along), **{f"{along}canteen__in": canteens.values("pk")}
        )
        .values(region=F(f"{along}{_REGION}"))
        .order_by()
        .annotate(problems=Count("pk"), notices=Count("notice_id"))
    }
    return {
        region: PatrolCounts(*drawn.get(region, (0, 0)), *findings.get(region, (0, 0)))
        for region in drawn.keys() | findings.keys()
    }
