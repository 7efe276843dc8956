"""The alert rules of camera health, each finding closing itself when its cause is gone:

- "camera_offline": a camera has been offline for `OFFLINE_ALERT_AFTER` (a probe that misses once is
  not yet an alert); critical, so the city and province offices see it too;
- "camera_picture": a camera's picture fails a quality check (blur, too dark, frozen, …)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from brightkitchen.alerts.rules import Finding, RuleFn, Severity, register_rule
from brightkitchen.cameras.models import CameraHealthEvent, HealthEventKind
from brightkitchen.core.texts import Text

KIND_OFFLINE = "camera_offline"
KIND_PICTURE = "camera_picture"
OFFLINE_ALERT_AFTER = datetime.timedelta(minutes=30)

_OFFLINE = gettext_noop("Camera %(camera)s has been offline since %(since)s.")
_PICTURE = gettext_noop("Camera %(camera)s: %(problem)s (measured %(value)s).")


def _open_events() -> Any:
    return CameraHealthEvent.objects.filter(ended_at__isnull=True, camera__enabled=True).select_related(
        "camera"
    )


def offline_findings(day: datetime.date) -> list[Finding]:
    since = timezone.now() - OFFLINE_ALERT_AFTER
    rows = _open_events().filter(kind=HealthEventKind.OFFLINE, started_at__lte=since).order_by("pk")
    return [
        Finding(
            e.camera.canteen_id,
            f"camera:{e.camera_id}",
            Severity.CRITICAL,
            Text(
                _OFFLINE,
                {"camera": e.camera.name, "since": timezone.localtime(e.started_at).strftime("%m-%d %H:%M")},
            ),
            reverse("cameras:detail", args=[e.camera_id]),
        )
        for e in rows
    ]


def picture_findings(day: datetime.date) -> list[Finding]:
    labels = dict(HealthEventKind.choices)
    rows = _open_events().exclude(kind=HealthEventKind.OFFLINE).order_by("pk")
    return [
        Finding(
            e.camera.canteen_id,
            f"camera:{e.camera_id}:{e.kind}",
            Severity.WARNING,
            Text(
                _PICTURE,
                {
                    "camera": e.camera.name,
                    "problem": labels.get(e.kind, e.kind),  # translated when rendered
                    "value": "—" if e.value is None else f"{e.value:.3g}",
                },
            ),
            reverse("cameras:detail", args=[e.camera_id]),
        )
        for e in rows
    ]


RULES: dict[str, RuleFn] = {KIND_OFFLINE: offline_findings, KIND_PICTURE: picture_findings}
LABELS = {KIND_OFFLINE: gettext_lazy("Camera offline"), KIND_PICTURE: gettext_lazy("Camera picture fault")}


def register() -> None:
    for kind, rule in RULES.items():
        register_rule(kind, rule, label=LABELS[kind])
