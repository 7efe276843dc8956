"""The navigation: a handful of groups by what a role does, each with its pages, decided by the same
permissions as the routes.

Each app declares its entries in `<app>/nav.py` as `ENTRIES` (found like its scoping cases; no central
list). An entry is shown when the user may open its page:

- `model` ("app_label.Model"): the page lists that model's rows through `visible_to`, so the entry
  shows when the model's scope rule lets the role view it and the user's scope reaches its rows
  (`ScopeRule.allows` and `ScopeRule.filter_for`, the very checks `visible_to` makes);
- `roles`: the roles the page's view admits (the constant the view checks; operators always pass);
- both, when the page needs both. `core/tests/test_nav.py` opens every entry as every role: a link in
  someone's navigation never answers 403 or 404.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import Action, AnyUser, Scope, ScopeRule, scope_of


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str | Promise
    order: int


# What people do, in the order they do it: today's work, keeping the canteen's records, supervising,
# the cameras, the files of schools and regions, the account.
GROUPS = {
    g.key: g
    for g in (
        NavGroup("today", _("Today"), 0),
        NavGroup("records", _("Daily records"), 10),
        NavGroup("supervision", _("Supervision"), 20),
        NavGroup("cameras", _("Cameras"), 30),
        NavGroup("files", _("Schools and regions"), 40),
        NavGroup("account", _("Account"), 90),
    )
}


@dataclass(frozen=True)
class NavEntry:
    group: str
    key: str
    label: str | Promise
    url_name: str
    order: int = 100
    model: str | None = None
    action: Action = Action.VIEW  # CHANGE: the page is where the role keeps (not only reads) the rows
    roles: frozenset[Role] | None = None
    anyone: bool = False  # about the user only (their tokens): shown to every signed-in user
    # A last word for pages whose view decides otherwise (e.g. the Django admin's is_staff).
    extra: Callable[[AnyUser, Scope], bool] | None = None
    # The label as shown to this user (e.g. with a count of unread alerts); the plain `label` otherwise.
    label_for: Callable[[AnyUser], str | Promise] | None = None

    def shown_label(self, user: AnyUser) -> str | Promise:
        return self.label_for(user) if self.label_for is not None else self.label

    def shown_to(self, user: AnyUser, scope: Scope) -> bool:
        if scope.is_empty and not self.anyone:
            return False
        if self.roles is not None and scope.role != Role.OPERATOR and scope.role not in self.roles:
            return False
        if self.model is not None:
            rule: ScopeRule = apps.get_model(self.model).scope_rule
            if not rule.allows(scope.role, self.action) or rule.filter_for(scope, self.action) is None:
                return False
        return self.extra is None or self.extra(user, scope)


# The start page: the regions' summary (a canteen user's start is "today").
ENTRIES = [
    NavEntry(
        "today",
        "home",
        _("Home"),
        "core:home",
        order=10,
        anyone=True,
        extra=lambda u, s: s.canteen_id is None,
    )
]


@dataclass(frozen=True)
class ShownGroup:
    group: NavGroup
    items: list[tuple[NavEntry, str]]  # entry and its URL


@cache
def registered_entries() -> tuple[NavEntry, ...]:
    found: list[NavEntry] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("brightkitchen."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.nav":
                raise
            continue
        found.extend(getattr(module, "ENTRIES", ()))
    unknown = {e.group for e in found} - GROUPS.keys()
    assert not unknown, f"navigation entries name unknown groups: {unknown}"
    return tuple(sorted(found, key=lambda e: (GROUPS[e.group].order, e.order, e.key)))


def navigation_for(user: AnyUser) -> list[ShownGroup]:
    """The groups the user has pages in, each with the entries shown to the user."""
    scope = scope_of(user)
    groups: dict[str, ShownGroup] = {}
    for entry in registered_entries():
        if entry.shown_to(user, scope):
            shown = groups.setdefault(entry.group, ShownGroup(GROUPS[entry.group], []))
            shown.items.append((entry, reverse(entry.url_name)))
    return list(groups.values())
