"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry
from brightkitchen.core.roles import Role

ENTRIES = [
    # The view admits regulators (and operators) only.
    NavEntry(
        "files", "checklists", _("Checklists"), "selfcheck:checklists", 20, roles=frozenset({Role.REGULATOR})
    )
]
