from django.contrib import admin

from brightkitchen.alerts.models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin[Alert]):
    """Read-only for operators: alerts are opened and closed by the sweep and by users' dismissals."""

    list_display = ["kind", "canteen", "severity", "opened_at", "last_seen_at", "closed_at", "closed_reason"]
    list_filter = ["severity", "closed_reason", "kind"]
    search_fields = ["subject_key", "message", "canteen__name"]
    raw_id_fields = ["canteen", "closed_by"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
