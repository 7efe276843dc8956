"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry

ENTRIES = [
    NavEntry(
        "supervision",
        "rectifications",
        _("Rectifications"),
        "rectifications:index",
        30,
        model="rectifications.RectificationNotice",
    )
]
