"""Scoped reads of canteen records, and the canteen calendars that say which meals were due.

Sections: calendars (shared by every record type), sample retention, accompanied meals, the day board
shown on the record pages and the school file, one meal's samples on one page."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import QuerySet

from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.menus.models import MenuItem
from brightkitchen.records.models import AccompaniedMeal, CompanionKind, SampleRetention
from brightkitchen.schedule.models import Meal
from brightkitchen.schedule.selectors import calendars_for
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import daily_counts

_R = TypeVar("_R", SampleRetention, AccompaniedMeal)

# --- Calendars ------------------------------------------------------------------------------------------

ServedMeal = tuple[datetime.date, str]  # (date, meal value)


def served_meals(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, set[ServedMeal]]:
    """Every (date, meal) each canteen serves in the period; canteens that serve nothing are left out."""
    served: dict[int, set[ServedMeal]] = {}
    for canteen_id, calendar in calendars_for(canteens, start, end).items():
        meals = [m.value for m in calendar.meals]
        days = calendar.service_days(start, end) if meals else []
        if days:
            served[canteen_id] = {(day, meal) for day in days for meal in meals}
    return served


def sampled_meals(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, set[ServedMeal]]:
    """(date, meal) pairs with at least one retained sample, per canteen, in one grouped query."""
    done: dict[int, set[ServedMeal]] = defaultdict(set)
    rows = (
        SampleRetention.objects.filter(canteen__in=canteens.values("pk"), date__range=(start, end))
        .order_by()
        .values_list("canteen_id", "date", "meal")
        .distinct()
    )
    for canteen_id, date, meal in rows:
        done[canteen_id].add((date, meal))
    return done


def leader_accompanied_meals(
    canteens: QuerySet[Canteen], start: datetime.date, end: datetime.date
) -> dict[int, set[ServedMeal]]:
    """(date, meal) pairs a school leader accompanied, per canteen, in one grouped query."""
    done: dict[int, set[ServedMeal]] = defaultdict(set)
    rows = (
        AccompaniedMeal.objects.filter(
            canteen__in=canteens.values("pk"),
            date__range=(start, end),
            companion_kind=CompanionKind.LEADER,
        )
        .order_by()
        .values_list("canteen_id", "date", "meal")
        .distinct()
    )
    for canteen_id, date, meal in rows:
        done[canteen_id].add((date, meal))
    return done


def sampled_days(
    canteens: QuerySet[Canteen],
    start: datetime.date,
    end: datetime.date,
    *,
    meal: str,
    on_time: bool = False,
) -> Iterable[tuple[int, datetime.date, int]]:
    """(canteen, day, samples) of one meal: the marks of its sample retention tally."""
    return daily_counts(
        SampleRetention.objects.filter(
            canteen__in=canteens.values("pk"), date__range=(start, end), meal=meal
        ),
        on_time=on_time,
    )


def accompanied_days(
    canteens: QuerySet[Canteen],
    start: datetime.date,
    end: datetime.date,
    *,
    meal: str,
    on_time: bool = False,
) -> Iterable[tuple[int, datetime.date, int]]:
    """(canteen, day, school leaders) of one meal: the marks of its accompanied-meal tally."""
    leaders = AccompaniedMeal.objects.filter(
        canteen__in=canteens.values("pk"),
        date__range=(start, end),
        meal=meal,
        companion_kind=CompanionKind.LEADER,
    )
    return daily_counts(leaders, on_time=on_time)


# --- Sample retention -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFilters:
    canteen: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    meal: str = ""


def samples_for(
    user: AnyUser, filters: RecordFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[SampleRetention]:
    f = filters or RecordFilters()
    qs = SampleRetention.objects.visible_to(user, action).select_related("canteen")
    return _filter(qs, f).order_by("-date", "meal", "dish", "id")


def accompanied_meals_for(
    user: AnyUser, filters: RecordFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[AccompaniedMeal]:
    f = filters or RecordFilters()
    qs = AccompaniedMeal.objects.visible_to(user, action).select_related("canteen", "answered_by")
    return _filter(qs, f).order_by("-date", "meal", "companion_name", "id")


def _filter(qs: QuerySet[_R], f: RecordFilters) -> QuerySet[_R]:
    if f.canteen is not None:
        qs = qs.filter(canteen_id=f.canteen)
    if f.date_from is not None:
        qs = qs.filter(date__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(date__lte=f.date_to)
    if f.meal:
        qs = qs.filter(meal=f.meal)
    return qs


# --- The day board (record pages, school file) ----------------------------------------------------------


@dataclass
class MealBoard:
    meal: Meal
    served: bool
    samples: list[SampleRetention] = field(default_factory=list)
    accompanied: list[AccompaniedMeal] = field(default_factory=list)

    @property
    def leader_present(self) -> bool:
        return any(a.covers_meal for a in self.accompanied)

    @property
    def total_weight_g(self) -> int:
        return sum(s.weight_g for s in self.samples)


def day_board(user: AnyUser, canteen: Canteen, day: datetime.date) -> list[MealBoard]:
    """Each meal of the day: whether the canteen serves it, its samples and accompanied meals. Meals the
    canteen does not serve appear only when something was recorded for them."""
    calendar = calendars_for(Canteen.objects.filter(pk=canteen.pk), day, day).get(canteen.pk)
    served = {m.value for m in calendar.meals_on(day)} if calendar else set()
    filters = RecordFilters(canteen=canteen.pk, date_from=day, date_to=day)
    samples = list(samples_for(user, filters))
    meals = list(accompanied_meals_for(user, filters))
    boards = []
    for meal in Meal:
        board = MealBoard(
            meal=meal,
            served=meal.value in served,
            samples=[s for s in samples if s.meal == meal.value],
            accompanied=[a for a in meals if a.meal == meal.value],
        )
        if board.served or board.samples or board.accompanied:
            boards.append(board)
    return boards


# --- One meal's samples on one page ---------------------------------------------------------------------


@dataclass
class MealSheet:
    """What the meal's sample page shows: whether the canteen serves the meal that day, the dishes its
    menu plans for it (in the menu's order, each once) and the samples already kept."""

    meal: Meal
    served: bool
    menu_dishes: list[str]
    samples: list[SampleRetention]

    def sample_of(self, dish: str) -> SampleRetention | None:
        return next((s for s in self.samples if s.dish == dish), None)


def meal_sheet(user: AnyUser, canteen: Canteen, day: datetime.date, meal: Meal) -> MealSheet:
    """A fixed number of queries whatever the number of dishes: the calendar, the menu's dishes and the
    samples of the meal."""
    calendar = calendars_for(Canteen.objects.filter(pk=canteen.pk), day, day).get(canteen.pk)
    served = calendar is not None and meal in calendar.meals_on(day)
    planned = (
        MenuItem.objects.visible_to(user)
        .filter(menu__canteen_id=canteen.pk, day=day, meal=meal.value)
        .order_by("menu__week_start", "id")
        .values_list("dish", flat=True)
    )
    filters = RecordFilters(canteen=canteen.pk, date_from=day, date_to=day, meal=meal.value)
    samples = sorted(samples_for(user, filters), key=lambda s: (s.stored_at, s.pk))
    return MealSheet(meal=meal, served=served, menu_dishes=list(dict.fromkeys(planned)), samples=samples)
