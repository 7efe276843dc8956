"""The sweep: opens alerts for new findings, keeps them while the cause lasts, closes them when it is
fixed; idempotent; one broken rule never stops the others."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from brightkitchen.alerts.models import Alert, AlertReceipt, ClosedReason
from brightkitchen.alerts.rules import Finding, RuleFn, Severity
from brightkitchen.alerts.services import dismiss, sweep
from brightkitchen.alerts.tasks import sweep_alerts
from brightkitchen.audit.models import AuditAction, AuditLogEntry
from brightkitchen.conftest import World
from brightkitchen.schools import alert_rules
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.services import update_canteen

pytestmark = pytest.mark.django_db

LICENCE_RULES: dict[str, RuleFn] = {
    alert_rules.LICENCE_EXPIRING: alert_rules.licence_expiring,
    alert_rules.LICENCE_EXPIRED: alert_rules.licence_expired,
    alert_rules.LICENCE_MISSING: alert_rules.licence_missing,
}


def _today() -> datetime.date:
    return timezone.localdate()


def _open(kind: str | None = None) -> dict[tuple[str, int, str], Alert]:
    qs = Alert.objects.filter(closed_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return {(a.kind, a.canteen_id, a.subject_key): a for a in qs}


def _set_licence(world: World, county: str, expires_on: datetime.date | None) -> Canteen:
    canteen = Canteen.objects.get(pk=world.canteens[county].pk)
    if expires_on is not None and canteen.licence_issued_on and expires_on <= canteen.licence_issued_on:
        canteen.licence_issued_on = None
        canteen.save()
    return update_canteen(world.users["operator"], canteen, {"licence_expires_on": expires_on})


def test_sweep_opens_keeps_and_closes_itself_when_the_cause_is_fixed(world: World) -> None:
    a, b = world.canteens["a"], world.canteens["b"]
    today, now = _today(), timezone.now()
    first = sweep(today, now, LICENCE_RULES)
    assert first.opened == 2 and first.closed == 0 and not first.failed_rules
    opened = _open("licence_expiring")
    assert {(k[1]) for k in opened} == {a.pk, b.pk}
    alert_a = next(x for x in opened.values() if x.canteen_id == a.pk)
    assert alert_a.severity == Severity.WARNING
    assert a.name in alert_a.message and str(alert_a.canteen.licence_expires_on) in alert_a.message
    assert alert_a.link == f"/schools/{world.schools['a'].pk}/#section-canteens"

    # The next day the cause is still there: kept, not doubled.
    later = now + datetime.timedelta(days=1)
    kept = sweep(today + datetime.timedelta(days=1), later, LICENCE_RULES)
    assert (kept.opened, kept.kept, kept.closed) == (0, 2, 0)
    alert_a.refresh_from_db()
    assert alert_a.last_seen_at == later and alert_a.opened_at == now

    # A renews its licence: its alert closes itself; B's licence expires: expiring closes, expired opens.
    _set_licence(world, "a", today + datetime.timedelta(days=5 * 365))
    _set_licence(world, "b", today - datetime.timedelta(days=1))
    fixed = sweep(today, later + datetime.timedelta(minutes=1), LICENCE_RULES)
    assert fixed.closed == 2 and fixed.opened == 1
    alert_a.refresh_from_db()
    assert alert_a.closed_reason == ClosedReason.RESOLVED and alert_a.resolved_at == alert_a.closed_at
    expired = _open("licence_expired")
    assert [x.canteen_id for x in expired.values()] == [b.pk]
    assert next(iter(expired.values())).severity == Severity.CRITICAL

    # A loses its licence altogether: "missing".
    _set_licence(world, "a", None)
    sweep(today, later + datetime.timedelta(minutes=2), LICENCE_RULES)
    assert [(k[1], k[2]) for k in _open("licence_missing")] == [(a.pk, "licence")]


def test_a_second_sweep_the_same_day_changes_nothing(world: World) -> None:
    today, now = _today(), timezone.now()
    sweep(today, now, LICENCE_RULES)
    entries = AuditLogEntry.objects.count()
    state = sorted(
        Alert.objects.values_list("pk", "kind", "canteen_id", "subject_key", "message", "closed_at")
    )
    again = sweep(today, now + datetime.timedelta(hours=1), LICENCE_RULES)
    assert (again.opened, again.closed, again.cleared, again.kept) == (0, 0, 0, 2)
    assert again.new_alert_ids == []
    assert sorted(
        Alert.objects.values_list("pk", "kind", "canteen_id", "subject_key", "message", "closed_at")
    ) == (state)
    assert AuditLogEntry.objects.count() == entries  # nothing opened or closed: nothing to log


def test_the_sweep_writes_one_summary_audit_entry(world: World) -> None:
    before = AuditLogEntry.objects.count()
    sweep(_today(), timezone.now(), LICENCE_RULES)
    entries = list(AuditLogEntry.objects.order_by("-id")[: AuditLogEntry.objects.count() - before])
    assert len(entries) == 1
    entry = entries[0]
    assert entry.action == AuditAction.IMPORT and entry.after is not None
    assert entry.after["opened"] == 2 and entry.object_repr.startswith("alert sweep")


def _rule(findings: Callable[[], list[Finding]]) -> RuleFn:
    def rule(today: datetime.date) -> list[Finding]:
        return findings()

    return rule


def test_messages_are_stored_in_the_default_language(world: World) -> None:
    seen: list[str | None] = []

    def rule(today: datetime.date) -> list[Finding]:
        seen.append(translation.get_language())
        return []

    with translation.override("en"):
        sweep(_today(), timezone.now(), {"lang": rule})
    assert seen == [settings.LANGUAGE_CODE] == ["zh-hans"]


def test_a_rule_that_raises_does_not_stop_the_others(world: World) -> None:
    a = world.canteens["a"]
    flaky_findings = [Finding(a.pk, "x:1", Severity.INFO, "flaky finding")]

    def broken(today: datetime.date) -> list[Finding]:
        raise RuntimeError("the records app is on fire")

    def broken_midway(today: datetime.date) -> Iterator[Finding]:
        yield Finding(a.pk, "y:1", Severity.INFO, "half")
        raise ValueError("died while iterating")

    sweep(_today(), timezone.now(), {"flaky": _rule(lambda: flaky_findings)})
    assert set(_open("flaky")) == {("flaky", a.pk, "x:1")}

    rules: dict[str, RuleFn] = {
        "aa_broken": broken,
        "flaky": broken,  # fails today: its open alert is left as it was, not closed
        "midway": broken_midway,
        **LICENCE_RULES,
    }
    result = sweep(_today(), timezone.now(), rules)
    assert sorted(result.failed_rules) == ["aa_broken", "flaky", "midway"]
    assert result.opened == 2  # the licence rules still ran
    assert set(_open("flaky")) == {("flaky", a.pk, "x:1")}
    assert not Alert.objects.filter(kind="midway").exists()  # the half-done rule left nothing behind
    entry = AuditLogEntry.objects.filter(action=AuditAction.IMPORT).order_by("-id").first()
    assert entry is not None and entry.after is not None
    assert sorted(entry.after["failed_rules"]) == ["aa_broken", "flaky", "midway"]


def test_malformed_findings_are_left_out_not_fatal(world: World) -> None:
    a = world.canteens["a"]
    bad: list[Any] = [
        Finding(999_999_999, "ghost", Severity.WARNING, "no such canteen"),
        Finding(a.pk, "", Severity.WARNING, "no subject"),
        Finding(a.pk, "x" * 500, Severity.WARNING, "subject too long"),
        Finding(a.pk, "sev", "purple", "unknown severity"),  # type: ignore[arg-type]
        "not a finding",
        Finding(a.pk, "good", Severity.WARNING, "fine"),
        Finding(a.pk, "good", Severity.WARNING, "fine, found twice"),
    ]
    result = sweep(_today(), timezone.now(), {"messy": _rule(lambda: bad)})
    assert not result.failed_rules
    assert result.by_kind["messy"].skipped == 5 and result.opened == 1
    assert _open("messy")[("messy", a.pk, "good")].message == "fine, found twice"


def test_one_open_alert_per_cause_is_enforced_by_the_database(world: World) -> None:
    a = world.canteens["a"]
    now = timezone.now()

    def new() -> Alert:
        return Alert(
            kind="k",
            canteen=a,
            subject_key="s",
            severity="warning",
            message="m",
            opened_at=now,
            last_seen_at=now,
        )

    Alert.objects.bulk_create([new()])
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.bulk_create([new()])
    # Once the first is closed and its cause resolved, the same cause may alert again.
    Alert.objects.filter(kind="k").update(closed_at=now, closed_reason="resolved", resolved_at=now)
    Alert.objects.bulk_create([new()])
    assert Alert.objects.filter(kind="k").count() == 2
    # Two sweeps racing over the same cause: the loser's insert is ignored, not doubled.
    findings = [Finding(a.pk, "race", Severity.WARNING, "m")]
    assert sweep(_today(), now, {"race": _rule(lambda: findings)}).opened == 1
    Alert.objects.bulk_create(
        [
            Alert(
                kind="race",
                canteen=a,
                subject_key="race",
                severity="warning",
                message="m",
                opened_at=now,
                last_seen_at=now,
            )
        ],
        ignore_conflicts=True,
    )
    assert Alert.objects.filter(kind="race").count() == 1


def test_a_dismissed_alert_stays_dismissed_while_its_cause_lasts(world: World) -> None:
    a = world.canteens["a"]
    present = [Finding(a.pk, "cert:7", Severity.WARNING, "certificate expiring")]
    found: list[Finding] = list(present)
    rules = {"cert": _rule(lambda: found)}
    sweep(_today(), timezone.now(), rules)
    alert = _open("cert")[("cert", a.pk, "cert:7")]
    dismiss(world.users["regulator_a"], alert, "已提交换证申请")
    again = sweep(_today(), timezone.now(), rules)
    assert again.opened == 0 and not _open("cert")
    # The cause goes away, then comes back: a new alert.
    found.clear()
    assert sweep(_today(), timezone.now(), rules).cleared == 1
    found.extend(present)
    assert sweep(_today(), timezone.now(), rules).opened == 1
    assert Alert.objects.filter(kind="cert").count() == 2


def test_new_alerts_are_delivered_after_commit(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = sweep(_today(), timezone.now(), LICENCE_RULES)
    assert result.opened == 2 and callbacks
    assert not AlertReceipt.objects.exists()  # nothing delivered before the commit
    for callback in callbacks:
        callback()
    alert_a = Alert.objects.get(canteen=world.canteens["a"], kind="licence_expiring")
    got = set(AlertReceipt.objects.filter(alert=alert_a).values_list("user__username", flat=True))
    assert got == {"manager_a", "staff_a", "principal_a", "regulator_a", "edu_a"}
    assert AlertReceipt.objects.filter(read_at__isnull=False).count() == 0


def test_the_task_sweeps_with_the_registered_rules(world: World) -> None:
    assert sweep_alerts.name == "brightkitchen.alerts.tasks.sweep_alerts"
    result = sweep_alerts()
    assert result["by_kind"]["licence_expiring"]["opened"] == 2
    assert sweep_alerts()["opened"] == 0  # a retry opens nothing twice
    entry = AuditLogEntry.objects.filter(action=AuditAction.IMPORT).order_by("-id").first()
    assert entry is not None and entry.actor_username == "alert-sweep" and entry.source == "task"


def test_a_platform_sentence_reads_in_each_readers_language(world: World) -> None:
    """Stored once (in zh-hans, for search and exports, and as its source with parameters); the inbox
    and the API give each reader their own language, the translated words inside it included."""
    from brightkitchen.core.texts import Text
    from brightkitchen.schedule.models import Meal

    canteen = world.canteens["a"]

    def rule(today: datetime.date) -> list[Finding]:
        sentence = Text(
            "No sample was retained for %(meal)s on %(date)s.", {"meal": Meal.LUNCH.label, "date": "12-01"}
        )
        return [Finding(canteen.pk, "sample:1", Severity.WARNING, sentence)]

    sweep(_today(), timezone.now(), {"sample_missing_test": rule})
    alert = Alert.objects.get(kind="sample_missing_test")
    assert alert.message_args == {"meal": {"msgid": "Lunch"}, "date": "12-01"}
    with translation.override("zh-hans"):
        chinese = alert.text
    with translation.override("en"):
        english = alert.text
    assert english == "No sample was retained for Lunch on 12-01."
    assert chinese == alert.message and "午餐" in chinese and "Lunch" not in chinese

    client = world.client("manager_a")
    page_en = client.get("/alerts/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert english in page_en and chinese not in page_en
    page_zh = client.get("/alerts/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert chinese in page_zh
    api = client.get("/api/v1/alerts", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english in [row["message"] for row in api["items"]]
