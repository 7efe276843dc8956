from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from brightkitchen.audit.models import AuditLogEntry
from brightkitchen.core.scoping import AnyUser


@dataclass(frozen=True)
class AuditFilters:
    region: str = ""
    model: str = ""
    object_id: str = ""
    action: str = ""
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None


def audit_entries_for(user: AnyUser, filters: AuditFilters | None = None) -> QuerySet[AuditLogEntry]:
    f = filters or AuditFilters()
    qs = AuditLogEntry.objects.visible_to(user).select_related("content_type")
    if f.region:
        qs = qs.filter(region_code__startswith=f.region)
    if f.model:
        app_label, _sep, model = f.model.partition(".")
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.action:
        qs = qs.filter(action=f.action)
    if f.since:
        qs = qs.filter(timestamp__gte=f.since)
    if f.until:
        qs = qs.filter(timestamp__lt=f.until)
    return qs.order_by("-timestamp", "-id")
