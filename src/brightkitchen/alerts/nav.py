"""Navigation entries of this app (collected by core.nav)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.nav import NavEntry
from brightkitchen.core.scoping import AnyUser


def _inbox_label(user: AnyUser) -> str | Promise:
    """ "Alerts", with the number of unread open alerts when there are any."""
    from brightkitchen.alerts.selectors import unread_count

    unread = unread_count(user)
    return _("Alerts (%(n)s)") % {"n": unread} if unread else _("Alerts")


ENTRIES = [
    NavEntry(
        "today", "alerts", _("Alerts"), "alerts:inbox", order=20, model="alerts.Alert", label_for=_inbox_label
    )
]
