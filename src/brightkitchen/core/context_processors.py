from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise

from brightkitchen.core.nav import navigation_for
from brightkitchen.core.scoping import scope_of


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    key: str


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str | Promise
    items: list[NavItem]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation of core.nav: groups of what the user's role does, each entry shown only when the
    user may open its page (the entries' model scope rules and role constants, as the routes check)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_sections": []}
    scope = scope_of(user)
    sections = []
    for shown in navigation_for(user):
        items = []
        for entry, url in shown.items:
            items.append(NavItem(entry.shown_label(user), url, entry.key))
        sections.append(NavSection(shown.group.key, shown.group.label, items))
    flat = [item for section in sections for item in section.items]
    return {"nav_items": flat, "nav_sections": sections, "user_scope": scope}
