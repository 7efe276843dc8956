"""Changes to purchase inspections. Every function takes the acting user, checks the right through
scoping, validates (FieldError naming the field) and saves in a transaction; the audit log records each
create, correction and deletion. Creates go through core.idempotency.create_once.

A record is corrected, never deleted before its retention ends (食品安全法 Art. 50/53): deleting earlier
is a Conflict on `retain_until`."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.accounts.models import User
from brightkitchen.core.errors import Conflict, FieldError
from brightkitchen.core.events import after_commit
from brightkitchen.core.idempotency import create_once
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, scope_of
from brightkitchen.core.uploads import StoredFile, delete_files, removed_on_error, store_document
from brightkitchen.core.validation import acting_user, full_save
from brightkitchen.purchases.models import (
    DELIVERY_FIELDS,
    MAX_SHELF_LIFE_DAYS,
    CertificateKind,
    Decision,
    PurchaseCertificate,
    PurchaseInspection,
    RejectionHandling,
)
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.services import canteen_for_recording
from brightkitchen.schools.tallies import mark_of, recount

MAX_CERTIFICATES_PER_UPLOAD = 10
MAX_QUANTITY = Decimal("99999999.99")
# Deleting a record (after its retention) is for the people responsible for the canteen's files.
DELETE_ROLES = frozenset({Role.OPERATOR, Role.PRINCIPAL, Role.CANTEEN_MANAGER})
# The fields a correction may change (the canteen and the certificates are not corrected this way).
CORRECTABLE = frozenset({*DELIVERY_FIELDS, "acceptor_id", "second_acceptor_id"})
_TEXT_LIMITS = {
    "supplier_name": 100,
    "product": 60,
    "specification": 60,
    "unit": 16,
    "lot_number": 40,
    "acceptor_name": 40,
    "second_acceptor_name": 40,
    "rejection_reason": 200,
}
_REQUIRED_TEXT = {"supplier_name", "product", "unit"}
_BLANKABLE = {*_TEXT_LIMITS, "rejection_handling"}


# --- Helpers ---------------------------------------------------------------------------------------------


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def _acceptor_user(canteen: Canteen, field: str, user_id: int | None) -> User | None:
    """An accepting user must work at the canteen or be its school's principal."""
    if user_id is None:
        return None
    if isinstance(user_id, bool) or not isinstance(user_id, int) or not 0 < user_id < 2**62:
        raise FieldError(field, _("Choose a user of this canteen."))
    found = User.objects.filter(pk=user_id, is_active=True).first()
    if found is None or not (
        found.canteen_id == canteen.pk
        or (found.role == Role.PRINCIPAL and found.organisation_id == canteen.school_id)
    ):
        raise FieldError(field, _("Choose a user of this canteen."), code="not_of_canteen")
    return found


def validate(record: PurchaseInspection, today: datetime.date) -> None:
    """The rules of one delivery record, checked on create and on every correction."""
    for name, limit in _TEXT_LIMITS.items():
        value = (getattr(record, name) or "").strip()
        if name in _REQUIRED_TEXT and not value:
            raise FieldError(name, _("This field is required."), code="required")
        if len(value) > limit:
            raise FieldError(name, _("This text is too long."), code="too_long")
        setattr(record, name, value)
    if not isinstance(record.delivered_on, datetime.date):
        raise FieldError("delivered_on", _("Give the delivery date."), code="required")
    if record.delivered_on > today:
        raise FieldError("delivered_on", _("This date is in the future."), code="future")
    try:
        quantity = Decimal(str(record.quantity))
    except (InvalidOperation, ValueError):
        raise FieldError("quantity", _("Give the quantity as a number.")) from None
    if not quantity.is_finite() or quantity <= 0 or quantity > MAX_QUANTITY:
        raise FieldError("quantity", _("The quantity must be more than 0."), code="out_of_range")
    if quantity != quantity.quantize(Decimal("0.01")):
        raise FieldError("quantity", _("Give the quantity with at most two decimals."))
    record.quantity = quantity
    if record.production_date is None and not record.lot_number:
        raise FieldError(
            "production_date", _("Give the production date or the lot number."), code="date_or_lot"
        )
    if record.production_date is not None and record.production_date > record.delivered_on:
        raise FieldError("production_date", _("The product cannot be made after its delivery."))
    days = record.shelf_life_days
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_SHELF_LIFE_DAYS
    ):
        raise FieldError(
            "shelf_life_days",
            _("Give the shelf life in days (1 to %(max)s), or leave it empty.")
            % {"max": MAX_SHELF_LIFE_DAYS},
        )
    _validate_acceptors(record)
    if record.decision not in Decision.values:
        raise FieldError("decision", _("Choose accepted or rejected."))
    if record.decision == Decision.REJECTED:
        if not record.rejection_reason:
            raise FieldError("rejection_reason", _("Say why the delivery was rejected."), code="required")
        if record.rejection_handling not in RejectionHandling.values:
            raise FieldError(
                "rejection_handling",
                _("Say whether it was returned or destroyed on the spot."),
                code="required",
            )
    else:
        record.rejection_reason = ""
        record.rejection_handling = ""


def _validate_acceptors(record: PurchaseInspection) -> None:
    if not record.acceptor_name and record.acceptor is not None:
        record.acceptor_name = str(record.acceptor)[:40]
    if not record.second_acceptor_name and record.second_acceptor is not None:
        record.second_acceptor_name = str(record.second_acceptor)[:40]
    if not record.acceptor_name:
        raise FieldError("acceptor_name", _("Who accepted the delivery?"), code="required")
    if not record.bulk_staple:
        return
    if not record.second_acceptor_name:
        raise FieldError(
            "second_acceptor_name", _("A bulk staple is accepted by two people."), code="required"
        )
    same_user = record.acceptor_id is not None and record.acceptor_id == record.second_acceptor_id
    if same_user or _same_name(record.acceptor_name, record.second_acceptor_name):
        raise FieldError(
            "second_acceptor_name",
            _("The second acceptor must be another person."),
            code="same_person",
        )


# --- Deliveries -------------------------------------------------------------------------------------------


def create_inspection(
    user: AnyUser,
    canteen_id: int,
    data: dict[str, Any],
    *,
    certificates: Sequence[UploadedFile[bytes]] = (),
    certificate_kind: str = CertificateKind.QUALITY,
    submission_key: uuid.UUID | None = None,
    today: datetime.date | None = None,
) -> tuple[PurchaseInspection, bool]:
    """(record, created). `data` holds the model's fields (acceptor_id / second_acceptor_id as user ids);
    the first acceptor defaults to the acting user. Certificates are stored with the record; a resubmit
    with the same submission_key returns the first record and stores no file again."""
    canteen = canteen_for_recording(user, canteen_id, PurchaseInspection)
    unknown = set(data) - CORRECTABLE
    if unknown:
        name = sorted(unknown)[0]
        raise FieldError(name, _("This field is unknown."), code="unknown_field")
    if len(certificates) > MAX_CERTIFICATES_PER_UPLOAD:
        raise FieldError("certificates", _("Send at most 10 files at once."), code="too_many")
    kind = _kind(certificate_kind)
    today = today or timezone.localdate()
    fields = dict(data)
    acceptor = _acceptor_user(canteen, "acceptor_id", fields.pop("acceptor_id", None))
    second = _acceptor_user(canteen, "second_acceptor_id", fields.pop("second_acceptor_id", None))
    if acceptor is None and not (fields.get("acceptor_name") or "").strip():
        acceptor = acting_user(user)
    record = PurchaseInspection(
        canteen=canteen,
        recorded_by=acting_user(user),
        acceptor=acceptor,
        second_acceptor=second,
        **{k: ("" if v is None and k in _BLANKABLE else v) for k, v in fields.items()},
    )
    if not record.decision:
        record.decision = Decision.ACCEPTED
    validate(record, today)
    stored: list[StoredFile] = []

    def build() -> PurchaseInspection:
        for index, upload in enumerate(certificates):
            stored.append(
                store_document(upload, f"certificates.{index}" if index else "certificates", _folder(canteen))
            )
        return record

    with removed_on_error(stored), transaction.atomic():
        saved, created = create_once(PurchaseInspection, submission_key, build)
        if created:
            for item in stored:
                _save_certificate(user, saved, item, kind)
            recount(saved)  # once, with its certificates
    return saved, created


def correct_inspection(
    user: AnyUser, record_id: int, changes: dict[str, Any], *, today: datetime.date | None = None
) -> PurchaseInspection:
    """Correct a record's fields (an explicit null clears an optional one). Every rule is checked again
    on the corrected record; the audit log keeps the values before and after."""
    record = get_visible_or_404(
        PurchaseInspection,
        user,
        Action.CHANGE,
        related=("canteen", "acceptor", "second_acceptor"),
        pk=record_id,
    )
    before = mark_of(record)
    for name, value in changes.items():
        if name not in CORRECTABLE:
            raise FieldError(name, _("This field cannot be changed."), code="unknown_field")
        if name in ("acceptor_id", "second_acceptor_id"):
            setattr(record, name.removesuffix("_id"), _acceptor_user(record.canteen, name, value))
        elif name in _BLANKABLE:
            setattr(record, name, value or "")
        else:
            setattr(record, name, value)
    validate(record, today or timezone.localdate())
    with transaction.atomic():
        full_save(record)
        recount(record, before=before)  # a corrected day or decision moves the delivery's tally
    return record


def delete_inspection(user: AnyUser, record_id: int, *, today: datetime.date | None = None) -> None:
    """Delete a record whose retention is over, with its certificate files. Before then: Conflict."""
    record = get_visible_or_404(PurchaseInspection, user, Action.CHANGE, pk=record_id)
    if scope_of(user).role not in DELETE_ROLES:
        raise PermissionDenied
    today = today or timezone.localdate()
    if not record.may_delete(today):
        raise Conflict(
            "retain_until",
            _("This record must be kept until %(date)s (6 months after the shelf life ends, or 2 years).")
            % {"date": record.retain_until.isoformat()},
        )
    files = [path for c in record.certificates.all() for path in (c.file, c.thumbnail)]
    with transaction.atomic():
        for certificate in record.certificates.all():
            certificate.delete()
        record.delete()
        recount(record)
        after_commit(delete_files, files)


# --- Certificates -----------------------------------------------------------------------------------------


def _kind(value: str) -> CertificateKind:
    try:
        return CertificateKind(value or CertificateKind.QUALITY)
    except ValueError:
        raise FieldError("kind", _("Choose the kind of certificate.")) from None


def _folder(canteen: Canteen) -> str:
    return f"purchases/certificates/{canteen.pk}"


def _save_certificate(
    user: AnyUser, record: PurchaseInspection, stored: StoredFile, kind: CertificateKind
) -> PurchaseCertificate:
    certificate = PurchaseCertificate(
        canteen=record.canteen,  # the loaded canteen: the audit log's anchor needs no query per file
        recorded_by=acting_user(user),
        inspection=record,
        kind=kind.value,
        file=stored.path,
        thumbnail=stored.thumbnail,
        content_type=stored.content_type,
        size=stored.size,
    )
    full_save(certificate)
    return certificate


def add_certificate(
    user: AnyUser,
    record_id: int,
    upload: UploadedFile[bytes] | None,
    *,
    kind: str = CertificateKind.QUALITY,
    submission_key: uuid.UUID | None = None,
) -> tuple[PurchaseCertificate, bool]:
    """Add a photo or PDF to a delivery (a quarantine certificate that came later, a clearer photo)."""
    record = get_visible_or_404(PurchaseInspection, user, Action.CHANGE, related=("canteen",), pk=record_id)
    certificate_kind = _kind(kind)
    stored: list[StoredFile] = []

    def build() -> PurchaseCertificate:
        if upload is None:
            raise FieldError("file", _("Take a photo of the certificate."), code="required")
        item = store_document(upload, "file", _folder(record.canteen))
        stored.append(item)
        return PurchaseCertificate(
            canteen=record.canteen,
            recorded_by=acting_user(user),
            inspection=record,
            kind=certificate_kind.value,
            file=item.path,
            thumbnail=item.thumbnail,
            content_type=item.content_type,
            size=item.size,
        )

    with removed_on_error(stored):
        return create_once(PurchaseCertificate, submission_key, build, on_created=recount)
