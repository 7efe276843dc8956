"""Alert rules for missing records, registered with alerts.rules. A served meal is due once its cut-off
has passed (breakfast 10:00, lunch 14:00, dinner 20:00, China time); a day outside term, a holiday or a
meal the canteen does not serve is never due."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop

from brightkitchen.alerts.rules import Finding, Severity, register_rule
from brightkitchen.core.texts import Text
from brightkitchen.records import selectors
from brightkitchen.schedule.models import Meal
from brightkitchen.schools.models import Canteen

CHINA = ZoneInfo("Asia/Shanghai")
MEAL_CUTOFFS = {
    Meal.BREAKFAST.value: datetime.time(10, 0),
    Meal.LUNCH.value: datetime.time(14, 0),
    Meal.DINNER.value: datetime.time(20, 0),
}
# A missing record stays an open alert this many days (then the sweep lets it close; the metric keeps
# counting it): long enough to be seen after a weekend, short enough not to pile up.
LOOKBACK_DAYS = 7


def cutoff_at(day: datetime.date, meal: str) -> datetime.datetime:
    return datetime.datetime.combine(day, MEAL_CUTOFFS[meal], tzinfo=CHINA)


def sweep_moment(day: datetime.date, now: datetime.datetime | None) -> datetime.datetime:
    """The moment a sweep for `day` looks from: now, but never past the end of that day."""
    end_of_day = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), tzinfo=CHINA)
    if now is None:
        from django.utils import timezone

        now = timezone.now()
    return min(now, end_of_day)


DoneFn = Callable[..., dict[int, set[selectors.ServedMeal]]]


def _missing(
    kind: str,
    done_fn: DoneFn,
    severity: Severity,
    template: str,
    url_name: str,
    day: datetime.date,
    now: datetime.datetime | None,
) -> list[Finding]:
    as_of = sweep_moment(day, now)
    start = day - datetime.timedelta(days=LOOKBACK_DAYS - 1)
    canteens = Canteen.objects.all()  # a system sweep over every canteen, not a user's view
    served = selectors.served_meals(canteens, start, day)
    done = done_fn(canteens, start, day)
    findings = []
    for canteen_id, meals in served.items():
        recorded = done.get(canteen_id, set())
        for meal_day, meal in sorted(meals - recorded):
            if cutoff_at(meal_day, meal) > as_of:
                continue
            link = reverse(url_name, args=[canteen_id]) + f"?date={meal_day.isoformat()}"
            message = Text(template, {"date": meal_day.isoformat(), "meal": Meal(meal).label})
            findings.append(
                Finding(canteen_id, f"{kind}:{meal_day.isoformat()}:{meal}", severity, message, link)
            )
    return findings


def sample_missing_findings(day: datetime.date, now: datetime.datetime | None = None) -> list[Finding]:
    return _missing(
        "sample",
        selectors.sampled_meals,
        Severity.WARNING,
        _SAMPLE_MISSING,
        "records:samples",
        day,
        now,
    )


def accompanied_meal_missing_findings(
    day: datetime.date, now: datetime.datetime | None = None
) -> list[Finding]:
    return _missing(
        "accompanied",
        selectors.leader_accompanied_meals,
        Severity.INFO,
        _ACCOMPANIED_MISSING,
        "records:meals",
        day,
        now,
    )


# Marked for translation here; translated when the alert is shown, in the reader's language.
_SAMPLE_MISSING = gettext_noop("No sample was retained for %(meal)s on %(date)s.")
_ACCOMPANIED_MISSING = gettext_noop("No school leader accompanied %(meal)s on %(date)s.")


def register() -> None:
    register_rule("sample_missing", sample_missing_findings, label=gettext_lazy("Food sample not retained"))
    register_rule(
        "accompanied_meal_missing",
        accompanied_meal_missing_findings,
        label=gettext_lazy("Accompanied meal not recorded"),
    )
