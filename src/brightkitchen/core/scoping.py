"""Jurisdiction scoping: the one place that decides what a user may see and change.

Every query that returns domain data goes through `Model.objects.visible_to(user, action)` (or the
helpers below, which call it). A model takes part by using `ScopedManager` and declaring a
`scope_rule`: the lookup paths from the model to a region code, a school, a canteen and a supplier,
and which roles may view or change it. The user's side is `scope_of(user)`: a region prefix for
regulators and education bureaus, a school for principals, a canteen for canteen users, a supplier
organisation for suppliers, everything for operators. Anonymous visitors and public users (parents)
hold the **public scope**: the rows a model's rule marks public (`ScopeRule.public`: a camera within its
public hours, an open offline event on the exposure board), nothing else, and never a change.
`visible_to(None, ...)` is that public view, for a page that shows anyone what is public.

Region codes are hierarchical (44 → 4401 → 440103), so "inside my jurisdiction" is a prefix match.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import Http404

from brightkitchen.core.roles import CANTEEN_ROLES, REGION_ROLES, STAFF_ROLES, Role

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
    public: bool = False  # the public audience: sees what rules mark public (no anchor of its own)

    @property
    def is_empty(self) -> bool:
        """No jurisdiction (the public scope has none: what is public is not anyone's jurisdiction)."""
        return not (
            self.everything
            or self.region_prefix
            or self.school_id is not None
            or self.canteen_id is not None
            or self.supplier_id is not None
        )


NOTHING = Scope()
PUBLIC = Scope(public=True)  # anonymous visitors, and signed-out or inactive accounts


def scope_of(user: AnyUser | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return PUBLIC
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
    if role == Role.PUBLIC:
        return Scope(role=role, public=True)
    return Scope(role=role)  # a role without its organisation or canteen: nothing


def region_and_above(region_code: str) -> list[str]:
    """The region and its ancestors' codes, nearest first (440103 → 440103, 4401, 44)."""
    lengths = [n for n in (12, 9, 6, 4, 2) if n <= len(region_code)]
    return [region_code[:n] for n in lengths]


@dataclass(frozen=True)
class ScopeRule:
    """How a model reaches each kind of jurisdiction anchor, and who may act on it.

    A path left as None means holders of that kind of anchor never see the model's rows.

    `applies_below`: a row belongs to the bureau of the region its `region` path names and applies in
    every region below it (a province's checklist is used in each county). A region anchor then sees
    the rows of its jurisdiction and those of the regions above it, and changes only its own region's.

    `public`: the rows the public scope sees, as a filter made when the query is (it may depend on the
    hour); None: the public sees none of the model's rows. The public never changes a row.
    """

    region: str | None = None
    school: str | None = None
    canteen: str | None = None
    supplier: str | None = None
    view_roles: frozenset[Role] = STAFF_ROLES
    change_roles: frozenset[Role] = frozenset({Role.OPERATOR})
    applies_below: bool = False
    public: Callable[[], models.Q] | None = None

    def allows(self, role: Role | None, action: Action) -> bool:
        if role is None:
            return False
        roles = self.view_roles if action == Action.VIEW else self.change_roles
        return role in roles or role == Role.OPERATOR

    def filter_for(self, scope: Scope, action: Action = Action.VIEW) -> models.Q | None:
        """The row filter for a scope, or None when the scope reaches no rows of this model."""
        if scope.public:
            return self.public() if self.public is not None and action == Action.VIEW else None
        if scope.everything:
            return models.Q()
        if scope.region_prefix and self.region:
            if self.applies_below and action == Action.CHANGE:
                return models.Q(**{self.region: scope.region_prefix})
            below = models.Q(**{f"{self.region}__startswith": scope.region_prefix})
            if self.applies_below:
                return below | models.Q(**{f"{self.region}__in": region_and_above(scope.region_prefix)})
            return below
        if scope.school_id is not None and self.school:
            return models.Q(**{self.school: scope.school_id})
        if scope.canteen_id is not None and self.canteen:
            return models.Q(**{self.canteen: scope.canteen_id})
        if scope.supplier_id is not None and self.supplier:
            return models.Q(**{self.supplier: scope.supplier_id})
        return None

    def paths(self) -> list[str]:
        return [p for p in (self.region, self.school, self.canteen, self.supplier) if p]


@dataclass(frozen=True)
class ScopeRuleByValue(ScopeRule):
    """A model whose rows follow different rules by the value of one field (a checklist's purpose: an
    inspection checklist is the bureaus', a self-check checklist the region's): `rules` pairs the
    values with the rule of the rows that hold them. A scope sees (changes) the rows of each rule whose
    roles it holds, by that rule's filter; the other fields of the rule itself are unused."""

    field: str = ""
    rules: tuple[tuple[frozenset[str], ScopeRule], ...] = ()

    def allows(self, role: Role | None, action: Action) -> bool:
        return any(rule.allows(role, action) for _values, rule in self.rules)

    def filter_for(self, scope: Scope, action: Action = Action.VIEW) -> models.Q | None:
        parts: list[models.Q] = []
        for values, rule in self.rules:
            if not (scope.public or rule.allows(scope.role, action)):
                continue
            condition = rule.filter_for(scope, action)
            if condition is not None:
                parts.append(models.Q(**{f"{self.field}__in": sorted(values)}) & condition)
        if not parts:
            return None
        combined = parts[0]
        for part in parts[1:]:
            combined |= part
        return combined

    def paths(self) -> list[str]:
        found = [self.field] if self.field else []
        for _values, rule in self.rules:
            found += [p for p in rule.paths() if p not in found]
        return found


_MANY_PATHS: dict[tuple[type[models.Model], str], bool] = {}


def _crosses_many(model: type[models.Model], path: str) -> bool:
    """Whether a lookup path runs through a one-to-many or many-to-many relation (one row can then match
    several times, so the scope selects by key instead of joining)."""
    key = (model, path)
    if key not in _MANY_PATHS:
        many, current = False, model
        for name in path.split("__"):
            try:
                f = current._meta.get_field(name)
            except Exception:  # a lookup or transform, not a field: the path ends here
                break
            if f.one_to_many or f.many_to_many:
                many = True
            if not f.is_relation or f.related_model is None:
                break
            current = f.related_model
        _MANY_PATHS[key] = many
    return _MANY_PATHS[key]


_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M], Generic[_M]):
    # The (scope, action) this queryset was narrowed to by `visible_to`; None until then. Carried
    # through every clone, so `get_visible_or_404` can refuse a queryset that was never scoped.
    _bk_scoped_for: tuple[Scope, Action] | None = None

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._bk_scoped_for = self._bk_scoped_for
        return cast(Self, clone)

    def visible_to(self, user: AnyUser | None, action: Action = Action.VIEW) -> Self:
        rule: ScopeRule = self.model.scope_rule  # type: ignore[attr-defined]
        scope = scope_of(user)
        if not (scope.public or rule.allows(scope.role, action)):  # the public: by the rule's filter
            scoped = self.none()
        else:
            condition = rule.filter_for(scope, action)
            if condition is None:
                scoped = self.none()
            elif any(_crosses_many(self.model, p) for p in rule.paths()):
                keys = self.model._default_manager.filter(condition).values("pk")
                scoped = self.filter(pk__in=keys)
            else:
                scoped = self.filter(condition)
        scoped._bk_scoped_for = (scope, action)
        return scoped


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
    source: type[_M] | models.QuerySet[_M],
    user: AnyUser | None,
    action: Action = Action.VIEW,
    *,
    related: Sequence[str] = (),
    prefetch: Sequence[str] = (),
    **lookup: Any,
) -> _M:
    """One row the user may act on. Outside the jurisdiction: 404 (existence is not revealed);
    visible but not changeable: 403.

    `source` is the model (the usual case; `related` / `prefetch` load what the caller reads), or a
    queryset a selector built from `visible_to(user)` (with its annotations). A queryset that was
    never scoped for this user (`Model.objects.all()`, `Model.objects.select_related(...)`) is
    refused with `ImproperlyConfigured`: nothing reaches a row except through the model's scope."""
    if isinstance(source, type):
        manager: ScopedManager[_M] = source._default_manager  # type: ignore[assignment]
        base: ScopedQuerySet[_M] = manager.get_queryset()
    else:
        base = cast(ScopedQuerySet[_M], source)
        scoped_for = getattr(base, "_bk_scoped_for", None)
        if scoped_for is None or scoped_for[0] != scope_of(user):
            raise ImproperlyConfigured(
                "get_visible_or_404 takes the model, or a queryset built from visible_to(user) for "
                f"the same user; got an unscoped queryset of {base.model.__name__}"
            )
    if related:
        base = base.select_related(*related)
    if prefetch:
        base = base.prefetch_related(*prefetch)
    if any(isinstance(v, int) and not 0 < v < 2**63 for v in lookup.values()):
        raise Http404  # no row has such a key, and the database could not even compare it
    scope = scope_of(user)
    rows = base if base._bk_scoped_for == (scope, action) else base.visible_to(user, action)
    row = rows.filter(**lookup).first()
    if row is not None:
        return row
    if action == Action.VIEW:
        raise Http404
    viewable = base if base._bk_scoped_for == (scope, Action.VIEW) else base.visible_to(user, Action.VIEW)
    if viewable.filter(**lookup).exists():
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
