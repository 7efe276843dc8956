"""The contract between the alert sweep and the apps that know what is wrong.

An app registers rules from its AppConfig.ready():

    register_rule("health_certificate_expired", certificate_expired_findings)

A rule is a function of the day that returns every `Finding` true on that day, for all canteens (it
must be a few set-based queries, not a per-canteen loop). The sweep (alerts.tasks) opens an alert for
each new finding and closes the open alerts of that kind whose finding has gone: an alert closes
itself when its cause is fixed.

A rule registered with `register_canteen_rule` takes the canteens to look at as a second argument
(`rule(day, canteen_ids)`; None: every canteen). After a change, the app queues
`alerts.tasks.sweep_canteens(kinds, canteen_ids)`, which runs its rules for the changed canteens only:
the cost follows the change, not the size of the platform. (A rule without it is run whole and its
findings cut to those canteens.)
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from brightkitchen.core.texts import Text


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
    # A platform sentence: `core.texts.Text`, rendered in each reader's language.
    message: str | Promise | Text
    link: str = ""  # path of the page that shows the cause


RuleFn = Callable[[datetime.date], Iterable[Finding]]
# A rule that can look at some canteens only: rule(day, canteen ids or None for all).
CanteenRuleFn = Callable[[datetime.date, Collection[int] | None], Iterable[Finding]]

_RULES: dict[str, RuleFn] = {}
_CANTEEN_RULES: dict[str, CanteenRuleFn] = {}
# Kinds whose alerts reach people at once whatever they chose (quiet hours), besides critical ones.
_URGENT_KINDS: set[str] = set()
# What each kind is called where people choose how to be told about it (the notification settings).
_LABELS: dict[str, str | Promise] = {}


def register_rule(kind: str, rule: RuleFn, *, urgent: bool = False, label: str | Promise = "") -> None:
    _RULES[kind] = rule
    _CANTEEN_RULES.pop(kind, None)
    _describe(kind, urgent, label)


def register_canteen_rule(
    kind: str, rule: CanteenRuleFn, *, urgent: bool = False, label: str | Promise = ""
) -> None:
    """A rule that can look at some canteens only (see the module's docstring). `urgent`: its alerts
    ignore the recipients' quiet hours (an incident's 2-hour clock, an escalated notice)."""
    _RULES[kind] = lambda day: rule(day, None)
    _CANTEEN_RULES[kind] = rule
    _describe(kind, urgent, label)


def _describe(kind: str, urgent: bool, label: str | Promise) -> None:
    if urgent:
        _URGENT_KINDS.add(kind)
    else:
        _URGENT_KINDS.discard(kind)
    if label:
        _LABELS[kind] = label


def is_urgent_kind(kind: str) -> bool:
    return kind in _URGENT_KINDS


def kind_label(kind: str) -> str:
    """The kind's name in the active language (its key when it was registered without one)."""
    return str(_LABELS.get(kind, kind))


def findings_of(
    kind: str, rule: RuleFn, day: datetime.date, canteen_ids: Collection[int] | None
) -> Iterable[Finding]:
    """What the rule of a kind finds on a day: for the canteens given only, when it is the registered
    rule and can look at some canteens (otherwise it runs whole; the sweep cuts its findings)."""
    canteen_rule = _CANTEEN_RULES.get(kind)
    if canteen_ids is not None and canteen_rule is not None and rule is _RULES.get(kind):
        return canteen_rule(day, canteen_ids)
    return rule(day)


def registered_rules() -> dict[str, RuleFn]:
    return dict(_RULES)
