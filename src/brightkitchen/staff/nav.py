"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry
from brightkitchen.core.scoping import Action

ENTRIES = [
    NavEntry(
        "records",
        "staff",
        _("Staff and morning checks"),
        "staff:list",
        20,
        model="staff.MorningCheck",
        action=Action.CHANGE,
    )
]
