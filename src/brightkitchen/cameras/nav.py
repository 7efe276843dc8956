"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry

ENTRIES = [
    NavEntry("cameras", "cameras", _("Cameras"), "cameras:index", 0, model="cameras.Camera"),
    # Public (no sign-in needed): linked for everyone signed in, and from the sign-in page.
    NavEntry("cameras", "offline", _("Offline exposure board"), "cameras:offline", 50, anyone=True),
]
