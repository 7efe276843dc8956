"""Changes to schools and canteens. Each function checks the user's right, validates, saves in one
transaction; the audit log records the change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.days import today
from brightkitchen.core.errors import Conflict, FieldError, FieldPermissionDenied
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import Action, AnyUser, ScopedModel, get_visible_or_404, scope_of
from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.regions.models import Region, RegionLevel
from brightkitchen.schools.models import Canteen, School

SCHOOL_FIELDS = frozenset(
    {"school_type", "address", "principal_name", "principal_phone", "students", "boarding"}
)

# Who may change which canteen fields (operators may change all of them).
CANTEEN_PROFILE_FIELDS = frozenset(
    {
        "name",
        "operation_mode",
        "contractor",
        "diners",
        "licence_number",
        "licence_scope",
        "licence_issued_on",
        "licence_expires_on",
        "safety_director",
        "safety_manager",
        "safety_phone",
    }
)
CANTEEN_GRADE_FIELDS = frozenset({"dynamic_grade", "annual_grade", "risk_grade"})
CANTEEN_FIELD_ROLES: dict[frozenset[str], frozenset[Role]] = {
    CANTEEN_PROFILE_FIELDS: frozenset({Role.PRINCIPAL, Role.CANTEEN_MANAGER}),
    CANTEEN_GRADE_FIELDS: frozenset({Role.REGULATOR}),
}


def _role(user: AnyUser) -> Role | None:
    return scope_of(user).role


def _check_fields(
    user: AnyUser, changes: dict[str, Any], allowed: dict[frozenset[str], frozenset[Role]]
) -> None:
    role = _role(user)
    for name in changes:
        group = next((fields for fields in allowed if name in fields), None)
        if group is None:
            raise FieldError(name, _("This field cannot be changed."), code="unknown_field")
        if role != Role.OPERATOR and role not in allowed[group]:
            raise FieldPermissionDenied(name, _("Your role may not change this field."))


def _save(instance: Any) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        field, errors = next(iter(exc.error_dict.items()))
        message = "; ".join(str(m) for e in errors for m in e.messages)
        if any(e.code in ("unique", "unique_together") for e in errors):
            raise Conflict("name" if field == "__all__" else field, message) from exc
        raise FieldError("name" if field == "__all__" else field, message) from exc
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise Conflict("name", _("An entry with this name already exists here.")) from exc


@transaction.atomic
def create_school(user: AnyUser, *, name: str, region_code: str, **fields: Any) -> School:
    scope = scope_of(user)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise FieldError("region", _("Unknown region code."))
    if region.level < RegionLevel.COUNTY:
        raise FieldError("region", _("A school sits in a county-level region."))
    in_jurisdiction = scope.everything or (
        scope.role == Role.EDUCATION_BUREAU and region.code.startswith(scope.region_prefix or "\0")
    )
    if not in_jurisdiction:
        raise FieldPermissionDenied("region", _("You may not register schools in this region."))
    unknown = set(fields) - SCHOOL_FIELDS
    if unknown:
        raise FieldError(sorted(unknown)[0], _("This field cannot be set."), code="unknown_field")
    if Organisation.objects.filter(kind=OrganisationKind.SCHOOL, region=region, name=name).exists():
        raise Conflict("name", _("A school with this name already exists in this region."))
    organisation = Organisation(name=name, kind=OrganisationKind.SCHOOL, region=region)
    _save(organisation)
    school = School(organisation=organisation, **fields)
    _save(school)
    return school


@transaction.atomic
def update_school(user: AnyUser, school: School, changes: dict[str, Any]) -> School:
    _check_fields(user, changes, {SCHOOL_FIELDS: frozenset({Role.PRINCIPAL})})
    for name, value in changes.items():
        setattr(school, name, value)
    _save(school)
    return school


@transaction.atomic
def create_canteen(user: AnyUser, school: School, data: dict[str, Any]) -> Canteen:
    _check_fields(user, data, {CANTEEN_PROFILE_FIELDS: frozenset({Role.PRINCIPAL})})
    canteen = Canteen(school=school, **data)
    _save(canteen)
    return canteen


@transaction.atomic
def update_canteen(user: AnyUser, canteen: Canteen, changes: dict[str, Any]) -> Canteen:
    _check_fields(user, changes, CANTEEN_FIELD_ROLES)
    if "dynamic_grade" in changes and changes["dynamic_grade"] != canteen.dynamic_grade:
        canteen.dynamic_graded_on = today()  # a regulator grading by hand grades as of today
    for name, value in changes.items():
        setattr(canteen, name, value)
    _save(canteen)
    return canteen


# --- Canteen records ---------------------------------------------------------------------------------


def canteen_for_recording(user: AnyUser, canteen_id: int | None, model: type[ScopedModel]) -> Canteen:
    """The canteen a user files a record of `model` for: 404 outside the jurisdiction, 403 when the user
    sees the canteen but the model's rule does not let the role change it (a regulator reads records but
    does not keep them; canteen staff keep them without being able to change the canteen itself). Canteen
    users may leave the canteen out: their own."""
    scope = scope_of(user)
    if canteen_id is None:
        canteen_id = scope.canteen_id
        if canteen_id is None:
            raise FieldError("canteen_id", _("Choose a canteen."), code="missing")
    canteen = get_visible_or_404(
        Canteen, user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )
    if not model.scope_rule.allows(scope.role, Action.CHANGE):
        raise PermissionDenied
    return canteen
