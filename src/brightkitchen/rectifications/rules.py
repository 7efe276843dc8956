"""The alert rules of rectification notices. Each finding closes itself when its cause is gone:

- "rectification_open": a notice awaits the canteen's response (issued or returned);
- "rectification_due_soon": the reminder, from 2 working days before the deadline until it passes;
- "rectification_review": a response awaits the issuing bureau's review (critical when the issuer is a
  city or province bureau, whose inbox lists critical alerts only);
- "rectification_escalated": an escalated notice not yet closed (critical: the city and province offices
  see it).

The rectification services queue these rules for the notice's canteen on every change
(alerts.tasks.sweep_canteens)."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import Any

from django.db.models.functions import Length
from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop

from brightkitchen.alerts.rules import CanteenRuleFn, Finding, Severity, register_canteen_rule
from brightkitchen.alerts.selectors import COUNTY_CODE_LENGTH
from brightkitchen.core.texts import Text
from brightkitchen.rectifications.models import AWAITING_RESPONSE, NoticeState, RectificationNotice

KIND_OPEN = "rectification_open"
KIND_DUE_SOON = "rectification_due_soon"
KIND_REVIEW = "rectification_review"
KIND_ESCALATED = "rectification_escalated"

_OPEN = gettext_noop("Rectification notice: %(problem)s Respond by %(deadline)s.")
_DUE_SOON = gettext_noop("The rectification deadline %(deadline)s is near: %(problem)s")
_REVIEW = gettext_noop("A rectification response awaits review: %(problem)s")
_ESCALATED = gettext_noop("Escalated rectification, deadline %(deadline)s passed: %(problem)s")


def _findings(
    rows: Any, template: str, severity: Severity | None = None, subject: str = "rectification"
) -> list[Finding]:
    found = []
    for row in rows.order_by("pk").values("pk", "canteen_id", "problem", "deadline", "issuer_len"):
        level = severity
        if level is None:  # a review concerns the issuer: city and province bureaus see critical ones
            level = Severity.WARNING if row["issuer_len"] >= COUNTY_CODE_LENGTH else Severity.CRITICAL
        params = {"problem": row["problem"][:60], "deadline": row["deadline"].isoformat()}
        found.append(
            Finding(
                row["canteen_id"],
                f"{subject}:{row['pk']}",
                level,
                Text(template, params),
                reverse("rectifications:detail", args=[row["pk"]]),
            )
        )
    return found


def _notices(canteen_ids: Collection[int] | None) -> Any:
    notices = RectificationNotice.objects.annotate(issuer_len=Length("issued_by_org__region_id"))
    return notices if canteen_ids is None else notices.filter(canteen_id__in=sorted(canteen_ids))


def open_findings(day: datetime.date, canteen_ids: Collection[int] | None = None) -> list[Finding]:
    return _findings(_notices(canteen_ids).filter(state__in=AWAITING_RESPONSE), _OPEN, Severity.WARNING)


def due_soon_findings(day: datetime.date, canteen_ids: Collection[int] | None = None) -> list[Finding]:
    rows = _notices(canteen_ids).filter(state__in=AWAITING_RESPONSE, remind_on__lte=day, deadline__gte=day)
    return _findings(rows, _DUE_SOON, Severity.WARNING)


def review_findings(day: datetime.date, canteen_ids: Collection[int] | None = None) -> list[Finding]:
    return _findings(_notices(canteen_ids).filter(state=NoticeState.RESPONDED), _REVIEW)


def escalated_findings(day: datetime.date, canteen_ids: Collection[int] | None = None) -> list[Finding]:
    rows = _notices(canteen_ids).filter(escalated_at__isnull=False).exclude(state=NoticeState.CLOSED)
    return _findings(rows, _ESCALATED, Severity.CRITICAL)


RULES: dict[str, CanteenRuleFn] = {
    KIND_OPEN: open_findings,
    KIND_DUE_SOON: due_soon_findings,
    KIND_REVIEW: review_findings,
    KIND_ESCALATED: escalated_findings,
}

LABELS = {
    KIND_OPEN: gettext_lazy("Rectification notice to answer"),
    KIND_DUE_SOON: gettext_lazy("Rectification deadline near"),
    KIND_REVIEW: gettext_lazy("Rectification answer to review"),
    KIND_ESCALATED: gettext_lazy("Rectification escalated"),
}


def register() -> None:
    for kind, rule in RULES.items():
        register_canteen_rule(kind, rule, urgent=kind == KIND_ESCALATED, label=LABELS[kind])
