"""Changes to staff, health certificates, training and morning checks. Each function takes the acting
user, checks the right through scoping, validates (FieldError naming the field), and saves; creates go
through `create_once` so a resubmitted form (same submission key) never creates a second record."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.accounts.models import User
from brightkitchen.core.errors import Conflict, FieldError
from brightkitchen.core.idempotency import create_once
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, scope_of
from brightkitchen.core.uploads import store_document, store_photo
from brightkitchen.core.validation import acting_user, full_save
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import recount
from brightkitchen.staff.models import (
    HealthCertificate,
    MorningCheck,
    StaffMember,
    TrainingRecord,
    certificate_status,
    default_expiry,
)

STAFF_FIELDS = frozenset({"name", "position", "phone", "hired_on", "active", "account_id"})


def staff_for_change(user: AnyUser, staff_id: int, model: type[Any] = StaffMember) -> StaffMember:
    """A staff member the user may see, for a change to `model` records: 404 / 403 as usual."""
    staff = get_visible_or_404(StaffMember, user, Action.VIEW, related=("canteen",), pk=staff_id)
    if not model.scope_rule.allows(scope_of(user).role, Action.CHANGE):
        raise PermissionDenied
    return staff


# --- Staff -------------------------------------------------------------------------------------------


def create_staff(
    user: AnyUser, canteen: Canteen, data: dict[str, Any], submission_key: uuid.UUID | None = None
) -> tuple[StaffMember, bool]:
    unknown = set(data) - STAFF_FIELDS
    if unknown:
        raise FieldError(sorted(unknown)[0], _("This field cannot be set."), code="unknown_field")
    if not str(data.get("name", "")).strip():
        raise FieldError("name", _("This field cannot be empty."), code="missing")
    _check_account(user, canteen, data.get("account_id"))

    def build() -> StaffMember:
        return StaffMember(canteen=canteen, recorded_by=acting_user(user), **data)

    return create_once(StaffMember, submission_key, build, on_created=recount)


def _check_account(
    user: AnyUser, canteen: Canteen, account_id: int | None, staff: StaffMember | None = None
) -> None:
    """A staff member's sign-in account is one of the canteen's own accounts, on no one else's entry."""
    if account_id is None:
        return
    account = User.objects.visible_to(user).filter(pk=account_id, canteen=canteen).first()
    if account is None:
        raise FieldError("account_id", _("Choose a sign-in account of this canteen."), code="invalid")
    others = StaffMember.objects.filter(account=account)
    if staff is not None:
        others = others.exclude(pk=staff.pk)
    other = others.first()
    if other is not None:
        raise FieldError(
            "account_id",
            _("This account is already on the staff list as %(name)s.") % {"name": other.name},
            code="taken",
        )


def accounts_to_link(user: AnyUser, canteen: Canteen) -> list[User]:
    """The canteen's sign-in accounts that are on no staff entry yet (choices for the staff form)."""
    return list(
        User.objects.visible_to(user)
        .filter(canteen=canteen, is_active=True, staff_member__isnull=True)
        .order_by("display_name", "username")
    )


@transaction.atomic
def update_staff(user: AnyUser, staff: StaffMember, changes: dict[str, Any]) -> StaffMember:
    if "account_id" in changes:
        _check_account(user, staff.canteen, changes["account_id"], staff)
    for name, value in changes.items():
        if name not in STAFF_FIELDS:
            raise FieldError(name, _("This field cannot be changed."), code="unknown_field")
        setattr(staff, name, value)
    full_save(staff)
    recount(staff)  # leaving the roll or coming back changes every day's staff tallies
    return staff


# --- Health certificates and training ----------------------------------------------------------------


def add_certificate(
    user: AnyUser,
    staff: StaffMember,
    *,
    number: str,
    issued_on: datetime.date,
    expires_on: datetime.date | None = None,
    photo: UploadedFile[bytes] | None = None,
    submission_key: uuid.UUID | None = None,
) -> tuple[HealthCertificate, bool]:
    """A new certificate for `staff`. The photo (or PDF scan) is checked, stripped of metadata and stored
    with a thumbnail; a resubmit with the same key stores nothing again."""
    number = number.strip()
    if not number:
        raise FieldError("number", _("This field cannot be empty."), code="missing")
    if photo is None:
        raise FieldError("photo", _("Take a photo of the certificate."), code="missing")

    def build() -> HealthCertificate:
        cert = HealthCertificate(
            canteen_id=staff.canteen_id,
            staff=staff,
            recorded_by=acting_user(user),
            number=number,
            issued_on=issued_on,
            expires_on=expires_on or default_expiry(issued_on),
        )
        # Dates first, so a wrong form stores no file.
        try:
            cert.clean()
        except ValidationError as exc:
            field, errors = next(iter(exc.error_dict.items()))
            raise FieldError(field, "; ".join(str(m) for e in errors for m in e.messages)) from exc
        stored = store_document(photo, "photo", "staff/certificates")
        cert.photo, cert.thumbnail = stored.path, stored.thumbnail
        return cert

    return create_once(HealthCertificate, submission_key, build, on_created=recount)


def add_training(
    user: AnyUser,
    staff: StaffMember,
    *,
    title: str,
    date: datetime.date,
    hours: Decimal,
    photo: UploadedFile[bytes] | None = None,
    submission_key: uuid.UUID | None = None,
) -> tuple[TrainingRecord, bool]:
    """A training the person attended (food-safety training, at least 40 hours a year for managers). The
    certificate photo is optional; checked, stripped of metadata and stored only once the fields are
    valid. A resubmit with the same key stores nothing again."""
    title = title.strip()

    def build() -> TrainingRecord:
        if not title:
            raise FieldError("title", _("This field cannot be empty."), code="missing")
        if date > timezone.localdate():
            raise FieldError("date", _("A training cannot be recorded for a future day."))
        if not staff.active:
            raise FieldError("staff", _("This person no longer works in the canteen."))
        record = TrainingRecord(
            canteen_id=staff.canteen_id,
            staff=staff,
            recorded_by=acting_user(user),
            title=title,
            date=date,
            hours=hours,
        )
        # Fields first, so a wrong form stores no file.
        try:
            record.clean_fields(exclude=["canteen", "staff", "recorded_by", "submission_key"])
        except ValidationError as exc:
            field, errors = next(iter(exc.error_dict.items()))
            raise FieldError(field, "; ".join(str(m) for e in errors for m in e.messages)) from exc
        if photo is not None:
            stored = store_photo(photo, "photo", "staff/training")
            record.photo, record.thumbnail = stored.path, stored.thumbnail
        return record

    return create_once(TrainingRecord, submission_key, build)


# --- Morning checks ----------------------------------------------------------------------------------


def record_morning_check(
    user: AnyUser,
    staff: StaffMember,
    *,
    temperature: Decimal,
    date: datetime.date | None = None,
    fever: bool = False,
    diarrhoea: bool = False,
    skin_wound: bool = False,
    sore_throat: bool = False,
    other_symptoms: str = "",
    submission_key: uuid.UUID | None = None,
) -> tuple[MorningCheck, bool]:
    """Check one staff member in. Any symptom or 37.3 °C and above: off duty. A person without a valid
    health certificate on that day is checked all the same, with the result 不得上岗 (uncertified): the
    check is the record that the person was sent home."""
    day = date or timezone.localdate()

    def build() -> MorningCheck:
        if not staff.active:
            raise FieldError("staff", _("This person no longer works in the canteen."))
        if day > timezone.localdate():
            raise FieldError("date", _("A morning check cannot be recorded for a future day."))
        check = MorningCheck(
            canteen=staff.canteen,  # loaded with the staff member: the audit anchor needs no query
            staff=staff,
            recorded_by=acting_user(user),
            date=day,
            checked_at=timezone.now(),
            temperature=temperature,
            fever=fever,
            diarrhoea=diarrhoea,
            skin_wound=skin_wound,
            sore_throat=sore_throat,
            other_symptoms=other_symptoms.strip(),
        )
        current = (
            HealthCertificate.objects.filter(staff=staff, issued_on__lte=day)
            .order_by("-expires_on")
            .values_list("expires_on", flat=True)
            .first()
        )
        check.certified = certificate_status(current, day) in ("valid", "expiring")
        if MorningCheck.objects.filter(staff=staff, date=day).exists():
            raise Conflict("staff", _("This person was already checked on this day."))
        return check

    return create_once(MorningCheck, submission_key, build, on_created=recount)
