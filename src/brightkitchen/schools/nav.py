"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry

ENTRIES = [NavEntry("files", "schools", _("Schools"), "schools:list", 0, model="schools.School")]
