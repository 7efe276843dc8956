"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry
from brightkitchen.dispatch.models import BUREAU_ROLES

ENTRIES = [NavEntry("supervision", "dispatch", _("Dispatch"), "dispatch:index", 50, roles=BUREAU_ROLES)]
