"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry

ENTRIES = [
    NavEntry("records", "incidents", _("Incidents"), "incidents:index", 60, model="incidents.IncidentReport")
]
