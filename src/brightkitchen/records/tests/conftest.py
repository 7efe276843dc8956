from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from brightkitchen.schedule.models import Term


@pytest.fixture
def in_term(db: Any) -> Term:
    """A term for the whole province around today, so every weekday lunch is served."""
    today = timezone.localdate()
    return Term.objects.create(
        region_id="14",
        name="测试学期",
        starts_on=today - datetime.timedelta(days=120),
        ends_on=today + datetime.timedelta(days=120),
    )
