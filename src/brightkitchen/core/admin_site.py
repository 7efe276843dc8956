from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.roles import Role


class OperatorAdminSite(admin.AdminSite):
    site_header = _("BrightKitchen administration")
    site_title = _("BrightKitchen")
    index_title = _("Platform operation")

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """No sign-in form of the admin's own: it would check passwords outside the sign-in throttle
        and CAPTCHA (accounts.services.sign_in). The platform's sign-in page is the one way in."""
        from django.contrib.auth.views import redirect_to_login  # needs the apps loaded

        target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, login_url=reverse("accounts:login"))

    def password_change(  # type: ignore[override]  # a redirect, not the form's TemplateResponse
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """No password form of the admin's own either: it checks the old password outside the sign-in
        throttle. An operator sets a new one on their user's password page, which asks for a recent
        sign-in (confirmed through the throttled sign-in) before any change."""
        from django.shortcuts import redirect

        # The name Django's UserAdmin gives that page, whatever the user model's app.
        url = reverse("admin:auth_user_password_change", args=[request.user.pk], current_app=self.name)
        return redirect(url)

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
