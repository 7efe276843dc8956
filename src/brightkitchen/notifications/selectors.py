from __future__ import annotations

from django.db.models import Q, QuerySet

from brightkitchen.accounts.models import User
from brightkitchen.alerts.models import Alert
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import Action
from brightkitchen.notifications.models import Delivery, WebhookEndpoint


def deliveries_for(user: User) -> QuerySet[Delivery]:
    """Operators: every delivery (the scoping mechanism); anyone else: their own, of alerts they may
    still see, and those to their organisation's webhook receivers."""
    rows: QuerySet[Delivery] = Delivery.objects.visible_to(user)
    if user.role != Role.OPERATOR:
        own = Q(user=user)
        if user.organisation_id is not None and WebhookEndpoint.scope_rule.allows(
            Role(user.role), Action.VIEW
        ):
            own |= Q(endpoint__organisation_id=user.organisation_id)
        rows = Delivery.objects.filter(own, alert__in=Alert.objects.visible_to(user))
    return rows.select_related("alert__canteen", "endpoint").order_by("-created_at", "-pk")


def endpoints_for(user: User) -> QuerySet[WebhookEndpoint]:
    """The webhook receivers the caller manages: their own organisation's (in their jurisdiction, by the
    scoping mechanism); an operator's: all."""
    rows: QuerySet[WebhookEndpoint] = WebhookEndpoint.objects.visible_to(user)
    if user.role != Role.OPERATOR:
        rows = rows.filter(organisation_id=user.organisation_id or 0)
    return rows.select_related("organisation").order_by("pk")
