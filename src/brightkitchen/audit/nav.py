"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry
from brightkitchen.core.roles import Role

ENTRIES = [NavEntry("account", "audit", _("Audit log"), "audit:list", 20, roles=frozenset({Role.REGULATOR}))]
