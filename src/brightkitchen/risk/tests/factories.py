"""County A/B risk assessments made without the audit log (bulk_create), once per world: county A's
canteen computed C and overridden to D by its regulator, county B's computed A."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.risk.models import RiskAssessment
from brightkitchen.risk.services import period_for
from brightkitchen.schools.models import Canteen

REASON_A = "甲县测试：食物中毒隐患，提级监管"


def assessments(w: World) -> dict[str, RiskAssessment]:
    cache: dict[str, Any] | None = getattr(w, "_risk", None)
    if cache is not None:
        return cache
    today = timezone.localdate()
    start, end = period_for(today)
    cache = {}
    for county, score, computed, override in (("a", 30, "C", "D"), ("b", 5, "A", "")):
        canteen = w.canteens[county]
        contributions = [
            {"key": "violations", "label": "Violations found", "value": score // 2, "points": score}
        ]
        (assessment,) = RiskAssessment.objects.bulk_create(
            [
                RiskAssessment(
                    canteen=canteen,
                    assessed_on=today,
                    period_start=start,
                    period_end=end,
                    score=score,
                    computed_grade=computed,
                    contributions=contributions,
                    override_grade=override,
                    override_reason=REASON_A if override else "",
                    overridden_by=w.users[f"regulator_{county}"] if override else None,
                    overridden_at=timezone.now() if override else None,
                )
            ]
        )
        Canteen.objects.filter(pk=canteen.pk).update(risk_grade=override or computed)
        cache[county] = assessment
    setattr(w, "_risk", cache)  # noqa: B010
    return cache
