"""Demo risk grades: every demo canteen assessed from its demo records and notices, the last one with a
poor inspection result (fair, annual C); where the signals alone leave no canteen in C or D, the
regulator's override puts the last canteens there with a reason, so the list, the distribution and
the override display all have something to show. Idempotent: a rerun recomputes the same grades and
sets no override twice."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from brightkitchen.risk.models import RiskAssessment
from brightkitchen.risk.services import assess
from brightkitchen.schools.models import AnnualGrade, Canteen, DynamicGrade, RiskGrade

_OVERRIDES = (
    (RiskGrade.D, -1, "演示：近期发生疑似食源性疾病事件，提级监管。"),
    (RiskGrade.C, -2, "演示：投诉集中，整改反复，加密检查。"),
)


def seed(canteens: list[Canteen], today: datetime.date, rng: random.Random) -> None:
    if not canteens:
        return
    ids = [c.pk for c in canteens]
    Canteen.objects.filter(pk=ids[-1]).update(dynamic_grade=DynamicGrade.FAIR, annual_grade=AnnualGrade.C)
    demo = Canteen.objects.filter(pk__in=ids)
    assess(demo, today)
    for grade, index, reason in _OVERRIDES:
        if demo.filter(risk_grade=grade).exists():
            continue
        canteen_id = ids[index] if len(ids) >= -index else ids[-1]
        RiskAssessment.objects.filter(canteen_id=canteen_id).update(
            override_grade=grade, override_reason=reason, overridden_at=timezone.now()
        )
        Canteen.objects.filter(pk=canteen_id).update(risk_grade=grade)
