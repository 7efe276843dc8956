"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry
from brightkitchen.core.roles import Role

ENTRIES = [
    NavEntry(
        "supervision", "patrols", _("Online patrol"), "patrols:index", 10, roles=frozenset({Role.REGULATOR})
    )
]
