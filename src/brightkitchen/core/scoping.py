"""Jurisdiction scoping: the one place that decides what a user may see and change.

Every query that returns domain data goes through `Model.objects.visible_to(user, action)` (or the
helpers below, which call it). A model takes part by using `ScopedManager` and declaring a
`scope_rule`: the lookup paths from the model to a region code, a school, a canteen and a supplier,
and which roles may view or change it. The user's side is `scope_of(user)`: a region prefix for
regulators and education bureaus, a school for principals, a canteen for canteen users, a supplier
organisation for suppliers, everything for operators, nothing for the public and anonymous users.

Region codes are hierarchical (44 → 4401 → 440103), so "inside my jurisdiction" is a prefix match.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from brightkitchen.accounts.roles import CANTEEN_ROLES, REGION_ROLES, STAFF_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser
else:
    AnyUser = Any


class Action(enum.StrEnum):
    VIEW = "view"
    CHANGE = "change"


@dataclass(frozen=True)
class Scope:
    """What one user's jurisdiction is. Exactly one anchor is set, or `everything`, or none (nothing)."""

    role: Role | None = None
    everything: bool = False
    region_prefix: str | None = None
    school_id: int | None = None
    canteen_id: int | None = None
    supplier_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.everything
            or self.region_prefix
            or self.school_id is not None
            or self.canteen_id is not None
            or self.supplier_id is not None
        )


NOTHING = Scope()


def scope_of(user: AnyUser | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached: Scope | None = getattr(user, "_bk_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    setattr(user, "_bk_scope", scope)  # noqa: B010 (a per-request cache on the user object)
    return scope


def _compute_scope(user: Any) -> Scope:
    role = Role(user.role) if user.role else None
    if user.is_superuser or role == Role.OPERATOR:
        return Scope(role=Role.OPERATOR, everything=True)
    if role in REGION_ROLES and user.organisation_id is not None:
        return Scope(role=role, region_prefix=user.organisation.region_id)
    if role == Role.PRINCIPAL and user.organisation_id is not None:
        # A school's primary key is its organisation's primary key.
        return Scope(role=role, school_id=user.organisation_id)
    if role in CANTEEN_ROLES and user.canteen_id is not None:
        return Scope(role=role, canteen_id=user.canteen_id)
    if role == Role.SUPPLIER and user.organisation_id is not None:
        return Scope(role=role, supplier_id=user.organisation_id)
    return Scope(role=role)


@dataclass(frozen=True)
class ScopeRule:
    """How a model reaches each kind of jurisdiction anchor, and who may act on it.

    A path left as None means holders of that kind of anchor never see the model's rows.
    """

    region: str | None = None
    school: str | None = None
    canteen: str | None = None
    supplier: str | None = None
    view_roles: frozenset[Role] = STAFF_ROLES
    change_roles: frozenset[Role] = frozenset({Role.OPERATOR})

    def allows(self, role: Role | None, action: Action) -> bool:
        if role is None:
            return False
        roles = self.view_roles if action == Action.VIEW else self.change_roles
        return role in roles or role == Role.OPERATOR

    def filter_for(self, scope: Scope) -> models.Q | None:
        """The row filter for a scope, or None when the scope reaches no rows of this model."""
        if scope.everything:
            return models.Q()
        if scope.region_prefix and self.region:
            return models.Q(**{f"{self.region}__startswith": scope.region_prefix})
        if scope.school_id is not None and self.school:
            return models.Q(**{self.school: scope.school_id})
        if scope.canteen_id is not None and self.canteen:
            return models.Q(**{self.canteen: scope.canteen_id})
        if scope.supplier_id is not None and self.supplier:
            return models.Q(**{self.supplier: scope.supplier_id})
        return None


_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M], Generic[_M]):
    def visible_to(self, user: AnyUser | None, action: Action = Action.VIEW) -> Self:
        rule: ScopeRule = self.model.scope_rule  # type: ignore[attr-defined]
        scope = scope_of(user)
        if not rule.allows(scope.role, action):
            return self.none()
        condition = rule.filter_for(scope)
        if condition is None:
            return self.none()
        return self.filter(condition)


class ScopedManager(models.Manager[_M], Generic[_M]):
    def get_queryset(self) -> ScopedQuerySet[_M]:
        return ScopedQuerySet(self.model, using=self._db)

    def visible_to(self, user: AnyUser | None, action: Action = Action.VIEW) -> ScopedQuerySet[_M]:
        return self.get_queryset().visible_to(user, action)


class ScopedModel(models.Model):
    """Abstract base for models whose rows belong to a jurisdiction."""

    scope_rule: ClassVar[ScopeRule]

    class Meta:
        abstract = True


def get_visible_or_404(
    queryset: models.QuerySet[_M], user: AnyUser | None, action: Action = Action.VIEW, **lookup: Any
) -> _M:
    """One row the user may act on. Outside the jurisdiction: 404 (existence is not revealed);
    visible but not changeable: 403. `queryset` must come from a `ScopedManager`."""
    if any(isinstance(v, int) and not 0 < v < 2**63 for v in lookup.values()):
        raise Http404  # no row has such a key, and the database could not even compare it
    scoped = cast(ScopedQuerySet[_M], queryset)
    row = scoped.visible_to(user, action).filter(**lookup).first()
    if row is not None:
        return row
    if action != Action.VIEW and scoped.visible_to(user, Action.VIEW).filter(**lookup).exists():
        raise PermissionDenied
    raise Http404


def can(user: AnyUser | None, action: Action, obj: models.Model) -> bool:
    manager: ScopedManager[Any] = type(obj)._default_manager  # type: ignore[assignment]
    return manager.visible_to(user, action).filter(pk=obj.pk).exists()


def require_role(user: AnyUser | None, *roles: Role) -> Scope:
    """Refuse (403) a signed-in user whose role is not one of `roles` (operators always pass)."""
    scope = scope_of(user)
    if scope.role != Role.OPERATOR and scope.role not in roles:
        raise PermissionDenied
    return scope
