"""Tallies: the records the completeness metrics count, condensed per canteen and month
(`schools.models.CanteenMonth`), and the one query that adds them up for a set of canteens and a period.

Counting the records themselves does not scale: a province keeps millions a month (a sample per dish
per meal, a morning check per person per day), and grouping them by the canteens' calendars took
seconds. A month of one canteen fits in one row of day bitmasks instead, and what was done on a due
day is a bit count of (recorded days & due days), worked out in the database for every canteen at once.

Apps plug in what they count with `register_tally` from their AppConfig `ready()`, naming the models
whose rows the tally counts (its sources). The service that creates, corrects or deletes one such row
calls `recount(row)` in its transaction (`mark_of(row)` first when a correction may move the row to
another day): that recounts the tallies of the row's model on that day only and rewrites that day's bit
of the month row, whatever else the month holds, so a write costs the same on the first and the last
day of a month. A row that counts on every day (a person on the staff roll) rebuilds the canteen's open
months instead. Bulk writers (demo data, imports) call `refresh_tallies` for what they wrote; the
`refresh_tallies` command rebuilds any period from the records.
"""

from __future__ import annotations

import datetime
import enum
import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from brightkitchen.schedule.models import MealPlan
from brightkitchen.schedule.selectors import DEFAULT_PLAN, RegionCalendars, calendar_regions
from brightkitchen.schools.models import TALLY_PLANES, Canteen, CanteenMonth


class Due(enum.Enum):
    """On which days a tally counts: what a canteen owes for it."""

    BREAKFAST = "breakfast"  # service days, when the canteen serves this meal
    LUNCH = "lunch"
    DINNER = "dinner"
    SERVICE_DAY = "service_day"  # every service day
    SERVING_DAY = "serving_day"  # service days, when the canteen serves any meal
    PERIOD = "period"  # every day of the period, service day or not
    LAST_DAY = "last_day"  # the period's last day only (a state on that day, such as staff on the roll)


# (canteens, first day, last day) → (canteen id, day, count) for each day with something to count; a
# flag's count is 1.
MarksFn = Callable[
    [QuerySet[Canteen], datetime.date, datetime.date], Iterable[tuple[int, datetime.date, int]]
]


# A row's canteen and day, or its canteen and None for a row that counts on every day (a person on
# the staff roll): then every month of the canteen is rebuilt.
Mark = tuple[int, datetime.date | None]


@dataclass(frozen=True)
class Source:
    """A model whose rows a tally counts, and the attribute path to a row's day ("date", or
    "inspection.delivered_on" for a delivery's certificate; "" when the row counts on every day). Every
    source row has a `canteen_id`."""

    model: type[Model]
    day: str = ""

    def mark(self, instance: Model) -> Mark | None:
        canteen_id = getattr(instance, "canteen_id", None)
        if not canteen_id:
            return None
        if not self.day:
            return (canteen_id, None)
        try:
            day = operator.attrgetter(self.day)(instance)
        except ObjectDoesNotExist:  # a certificate deleted with its delivery: the delivery refreshes
            return None
        return (canteen_id, day) if day else None


@dataclass(frozen=True)
class Tally:
    """What a metric adds up: `field` names it; its marks fill the CanteenMonth field `column` (the same
    name unless two tallies read one column on different days); `due` says which days count."""

    field: str
    due: Due
    marks: MarksFn | None  # None: it reads another tally's column
    sources: tuple[Source, ...]
    column: str = ""

    @property
    def stored_in(self) -> str:
        return self.column or self.field

    @property
    def is_count(self) -> bool:
        return self.stored_in in CanteenMonth.COUNTS


_TALLIES: dict[str, Tally] = {}
_SOURCES: dict[type[Model], Source] = {}


ON_TIME = "_on_time"


def register_tally(tally: Tally, *, on_time: bool = False) -> None:
    """`on_time`: also count, in the column `<field>_on_time`, what was entered on the day it records
    (its marks function takes `on_time=True`), so that completeness tells on-time from late entries."""
    _TALLIES[tally.field] = tally
    for source in tally.sources:
        _SOURCES.setdefault(source.model, source)
    if on_time:
        assert tally.marks is not None
        marks: MarksFn = functools.partial(cast(Any, tally.marks), on_time=True)
        register_tally(Tally(f"{tally.field}{ON_TIME}", tally.due, marks, tally.sources))


def registered_tallies() -> list[Tally]:
    return list(_TALLIES.values())


# A canteen's calendar group, as rows carry it: its school's region and its meal plan (the default plan's
# values where it has none).
GroupKey = tuple[str, bool, bool, bool, str]
PLAN_FIELDS = ("breakfast", "lunch", "dinner", "weekdays")


def group_values(canteen: str = "") -> dict[str, Any]:
    """Annotations that put a row in its canteen's calendar group: a canteen's own row with `canteen=""`,
    a record's through the path to its canteen."""
    path = f"{canteen}__" if canteen else ""
    return {
        "group_region": F(f"{path}school__organisation__region_id"),
        **{
            f"plan_{name}": Coalesce(F(f"{path}meal_plan__{name}"), Value(getattr(DEFAULT_PLAN, name)))
            for name in PLAN_FIELDS
        },
    }


def group_key(row: Mapping[str, Any]) -> GroupKey:
    return (
        row["group_region"],
        row["plan_breakfast"],
        row["plan_lunch"],
        row["plan_dinner"],
        row["plan_weekdays"],
    )


def daily_counts(
    records: QuerySet[Any], day: str = "date", *, on_time: bool = False
) -> Iterable[tuple[int, datetime.date, int]]:
    """(canteen, day, number of records) of `records`, in one grouped query: the marks of a tally.
    `on_time`: only the records entered on (or before) the day they record, in local time (a record
    entered later is a late entry, 补录)."""
    if on_time:
        records = records.filter(created_at__date__lte=F(day))
    counts = records.order_by().values("canteen_id", day).annotate(n=Count("pk"))
    rows: Iterable[tuple[int, datetime.date, int]] = counts.values_list("canteen_id", day, "n")
    return rows


def month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _last_day(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


# --- Writing -------------------------------------------------------------------------------------------


def refresh_tallies(canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date) -> None:
    """Rebuild the tallies of `canteens` for every month that touches the period from their records.
    Call it inside the transaction that wrote the records: it locks the canteens first, so two writers
    of one canteen take turns and the second counts the first's records too."""
    with transaction.atomic():
        _refresh(canteens, month_starts(start, end))


def _refresh(canteens: QuerySet[Canteen], months: list[datetime.date]) -> None:
    first, last = months[0], _last_day(months[-1])
    locked = Canteen.objects.filter(pk__in=canteens.values("pk")).select_for_update().order_by("pk")
    ids = list(locked.values_list("pk", flat=True))
    rows: dict[tuple[int, datetime.date], dict[str, int]] = defaultdict(dict)
    for tally in registered_tallies():
        if tally.marks is None:
            continue
        for canteen_id, day, count in tally.marks(canteens, first, last):
            values = rows[canteen_id, day.replace(day=1)]
            if tally.is_count:
                for plane in range(TALLY_PLANES):
                    if count >> plane & 1:
                        name = f"{tally.stored_in}_{1 << plane}"
                        values[name] = values.get(name, 0) | 1 << (day.day - 1)
            else:
                values[tally.stored_in] = values.get(tally.stored_in, 0) | 1 << (day.day - 1)
    for canteen_id in ids:  # a row even for nothing counted: the month is open (see open_month)
        for month in months:
            rows[canteen_id, month]
    CanteenMonth.objects.filter(canteen_id__in=ids, month__in=months).delete()
    CanteenMonth.objects.bulk_create(
        (
            CanteenMonth(canteen_id=canteen_id, month=month, **values)
            for (canteen_id, month), values in rows.items()
        ),
        batch_size=2000,
    )


def _refresh_every_day(canteen_id: int) -> None:
    """After a row that counts on every day changed (a person on the roll): every month the canteen has
    tallies for, this one and the one before, so that the last 30 days, the dashboards' first view, are
    always there."""
    months = set(CanteenMonth.objects.filter(canteen_id=canteen_id).values_list("month", flat=True))
    this_month = timezone.localdate().replace(day=1)
    months |= {this_month, (this_month - datetime.timedelta(days=1)).replace(day=1)}
    for month in sorted(months):
        refresh_tallies(Canteen.objects.filter(pk=canteen_id), month, month)


def open_month(month: datetime.date) -> int:
    """Rows for the canteens that have none yet for `month` (the scheduler calls this every hour for
    the current month, so a new month is ready within the hour): tallies that count on every day
    (staff on the roll) must be there before any record of the month is. Returns the canteens done."""
    missing = Canteen.objects.exclude(pk__in=CanteenMonth.objects.filter(month=month).values("canteen_id"))
    count = missing.count()
    if count:
        refresh_tallies(missing, month, month)
    return count


def mark_of(row: Model) -> Mark | None:
    """The canteen and day a counted row stands on: take it before a correction that may move the row
    to another day, and give it to `recount` as `before`."""
    return _SOURCES[type(row)].mark(row)


def recount(row: Model, *, before: Mark | None = None) -> None:
    """After a service created, corrected or deleted `row` (a row of a tally's source model), inside its
    transaction: recount the tallies that count the row's model on the row's day, and on `before`, the
    day it stood on before the change. Only those days' bits change."""
    model = type(row)
    tallies = [t for t in registered_tallies() if any(s.model is model for s in t.sources)]
    marks = {mark for mark in (_SOURCES[model].mark(row), before) if mark is not None}
    for canteen_id in sorted({canteen_id for canteen_id, _day in marks}):
        days = sorted(day for cid, day in marks if cid == canteen_id and day is not None)
        if (canteen_id, None) in marks:
            _refresh_every_day(canteen_id)
        elif days:
            recount_days(tallies, canteen_id, days)


def recount_days(tallies: Iterable[Tally], canteen_id: int, days: Iterable[datetime.date]) -> None:
    """Recount `tallies` of one canteen on `days` and rewrite those days' bits of its month rows (the
    first write of a month builds the month's row from the records)."""
    counted = [tally for tally in tallies if tally.marks is not None]
    canteen = Canteen.objects.filter(pk=canteen_id)
    with transaction.atomic():
        # The same lock as refresh_tallies: two writers of one canteen take turns, and the second
        # counts the first's records too.
        if canteen.select_for_update().values_list("pk", flat=True).first() is None:
            return
        for day in sorted(set(days)):
            month = day.replace(day=1)
            bit = 1 << (day.day - 1)
            changes: dict[str, Any] = {}
            for tally in counted:
                assert tally.marks is not None
                value = 0
                for row_canteen, row_day, count in tally.marks(canteen, day, day):
                    if row_canteen == canteen_id and row_day == day:
                        value |= count if tally.is_count else 1
                planes = range(TALLY_PLANES) if tally.is_count else range(1)
                for plane in planes:
                    column = f"{tally.stored_in}_{1 << plane}" if tally.is_count else tally.stored_in
                    kept = F(column).bitand(~bit)
                    changes[column] = kept.bitor(bit) if value >> plane & 1 else kept
            stored = CanteenMonth.objects.filter(canteen_id=canteen_id, month=month)
            if changes and not stored.update(**changes):
                _refresh(canteen, [month])  # the month's first write: its row, from the records


# --- Reading -------------------------------------------------------------------------------------------


@dataclass
class TallyGroup:
    """Canteens in one school region following one meal plan: they share a calendar, so what they owe
    is their number times the slots of that calendar."""

    key: GroupKey
    plan: MealPlan
    canteens: int
    days: frozenset[datetime.date]  # service days in the period
    done: dict[str, int] = field(default_factory=dict)  # tally field → what was recorded when due

    @property
    def region(self) -> str:
        return self.key[0]

    def slots(self, due: Due) -> int:
        """What one canteen of the group owes in the period (served meals or days)."""
        meals = {meal.value for meal in self.plan.meals}
        if due in (Due.BREAKFAST, Due.LUNCH, Due.DINNER):
            return len(self.days) if due.value in meals else 0
        if due is Due.SERVING_DAY:
            return len(self.days) if meals else 0
        if due is Due.SERVICE_DAY:
            return len(self.days)
        raise ValueError(f"{due} is not a calendar slot")


def tally_groups(canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date) -> list[TallyGroup]:
    """The canteens by calendar group, each with every registered tally added up over the period,
    counting only what was recorded on a due day (a sample kept on a holiday fulfils nothing). One
    query whatever the number of canteens, plus two for the calendars."""
    due = DueMasks(start, end)
    values = group_values()
    # One join per month (a year at most), so each canteen stays one row and the groups are counted
    # without DISTINCT, which would sort every row.
    months = {
        f"tally_{index}": FilteredRelation("tallies", condition=Q(tallies__month=month))
        for index, month in enumerate(due.months)
    }
    sums = {tally.field: Sum(due.counted(tally)) for tally in registered_tallies()}
    rows = (
        canteens.order_by()
        .annotate(**months, **values)
        .values(*values)
        .annotate(canteen_count=Count("pk"), **sums)
    )
    groups = []
    for row in rows:
        key = group_key(row)
        plan = MealPlan(**{name: row[f"plan_{name}"] for name in PLAN_FIELDS})
        days = due.days(key[0], plan.weekdays)
        done = {name: row[name] or 0 for name in sums}
        groups.append(TallyGroup(key, plan, row["canteen_count"], days, done))
    return groups


class DueMasks:
    """The due days of a period as month bitmasks, by calendar: a canteen's calendar is that of the
    deepest region above its school that sets terms or holidays, with the weekdays of its meal plan."""

    def __init__(self, start: datetime.date, end: datetime.date) -> None:
        self.start, self.end = start, end
        self.months = month_starts(start, end)
        self.regions = calendar_regions(start, end)
        self.calendars = RegionCalendars.load(self.regions, start, end)
        self.weekdays = sorted(
            {DEFAULT_PLAN.weekdays, *MealPlan.objects.values_list("weekdays", flat=True).distinct()}
        )
        self._days: dict[tuple[str, str], frozenset[datetime.date]] = {}

    def days(self, region: str, weekdays: str) -> frozenset[datetime.date]:
        """Service days in the period of a canteen in school region `region` with these weekdays."""
        source = next((code for code in self.regions if region.startswith(code)), None)
        if source is None:
            return frozenset()
        key = (source, weekdays)
        if key not in self._days:
            calendar = self.calendars.calendar(source, MealPlan(weekdays=weekdays))
            self._days[key] = frozenset(calendar.service_days(self.start, self.end))
        return self._days[key]

    def counted(self, tally: Tally) -> Any:
        """The per-canteen count of `tally` on due days, month by month: for each month a CASE over
        (calendar, weekdays) whose branches count the bits of that month's row under a constant mask."""
        total: Any = Value(0)
        for index, month in enumerate(self.months):
            alias = f"tally_{index}"
            if tally.due is Due.LAST_DAY:
                if month == self.months[-1]:
                    total = total + self._bits(alias, tally, 1 << (self.end.day - 1))
                continue
            if tally.due is Due.PERIOD:
                first, last = max(self.start, month), min(self.end, _last_day(month))
                mask = sum(1 << (day - 1) for day in range(first.day, last.day + 1))
                total = total + self._bits(alias, tally, mask)
                continue
            whens = []
            for region in self.regions:
                for weekdays in self.weekdays:
                    # A branch even for no due day: it must stop a canteen under this region from
                    # falling through to the calendar of a region above it.
                    mask = _mask(self.days(region, weekdays), month)
                    where = Q(group_region__startswith=region, plan_weekdays=weekdays) & _serves(tally.due)
                    whens.append(When(where, then=self._bits(alias, tally, mask) if mask else Value(0)))
            total = total + Case(*whens, default=Value(0), output_field=IntegerField())
        return total

    @staticmethod
    def _bits(alias: str, tally: Tally, mask: int) -> Any:
        """The bits of `tally` in the month joined as `alias` under `mask`: a count of days, or for a
        count, the sum of its planes' bit counts times their weights. Null (no row) counts 0."""
        if not tally.is_count:
            return Coalesce(BitCount(F(f"{alias}__{tally.stored_in}").bitand(mask)), 0)
        total: Any = Value(0)
        for plane in range(TALLY_PLANES):
            bits = BitCount(F(f"{alias}__{tally.stored_in}_{1 << plane}").bitand(mask))
            total = total + bits * (1 << plane)
        return Coalesce(total, 0)


def _serves(due: Due) -> Q:
    if due in (Due.BREAKFAST, Due.LUNCH, Due.DINNER):
        return Q(**{f"plan_{due.value}": True})
    if due is Due.SERVING_DAY:
        return Q(plan_breakfast=True) | Q(plan_lunch=True) | Q(plan_dinner=True)
    return Q()


def _mask(days: Iterable[datetime.date], month: datetime.date) -> int:
    return sum(1 << (day.day - 1) for day in days if day.replace(day=1) == month)


class BitCount(Func):
    """The number of set bits of a non-negative integer below 2^36, with arithmetic every database has:
    each 12-bit chunk is spread by a multiplication and counted modulo 31 (a classic bit trick)."""

    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        chunks = [f"(({sql}) & 4095)", f"((({sql}) >> 12) & 4095)", f"(({sql}) >> 24)"]
        counted = " + ".join(f"((({chunk} * 281543712968705) & 37191016277640225) %% 31)" for chunk in chunks)
        return f"({counted})", [*params, *params, *params]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        # PostgreSQL 14+ counts bits natively, at a fraction of the arithmetic's cost; int → bit(32)
        # keeps the 32 low bits, all a month needs.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"bit_count(({sql})::bit(32))::integer", params
