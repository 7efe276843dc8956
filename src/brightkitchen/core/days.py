"""The platform's calendar day, and local days as instants for queries on timestamps."""

from __future__ import annotations

import datetime

from django.utils import timezone


def day_edges(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The local days [start, end] as instants [first moment, first moment after the last day).
    `at__gte=first, at__lt=after` selects the same rows as `at__date__range=(start, end)` but compares
    the stored timestamp directly: an index on it applies, and no row is converted to a local date."""
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    after = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time()))
    return first, after


def today() -> datetime.date:
    """Today in the platform's time zone (settings.TIME_ZONE, Asia/Shanghai unless configured): the day
    every "due", "missing" and "expires" is counted from, whoever asks and whatever zone is active."""
    return timezone.localdate(timezone=timezone.get_default_timezone())
