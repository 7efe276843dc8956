import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from brightkitchen.audit.models import AuditAction, AuditLogEntry
from brightkitchen.audit.selectors import AuditFilters, audit_entries_for
from brightkitchen.core.api import LIST_ERRORS, DateRangeFilter, MappedQuerySet, Pagination

# The years a database can compare with any offset added (year 1 or 9999 overflow PostgreSQL or SQLite).
YEARS_1900_2999 = r"^(19|2[0-9])[0-9]{2}-"

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    timestamp: datetime.datetime
    action: AuditAction
    actor: str
    source: str
    ip: str | None
    request_id: str
    model: str | None
    object_id: str
    object_repr: str
    region_code: str | None
    before: Any
    after: Any
    changed_fields: list[str]

    @staticmethod
    def of(entry: AuditLogEntry) -> "AuditEntryOut":
        ct = entry.content_type
        return AuditEntryOut(
            id=entry.pk,
            timestamp=entry.timestamp,
            action=AuditAction(entry.action),
            actor=entry.actor_username,
            source=entry.source,
            ip=entry.ip,
            request_id=entry.request_id,
            model=f"{ct.app_label}.{ct.model}" if ct else None,
            object_id=entry.object_id,
            object_repr=entry.object_repr,
            region_code=entry.region_code,
            before=entry.before,
            after=entry.after,
            changed_fields=entry.changed_fields,
        )


class AuditFilterIn(DateRangeFilter):
    date_ranges = (("since", "until"),)
    region: str = Field("", pattern=r"^\d{0,12}$")
    model: str = Field(
        "", pattern=r"^([a-z_]+\.[a-z_]+)?$", description="app_label.model, e.g. schools.canteen"
    )
    object_id: str = Field("", max_length=64)
    action: AuditAction | None = None
    # The window's years as a pattern, since JSON Schema cannot bound a date-time's format.
    since: datetime.datetime | None = Field(None, json_schema_extra={"pattern": YEARS_1900_2999})
    until: datetime.datetime | None = Field(None, json_schema_extra={"pattern": YEARS_1900_2999})

    @field_validator("since", "until")
    @classmethod
    def _in_range(cls, value: datetime.datetime | None) -> datetime.datetime | None:
        """As UTC, within the years a database can compare (offsets beyond ±16 h, year 1 or 9999
        overflow PostgreSQL or SQLite)."""
        if value is None:
            return None
        if not 1900 <= value.year <= 2999:
            raise ValueError("use a date between the years 1900 and 2999")
        try:
            aware = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
            utc = aware.astimezone(datetime.UTC)
        except OverflowError:
            raise ValueError("date out of range") from None
        return utc


@router.get(
    "/audit-log",
    response={200: list[AuditEntryOut], **LIST_ERRORS},
    summary="Changes in your jurisdiction (regulators)",
)
@paginate(Pagination)
def list_audit_log(request: HttpRequest, filters: Query[AuditFilterIn]) -> MappedQuerySet[AuditEntryOut]:
    qs = audit_entries_for(
        request.user,
        AuditFilters(
            region=filters.region,
            model=filters.model,
            object_id=filters.object_id,
            action=filters.action or "",
            since=filters.since,
            until=filters.until,
        ),
    )
    return MappedQuerySet(qs, AuditEntryOut.of)
