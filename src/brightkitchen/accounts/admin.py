from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from brightkitchen.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ["username", "display_name", "role", "organisation", "is_active"]
    list_select_related = ["organisation"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "organisation__name"]
    autocomplete_fields = ["organisation", "canteen"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Role and jurisdiction"),
            {"fields": ("display_name", "phone", "role", "organisation", "canteen")},
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Operators can see and revoke tokens, never read a secret (only its hash is stored)."""

    list_display = ["name", "user", "key_id", "created_at", "last_used_at", "expires_at", "revoked_at"]
    readonly_fields = ["user", "name", "key_id", "created_at", "last_used_at", "expires_at"]
    exclude = ["secret_hash"]
    search_fields = ["name", "user__username", "key_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
