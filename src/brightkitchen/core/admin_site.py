from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from brightkitchen.accounts.roles import Role


class OperatorAdminSite(admin.AdminSite):
    site_header = _("BrightKitchen administration")
    site_title = _("BrightKitchen")
    index_title = _("Platform operation")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and (user.is_superuser or getattr(user, "role", None) == Role.OPERATOR)
        )


class OperatorAdminConfig(AdminConfig):
    """Django's admin, open to platform operators only."""

    default_site = "brightkitchen.core.admin_site.OperatorAdminSite"
