"""Who an alert goes to, and whose inbox lists it: by jurisdiction (the scoping mechanism) and role."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from brightkitchen.accounts.models import User
from brightkitchen.alerts.models import Alert, AlertReceipt
from brightkitchen.alerts.notify import InAppNotifier, deliver
from brightkitchen.alerts.rules import Severity
from brightkitchen.alerts.selectors import inbox_for, recipients, recipients_for, unread_count
from brightkitchen.conftest import World

pytestmark = pytest.mark.django_db

COUNTY_A_OFFICES = {"manager_a", "staff_a", "principal_a", "regulator_a", "edu_a"}


def _alert(world: World, county: str, severity: Severity, subject: str = "s") -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        kind="test",
        canteen=world.canteens[county],
        subject_key=subject,
        severity=severity,
        message=f"{county} {severity}",
        opened_at=now,
        last_seen_at=now,
    )


def _names(users: list[User]) -> set[str]:
    return {u.username for u in users}


def test_a_warning_goes_to_the_canteen_school_and_county(world: World) -> None:
    alert = _alert(world, "a", Severity.WARNING)
    assert _names(recipients(alert)) == COUNTY_A_OFFICES


def test_a_critical_alert_also_goes_to_the_city_and_province(world: World) -> None:
    alert = _alert(world, "a", Severity.CRITICAL)
    assert _names(recipients(alert)) == COUNTY_A_OFFICES | {"city_regulator", "province_regulator"}


def test_county_b_never_receives_county_a_alerts(world: World) -> None:
    alerts = [_alert(world, "a", s, subject=str(s)) for s in Severity]
    b_alert = _alert(world, "b", Severity.WARNING, subject="b")
    audience = recipients_for([a.pk for a in [*alerts, b_alert]])
    for alert in alerts:
        assert not any(u.username.endswith("_b") for u in audience[alert.pk])
        # Nobody outside the jurisdiction, nor operators, suppliers or the public.
        assert not _names(audience[alert.pk]) & {"operator", "supplier_a", "public", "supplier_b"}
    assert _names(audience[b_alert.pk]) == {n.replace("_a", "_b") for n in COUNTY_A_OFFICES}


def test_recipients_agree_with_the_scoping_mechanism_and_the_inbox(world: World) -> None:
    """Every recipient may see the alert through `visible_to`, and each user's inbox lists exactly the
    alerts they receive (operators aside: they browse every alert but are not notified)."""
    alerts = [_alert(world, c, s, subject=f"{c}{s}") for c in ("a", "b") for s in Severity]
    audience = recipients_for([a.pk for a in alerts])
    for key, user in world.users.items():
        visible = set(Alert.objects.visible_to(user).values_list("pk", flat=True))
        inbox = set(inbox_for(user).values_list("pk", flat=True))
        received = {pk for pk, users in audience.items() if user in users}
        assert received <= visible, key
        if key == "operator":
            assert received == set() and inbox == visible
        else:
            assert inbox == received, key


def test_inactive_users_receive_nothing(world: World) -> None:
    User.objects.filter(username="manager_a").update(is_active=False)
    assert "manager_a" not in _names(recipients(_alert(world, "a", Severity.WARNING)))


class _Broken:
    key = "broken"

    def send(self, alert: Alert, recipients: Any) -> None:
        raise ConnectionError("SMS gateway unreachable")


def test_a_failing_channel_does_not_stop_the_inbox(world: World) -> None:
    alert = _alert(world, "a", Severity.WARNING)
    result = deliver([alert.pk], channels=[_Broken(), InAppNotifier()])
    assert result.failed == [f"broken:{alert.pk}"] and result.sent == 1
    assert set(AlertReceipt.objects.filter(alert=alert).values_list("user__username", flat=True)) == (
        COUNTY_A_OFFICES
    )
    # Delivering again creates no second receipt; unread counts follow the receipts' read state.
    deliver([alert.pk], channels=[InAppNotifier()])
    assert AlertReceipt.objects.filter(alert=alert).count() == len(COUNTY_A_OFFICES)
    assert unread_count(world.users["manager_a"]) == 1
    assert unread_count(world.users["manager_b"]) == 0


def test_recipients_take_the_same_queries_for_one_alert_as_for_many(world: World) -> None:
    one = [_alert(world, "a", Severity.WARNING, subject="one").pk]
    many = [
        _alert(world, c, s, subject=f"m{c}{s}{i}").pk for c in ("a", "b") for s in Severity for i in range(5)
    ]
    with CaptureQueriesContext(connection) as first:
        assert recipients_for(one)[one[0]]
    with CaptureQueriesContext(connection) as second:
        audience = recipients_for(many)
    assert all(audience[pk] for pk in many)
    assert len(second) == len(first)
