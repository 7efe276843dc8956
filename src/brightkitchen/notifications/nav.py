"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry
from brightkitchen.core.scoping import Action

ENTRIES = [
    NavEntry(
        "account", "notifications", _("Notification settings"), "notifications:settings", 5, anyone=True
    ),
    NavEntry(
        "account",
        "webhooks",
        _("Webhook receivers"),
        "notifications:webhooks",
        8,
        model="notifications.WebhookEndpoint",
        action=Action.CHANGE,
    ),
]
