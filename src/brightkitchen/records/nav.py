"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry
from brightkitchen.core.scoping import Action

ENTRIES = [
    NavEntry(
        "records",
        "records",
        _("Samples and accompanied meals"),
        "records:index",
        10,
        model="records.SampleRetention",
        action=Action.CHANGE,
    )
]
