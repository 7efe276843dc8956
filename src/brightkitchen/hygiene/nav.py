"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry
from brightkitchen.core.scoping import Action

ENTRIES = [
    NavEntry(
        "records",
        "hygiene",
        _("Hygiene ledgers"),
        "hygiene:index",
        30,
        model="hygiene.HygieneRecord",
        action=Action.CHANGE,
    )
]
