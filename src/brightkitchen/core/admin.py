from django.contrib import admin

from brightkitchen.core.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin[WorkerHeartbeat]):
    list_display = ["worker", "seen_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
