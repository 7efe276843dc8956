from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from brightkitchen.accounts import reauth
from brightkitchen.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ["username", "display_name", "role", "organisation", "is_active"]
    list_select_related = ["organisation"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "organisation__name"]
    actions = ["deactivate_selected"]
    autocomplete_fields = ["organisation", "canteen"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Role and jurisdiction"),
            {"fields": ("display_name", "phone", "role", "organisation", "canteen")},
        ),
    )

    @admin.action(description=_("Deactivate the selected users (their sessions and API tokens end at once)"))
    def deactivate_selected(self, request: HttpRequest, queryset: Any) -> None:
        from brightkitchen.accounts import services

        operator = services.signed_in_user(request)
        for user in queryset.exclude(pk=operator.pk):
            services.deactivate(operator, user.pk)

    # Every change to users (add, edit, delete, set a password, a bulk action) needs a recent password
    # (accounts.reauth): an operator's forgotten open session must not hand out accounts. Reading is free.
    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        return reauth.refusal(request) if request.method == "POST" else None

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return self._refusal(request) or super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return self._refusal(request) or super().delete_view(request, object_id, extra_context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return self._refusal(request) or super().changelist_view(request, extra_context)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        return self._refusal(request) or super().user_change_password(request, id, form_url)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Operators can see and revoke tokens, never read a secret (only its hash is stored)."""

    list_display = [
        "name",
        "user",
        "key_id",
        "scope",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    readonly_fields = ["user", "name", "key_id", "scope", "created_at", "last_used_at", "expires_at"]
    exclude = ["secret_hash"]
    search_fields = ["name", "user__username", "key_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
