"""The contract between the alert sweep and the apps that know what is wrong.

An app registers rules from its AppConfig.ready():

    register_rule("health_certificate_expired", certificate_expired_findings)

A rule is a function of the day that returns every `Finding` true on that day, for all canteens (it
must be a few set-based queries, not a per-canteen loop). The sweep (alerts.tasks) opens an alert for
each new finding and closes the open alerts of that kind whose finding has gone: an alert closes
itself when its cause is fixed.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise


class Severity(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True)
class Finding:
    """One cause that should have an open alert."""

    canteen_id: int
    # Identifies the cause within its kind, stable from day to day ("certificate:55",
    # "morning_check:2026-11-22"): the same key on the next sweep keeps the same alert open.
    subject_key: str
    severity: Severity
    message: str | Promise
    link: str = ""  # path of the page that shows the cause


RuleFn = Callable[[datetime.date], Iterable[Finding]]

_RULES: dict[str, RuleFn] = {}


def register_rule(kind: str, rule: RuleFn) -> None:
    _RULES[kind] = rule


def registered_rules() -> dict[str, RuleFn]:
    return dict(_RULES)
