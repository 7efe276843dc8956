"""Naive baselines: the same answers as the API, computed the way a first version often does.

They use the same jurisdiction rule and the same output schema as the project, so their answers can be
compared with the project's, and differ only in where the work happens: in Python over every row of
the user's jurisdiction, or in one query per region and figure.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Sum

from brightkitchen.core.scoping import AnyUser
from brightkitchen.regions.models import Region
from brightkitchen.regions.selectors import children_of
from brightkitchen.schools.api import CanteenOut
from brightkitchen.schools.models import Canteen, LicenceStatus, RiskGrade
from brightkitchen.schools.selectors import licence_status_q, today


def canteen_page(user: AnyUser, *, risk_grade: str, region: str, limit: int, offset: int) -> dict[str, Any]:
    """Load every canteen the user may see, then filter, count and slice the list in Python."""
    everything = Canteen.objects.visible_to(user).select_related("school__organisation__region")
    everything = everything.order_by("id")
    matching = [
        c
        for c in everything
        if c.risk_grade == risk_grade and c.school.organisation.region_id.startswith(region)
    ]
    items = [CanteenOut.of(c).model_dump(mode="json") for c in matching[offset : offset + limit]]
    return {"items": items, "count": len(matching)}


def region_summary(user: AnyUser, code: str) -> list[dict[str, Any]]:
    """Per child region, one query for each figure (13 queries a region)."""
    regions = list(children_of(code)) or list(Region.objects.filter(code=code))
    on = today()
    rows = []
    for region in regions:
        qs = Canteen.objects.visible_to(user)
        qs = qs.filter(school__organisation__region__code__startswith=region.code)
        row: dict[str, Any] = {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "schools": qs.values("school_id").distinct().count(),
            "canteens": qs.count(),
            "diners": qs.aggregate(n=Sum("diners"))["n"] or 0,
        }
        for status in LicenceStatus:
            row[f"licence_{status.value}"] = qs.filter(licence_status_q(status, on)).count()
        row["risk"] = {grade.value: qs.filter(risk_grade=grade.value).count() for grade in RiskGrade}
        rows.append(row)
    return rows


def as_json(value: Any) -> bytes:
    """Serialise like the API does, so the baseline pays for its output too."""
    return json.dumps(value, cls=DjangoJSONEncoder).encode()
