"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry

ENTRIES = [
    NavEntry("account", "tokens", _("API tokens"), "accounts:tokens", 10, anyone=True),
    NavEntry("account", "import", _("Import accounts"), "accounts:import", 80, roles=frozenset()),
    NavEntry(
        "account",
        "admin",
        _("Administration"),
        "admin:index",
        90,
        anyone=True,
        extra=lambda u, s: bool(getattr(u, "is_staff", False)),
    ),
]
