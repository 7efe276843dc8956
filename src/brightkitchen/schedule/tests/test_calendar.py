from __future__ import annotations

import datetime

import pytest

from brightkitchen.conftest import World
from brightkitchen.schedule.models import CalendarDay, Meal, MealPlan, Term
from brightkitchen.schedule.selectors import calendar_for

pytestmark = pytest.mark.django_db

D = datetime.date


def _autumn_term(region: str) -> None:
    Term.objects.create(
        region_id=region, name="2026秋季学期", starts_on=D(2026, 9, 1), ends_on=D(2027, 1, 15)
    )


def test_no_term_no_service(world: World) -> None:
    cal = calendar_for(world.canteens["a"], D(2026, 7, 1), D(2026, 8, 31))
    assert cal.service_days(D(2026, 7, 1), D(2026, 8, 31)) == []  # summer holiday: nothing is due


def test_weekdays_inside_the_term_with_holidays_and_make_up_days(world: World) -> None:
    _autumn_term("14")  # the province sets the term for every school below it
    CalendarDay.objects.create(region_id="14", date=D(2026, 10, 1), name="国庆节")
    CalendarDay.objects.create(region_id="14", date=D(2026, 10, 10), name="调休上班", is_workday=True)
    cal = calendar_for(world.canteens["a"], D(2026, 8, 31), D(2026, 10, 11))
    assert not cal.is_service_day(D(2026, 8, 31))  # the day before the term
    assert cal.is_service_day(D(2026, 9, 1))  # first day, a Tuesday
    assert not cal.is_service_day(D(2026, 9, 5))  # Saturday
    assert not cal.is_service_day(D(2026, 10, 1))  # National Day, a Thursday
    assert cal.is_service_day(D(2026, 10, 10))  # Saturday made a working day
    assert cal.meals_on(D(2026, 9, 1)) == [Meal.LUNCH]  # default plan: lunch on weekdays
    end = calendar_for(world.canteens["a"], D(2027, 1, 15), D(2027, 1, 16))
    assert end.is_service_day(D(2027, 1, 15)) and not end.is_service_day(D(2027, 1, 16))


def test_a_county_overrides_the_province_and_a_plan_sets_meals(world: World) -> None:
    _autumn_term("14")
    Term.objects.create(
        region_id="140702", name="榆次区秋季学期", starts_on=D(2026, 9, 7), ends_on=D(2027, 1, 8)
    )
    MealPlan.objects.create(
        canteen=world.canteens["a"], breakfast=True, lunch=True, dinner=True, weekdays="123456"
    )
    a = calendar_for(world.canteens["a"], D(2026, 9, 1), D(2026, 9, 30))
    b = calendar_for(world.canteens["b"], D(2026, 9, 1), D(2026, 9, 30))
    assert not a.is_service_day(D(2026, 9, 1)) and b.is_service_day(D(2026, 9, 1))
    assert a.is_service_day(D(2026, 9, 12))  # a Saturday: this boarding canteen serves six days
    assert a.meals_on(D(2026, 9, 7)) == [Meal.BREAKFAST, Meal.LUNCH, Meal.DINNER]


def test_a_holiday_of_another_province_does_not_apply(world: World) -> None:
    _autumn_term("14")
    CalendarDay.objects.create(region_id="44", date=D(2026, 9, 2), name="广东某节日")
    assert calendar_for(world.canteens["a"], D(2026, 9, 2), D(2026, 9, 2)).is_service_day(D(2026, 9, 2))


def test_meal_plan_weekdays_are_validated(world: World) -> None:
    from django.core.exceptions import ValidationError

    plan = MealPlan(canteen=world.canteens["a"], weekdays="1189")
    with pytest.raises(ValidationError, match="weekdays"):
        plan.full_clean()
