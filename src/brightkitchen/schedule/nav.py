"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry

ENTRIES = [
    # The canteen's own day: the page reads the canteen from the user's scope.
    NavEntry(
        "today",
        "today",
        _("Today"),
        "schedule:today",
        order=0,
        model="schools.Canteen",
        extra=lambda u, s: s.canteen_id is not None,
    )
]
