"""Scoped reads of checklists of some purposes: every app reads only its own purposes' rows (an
inspection page never reaches a self-check checklist, nor the other way round)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from brightkitchen.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from brightkitchen.core.scoping import Action, AnyUser


def _values(purposes: Iterable[str]) -> list[str]:
    return sorted(str(p) for p in purposes)


def templates(
    user: AnyUser | None, purposes: Iterable[str], action: Action = Action.VIEW
) -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.visible_to(user, action).filter(purpose__in=_values(purposes))


def versions(
    user: AnyUser | None, purposes: Iterable[str], action: Action = Action.VIEW
) -> QuerySet[ChecklistVersion]:
    return ChecklistVersion.objects.visible_to(user, action).filter(template__purpose__in=_values(purposes))


def items(
    user: AnyUser | None, purposes: Iterable[str], action: Action = Action.VIEW
) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.visible_to(user, action).filter(
        version__template__purpose__in=_values(purposes)
    )
