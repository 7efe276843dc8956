"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry

ENTRIES = [NavEntry("supervision", "risk", _("Risk grades"), "risk:index", 40, model="risk.RiskAssessment")]
