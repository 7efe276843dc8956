from __future__ import annotations

import datetime

from django import template

from brightkitchen.records.models import SampleRetention

register = template.Library()


@register.filter
def may_discard(sample: SampleRetention, now: datetime.datetime) -> bool:
    return sample.may_discard(now)


@register.filter
def seconds_left(sample: SampleRetention, now: datetime.datetime) -> int:
    return sample.seconds_left(now)


@register.filter
def hours(seconds: int) -> int:
    return seconds // 3600


@register.filter
def minutes_part(seconds: int) -> int:
    return seconds % 3600 // 60
