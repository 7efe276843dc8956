from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from brightkitchen.accounts.roles import CANTEEN_ROLES, REGION_ROLES, Role
from brightkitchen.core.scoping import scope_of


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    key: str


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Role-aware navigation: a link appears only when the user's role can use the page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_of(user)
    from brightkitchen.alerts.selectors import unread_count

    items = [NavItem(_("Home"), reverse("core:home"), "home")]
    supervises = scope.everything or scope.role in REGION_ROLES
    if supervises:
        items.append(NavItem(_("Dashboard"), reverse("dashboards:index"), "dashboards"))
    unread = unread_count(user) if not scope.is_empty else 0
    if not scope.is_empty and scope.role != Role.SUPPLIER:
        label = _("Alerts") if not unread else _("Alerts (%(n)s)") % {"n": unread}
        items.append(NavItem(label, reverse("alerts:inbox"), "alerts"))
    if scope.everything or scope.role in (Role.PRINCIPAL, *CANTEEN_ROLES):
        items.append(NavItem(_("Daily records"), reverse("records:index"), "records"))
        items.append(NavItem(_("Staff"), reverse("staff:list"), "staff"))
    if scope.everything or scope.role in (*REGION_ROLES, Role.PRINCIPAL, *CANTEEN_ROLES):
        items.append(NavItem(_("Incidents"), reverse("incidents:index"), "incidents"))
        items.append(NavItem(_("Rectifications"), reverse("rectifications:index"), "rectifications"))
    if supervises or scope.role in (Role.PRINCIPAL, Role.CANTEEN_MANAGER):
        items.append(NavItem(_("Cameras"), reverse("cameras:index"), "cameras"))
    if supervises:
        items.append(NavItem(_("Online patrol"), reverse("patrols:index"), "patrols"))
    if supervises or scope.role in (Role.PRINCIPAL, Role.CANTEEN_MANAGER):
        items.append(NavItem(_("Inspections"), reverse("inspections:index"), "inspections"))
    if supervises:
        items.append(NavItem(_("Risk grades"), reverse("risk:index"), "risk"))
        items.append(NavItem(_("Dispatch"), reverse("dispatch:index"), "dispatch"))
        items.append(NavItem(_("Bulletins"), reverse("bulletins:index"), "bulletins"))
        items.append(NavItem(_("Regions"), reverse("regions:index"), "regions"))
    if not scope.is_empty and scope.role != Role.SUPPLIER:
        items.append(NavItem(_("Schools"), reverse("schools:list"), "schools"))
    if scope.role in (Role.OPERATOR, Role.REGULATOR):
        items.append(NavItem(_("Checklists"), reverse("selfcheck:checklists"), "checklists"))
        items.append(NavItem(_("Audit log"), reverse("audit:list"), "audit"))
    items.append(NavItem(_("API tokens"), reverse("accounts:tokens"), "tokens"))
    if user.is_staff:
        items.append(NavItem(_("Administration"), reverse("admin:index"), "admin"))
    return {"nav_items": items, "user_scope": scope}
