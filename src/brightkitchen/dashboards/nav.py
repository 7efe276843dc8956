"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry
from brightkitchen.core.roles import REGION_ROLES

ENTRIES = [NavEntry("supervision", "dashboards", _("Dashboard"), "dashboards:index", 0, roles=REGION_ROLES)]
