"""Scoped reads of alerts: a user's inbox, unread counts, a canteen's open alerts, and who an alert
concerns (its recipients).

Who sees an alert is the scoping mechanism's answer (`Alert.objects.visible_to`, `scope_of`); on top
of it, which alerts *concern* a role: everything of their canteen for canteen users, of their school for
principals, of their county for county regulators and education bureaus; a city or province office is
concerned by critical alerts only (its inbox lists those; the county offices handle the rest). Operators
see every alert in the inbox but are never notified.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, TextChoices, Value, When
from django.utils.translation import gettext_lazy as _

from brightkitchen.accounts.models import User
from brightkitchen.alerts.models import ALERT_VIEW_ROLES, Alert, AlertAnswer, AlertReceipt, SeverityChoice
from brightkitchen.alerts.rules import Severity
from brightkitchen.core.days import day_edges
from brightkitchen.core.roles import CANTEEN_ROLES, REGION_ROLES, Role
from brightkitchen.core.scoping import Action, AnyUser, Scope, ScopedQuerySet, scope_of

# Region codes are hierarchical: 2 digits a province, 4 a city, 6 a county (core.scoping).
COUNTY_CODE_LENGTH = 6


class State:
    OPEN = "open"
    CLOSED = "closed"
    ALL = "all"


def only_critical(scope: Scope) -> bool:
    """A city or province regulator or education bureau: concerned only by critical alerts."""
    return scope.role in REGION_ROLES and len(scope.region_prefix or "") < COUNTY_CODE_LENGTH


def concerns(scope: Scope, severity: str) -> bool:
    """Whether an alert of this severity, inside the scope's jurisdiction, is for this user to act on
    (and so to be notified of). Operators run the platform and are not notified."""
    if scope.role not in ALERT_VIEW_ROLES:
        return False
    return severity == Severity.CRITICAL or not only_critical(scope)


def _concern_q(scope: Scope) -> Q:
    return Q(severity=Severity.CRITICAL) if only_critical(scope) else Q()


# An alert open longer than this many days counts as long open (长期未处理) on the dashboards.
ALERT_OVERDUE_DAYS = 3


class Measure(TextChoices):
    """What the dashboards count of the alerts at the end of a period; the inbox filtered by a measure
    lists exactly what the figure counts (both use `measure_q`), whichever role it concerns."""

    OPEN = "open", _("Open at the end of the period")
    # Of those, opened more than ALERT_OVERDUE_DAYS days before it.
    STALE = "stale", _("Open at the end of the period for over 3 days")


def measure_q(measure: Measure, end: datetime.date) -> Q:
    after = day_edges(end, end)[1]
    open_at_end = Q(opened_at__lt=after) & (Q(closed_at__isnull=True) | Q(closed_at__gte=after))
    if measure is Measure.OPEN:
        return open_at_end
    stale_edge = day_edges(end - datetime.timedelta(days=ALERT_OVERDUE_DAYS), end)[0]
    return open_at_end & Q(opened_at__lt=stale_edge)


@dataclass(frozen=True)
class AlertFilters:
    state: str = State.OPEN
    kind: str = ""
    severity: str = ""
    canteen: int | None = None
    unread: bool | None = None
    region: str = ""  # a region code prefix of the canteens' schools
    # A dashboard figure's alerts: `measure` at the end of the day `end`, of every concern (the figure
    # counts the whole jurisdiction's alerts, not only those the user's role handles).
    measure: Measure | None = None
    end: datetime.date | None = None


def inbox_for(user: AnyUser, filters: AlertFilters | None = None) -> ScopedQuerySet[Alert]:
    """The user's inbox: alerts of their jurisdiction that concern their role, most severe first (an
    incident report must not sink below a page of missing certificates), then newest first; each
    annotated with `read_at` (null: unread) for this user."""
    f = filters or AlertFilters()
    qs = with_read_at(user)
    if f.measure is not None and f.end is not None:
        qs = qs.filter(measure_q(f.measure, f.end))
    else:
        qs = qs.filter(_concern_q(scope_of(user)))
        if f.state == State.OPEN:
            qs = qs.filter(closed_at__isnull=True)
        elif f.state == State.CLOSED:
            qs = qs.filter(closed_at__isnull=False)
    if f.region:
        qs = qs.filter(canteen__school__organisation__region__code__startswith=f.region)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.canteen is not None:
        qs = qs.filter(canteen_id=f.canteen)
    if f.unread is not None:
        read = Exists(
            AlertReceipt.objects.filter(alert=OuterRef("pk"), user_id=user_pk(user), read_at__isnull=False)
        )
        qs = qs.filter(~read if f.unread else read)
    return qs.order_by(_SEVERITY_RANK, "-opened_at", "-id")


_SEVERITY_RANK = Case(
    When(severity=SeverityChoice.CRITICAL, then=Value(0)),
    When(severity=SeverityChoice.WARNING, then=Value(1)),
    default=Value(2),
)


def with_read_at(user: AnyUser) -> ScopedQuerySet[Alert]:
    """The alerts the user may see, with what a page shows of them, and `read_at`: when this user read it."""
    receipts = AlertReceipt.objects.filter(alert=OuterRef("pk"), user_id=user_pk(user))
    answers = AlertAnswer.objects.visible_to(user).select_related("answered_by")
    qs = (
        Alert.objects.visible_to(user)
        .select_related("canteen", "canteen__school", "canteen__school__organisation", "closed_by")
        .annotate(read_at=Subquery(receipts.values("read_at")[:1]))
        .prefetch_related(Prefetch("answers", queryset=answers))
    )
    return cast(ScopedQuerySet[Alert], qs)


def user_pk(user: AnyUser) -> int:
    """The user's primary key (0 for anonymous users, which match no receipt)."""
    return int(getattr(user, "pk", None) or 0)


def unread_count(user: AnyUser) -> int:
    """Open alerts in the user's inbox that they have not read: the number beside the inbox link."""
    return inbox_for(user, AlertFilters(state=State.OPEN, unread=True)).count()


def open_count(user: AnyUser) -> int:
    return inbox_for(user, AlertFilters(state=State.OPEN)).count()


def dismissable_ids(user: AnyUser, alert_ids: Sequence[int]) -> set[int]:
    """Which of these alerts the user may dismiss now (the rule itself is alerts.services.dismiss)."""
    qs = Alert.objects.visible_to(user, Action.CHANGE).filter(pk__in=list(alert_ids), closed_at__isnull=True)
    return set(qs.values_list("pk", flat=True))


def answerable_ids(user: AnyUser, alert_ids: Sequence[int]) -> set[int]:
    """Which of these alerts the user may answer now (the audited party: alerts.services.answer)."""
    if not AlertAnswer.scope_rule.allows(scope_of(user).role, Action.CHANGE):
        return set()
    qs = Alert.objects.visible_to(user).filter(pk__in=list(alert_ids), closed_at__isnull=True)
    return set(qs.values_list("pk", flat=True))


def open_alerts_of_canteens(user: AnyUser, canteen_ids: Iterable[int]) -> QuerySet[Alert]:
    """Open alerts of these canteens that the user may see (the school file's section)."""
    return (
        Alert.objects.visible_to(user)
        .filter(canteen_id__in=list(canteen_ids), closed_at__isnull=True)
        .select_related("canteen")
        .order_by("canteen_id", "-opened_at", "-id")
    )


# --- Recipients ------------------------------------------------------------------------------------------

# Region codes run 2, 4, 6, 9, 12 digits from province to village: a canteen's region and up to four
# regions above it can hold the offices whose jurisdiction reaches it.
REGION_DEPTHS = 5
_REGION = "canteen__school__organisation__region"


def recipients_for(alert_ids: Sequence[int]) -> dict[int, list[User]]:
    """Who each alert goes to: active users whose jurisdiction covers its canteen and whose role it
    concerns (the canteen's manager and staff, the school's principal, the county's regulator and
    education bureau; city and province offices for critical alerts only).

    The inverse of the scoping mechanism, in SQL: a user's scope anchor is their canteen, their school
    (a principal's organisation) or their office's region (`scope_of`), so the database pairs each alert
    with the accounts of its canteen, of its school's organisation, and of the organisations of its
    region and each region above it — one query per anchor level, whatever the number of alerts or
    users; nothing is decided row by row in Python. `test_recipients` holds it equal to `visible_to`
    and the inbox for every user."""
    alerts = Alert.objects.filter(pk__in=alert_ids)
    viewers = ALERT_VIEW_ROLES
    pairs: set[tuple[int, int]] = set()

    def pair(path: str, roles: Iterable[Role], condition: Q | None = None) -> None:
        # One filter() call, so every condition is on the same joined account.
        accounts = Q(**{f"{path}__role__in": list(roles), f"{path}__is_active": True})
        accounts &= Q(**{f"{path}__is_superuser": False})
        pairs.update(alerts.filter(accounts & (condition or Q())).values_list("pk", path))

    pair("canteen__staff_accounts", CANTEEN_ROLES & viewers)
    pair("canteen__school__organisation__members", {Role.PRINCIPAL} & viewers)
    for depth in range(REGION_DEPTHS):
        region = _REGION + "__parent" * depth
        # A city or province office (a code shorter than a county's) is concerned by critical alerts only.
        county_or_below = Q(**{f"{region}__code__regex": rf"^.{{{COUNTY_CODE_LENGTH},}}$"})
        concerned = county_or_below | Q(severity=Severity.CRITICAL)
        pair(f"{region}__organisations__members", REGION_ROLES & viewers, concerned)
    users = User.objects.in_bulk({user_id for _, user_id in pairs})
    result: dict[int, list[User]] = {pk: [] for pk in alerts.values_list("pk", flat=True)}
    for alert_id, user_id in sorted(pairs, key=lambda p: (p[0], p[1])):
        result[alert_id].append(users[user_id])
    return result


def recipients(alert: Alert) -> list[User]:
    return recipients_for([alert.pk]).get(alert.pk, [])
