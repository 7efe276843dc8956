from django.contrib import admin
from django.http import HttpRequest

from brightkitchen.audit.models import AuditLogEntry


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin[AuditLogEntry]):
    """The log is read-only, for operators too."""

    list_display = [
        "timestamp",
        "actor_username",
        "action",
        "content_type",
        "object_repr",
        "region_code",
        "ip",
    ]
    list_select_related = ["content_type"]
    list_filter = ["action", "source", "content_type"]
    search_fields = ["actor_username", "object_repr", "object_id", "request_id", "region_code"]
    date_hierarchy = "timestamp"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditLogEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditLogEntry | None = None) -> bool:
        return False
