"""Alert rules: a service day without a daily check once 18:00 (China time) has passed, and a month whose
review is missing or unsigned after the 5th of the next month."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop

from brightkitchen.alerts.rules import Finding, Severity, register_rule
from brightkitchen.core.texts import Text
from brightkitchen.records.rules import CHINA, LOOKBACK_DAYS, sweep_moment
from brightkitchen.schools.models import Canteen
from brightkitchen.selfcheck import selectors
from brightkitchen.selfcheck.metrics import service_days
from brightkitchen.selfcheck.models import CheckKind

DAILY_CUTOFF = datetime.time(18, 0)
SIGN_BY_DAY = 5  # the monthly review is signed by the 5th of the next month

_DAILY_MISSING = gettext_noop("No daily self-inspection was filed on %(date)s.")
_MONTHLY_UNSIGNED = gettext_noop("The monthly review of %(month)s is missing or not signed by the principal.")


def daily_check_missing_findings(day: datetime.date, now: datetime.datetime | None = None) -> list[Finding]:
    as_of = sweep_moment(day, now)
    start = day - datetime.timedelta(days=LOOKBACK_DAYS - 1)
    canteens = Canteen.objects.all()  # a system sweep over every canteen, not a user's view
    due = service_days(canteens, start, day)
    done = selectors.daily_reported(canteens, start, day)
    findings = []
    for canteen_id, days in due.items():
        for missing in sorted(days - done.get(canteen_id, set())):
            if datetime.datetime.combine(missing, DAILY_CUTOFF, tzinfo=CHINA) > as_of:
                continue
            link = reverse("selfcheck:report", args=[canteen_id]) + "?kind=daily"
            message = Text(_DAILY_MISSING, {"date": missing.isoformat()})
            findings.append(
                Finding(canteen_id, f"daily_check:{missing.isoformat()}", Severity.WARNING, message, link)
            )
    return findings


def monthly_review_unsigned_findings(
    day: datetime.date, now: datetime.datetime | None = None
) -> list[Finding]:
    """The previous month, once the sign-by day has passed, for canteens that served in it."""
    if day.day <= SIGN_BY_DAY:
        return []
    month_end = day.replace(day=1) - datetime.timedelta(days=1)
    month = month_end.replace(day=1)
    canteens = Canteen.objects.all()
    served = service_days(canteens, month, month_end)
    signed = selectors.reported_periods(canteens, CheckKind.MONTHLY, month, month, signed=True)
    findings = []
    for canteen_id in sorted(served):
        if month in signed.get(canteen_id, set()):
            continue
        link = reverse("selfcheck:report", args=[canteen_id]) + "?kind=monthly"
        message = Text(_MONTHLY_UNSIGNED, {"month": month.strftime("%Y-%m")})
        findings.append(
            Finding(canteen_id, f"monthly_review:{month.strftime('%Y-%m')}", Severity.WARNING, message, link)
        )
    return findings


def register() -> None:
    register_rule(
        "daily_check_missing",
        daily_check_missing_findings,
        label=gettext_lazy("Daily self-inspection missing"),
    )
    register_rule(
        "monthly_review_unsigned",
        monthly_review_unsigned_findings,
        label=gettext_lazy("Monthly review not signed"),
    )
