"""Changes to hygiene ledgers: one create per occurrence, with the fields of its kind checked (a
FieldError naming the missing or stray field), a photo through core.uploads, and a submission_key so a
resubmit creates nothing twice."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.errors import FieldError
from brightkitchen.core.idempotency import create_once
from brightkitchen.core.scoping import AnyUser
from brightkitchen.core.uploads import StoredFile, removed_on_error, store_photo
from brightkitchen.core.validation import acting_user, clean_text
from brightkitchen.hygiene.models import CleaningTarget, DisinfectionMethod, HygieneKind, HygieneRecord
from brightkitchen.records.services import CLOCK_SKEW
from brightkitchen.schools.services import canteen_for_recording
from brightkitchen.schools.tallies import recount

MAX_AGE = datetime.timedelta(days=31)  # a ledger is kept as it happens; older is a typing error
MAX_WASTE_KG = decimal.Decimal(5000)
MAX_ADDITIVE_G = decimal.Decimal(10000)
# Nitrite is banned from school canteens (亚硝酸盐 may not be bought, stored or used).
BANNED_ADDITIVES = ("亚硝酸", "nitrite")

TEXT_FIELDS = {"area": 60, "method": 60, "agent": 60, "collector": 60, "additive": 60, "dish": 60}
# The kind-specific fields each kind takes (anything else given for it is refused).
KIND_FIELDS: dict[str, set[str]] = {
    HygieneKind.CLEANING: {"target", "area", "method", "agent"},
    HygieneKind.PEST: {"area", "method", "agent"},
    HygieneKind.WASTE: {"quantity_kg", "collector"},
    HygieneKind.ADDITIVE: {"additive", "amount_g", "dish"},
}
ALL_KIND_FIELDS = {"target", *TEXT_FIELDS, "quantity_kg", "amount_g"}


def _required(field: str) -> FieldError:
    return FieldError(field, _("This field is required for this kind of record."), code="required")


def _text(field: str, value: str, max_length: int, *, required: bool = False) -> str:
    if required and not (value or "").strip():
        raise _required(field)
    return clean_text(field, value, max_length, required=False)


def _amount(field: str, value: Any, maximum: decimal.Decimal) -> decimal.Decimal:
    if value is None or value == "":
        raise _required(field)
    try:
        number = decimal.Decimal(str(value)).quantize(decimal.Decimal("0.1"))
    except (decimal.InvalidOperation, ValueError):
        raise FieldError(field, _("Give a number.")) from None
    if not decimal.Decimal(0) < number <= maximum:
        raise FieldError(field, _("This amount is not plausible."), code="out_of_range")
    return number


def kind_fields(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The kind-specific fields, validated: required ones present, stray ones refused."""
    if kind not in HygieneKind.values:
        raise FieldError("kind", _("Choose cleaning, pest control, waste or additive."))
    allowed = KIND_FIELDS[kind]
    for name in sorted(ALL_KIND_FIELDS - allowed):
        if values.get(name) not in (None, ""):
            raise FieldError(
                name, _("This field does not belong to this kind of record."), code="not_allowed"
            )
    out: dict[str, Any] = {}
    for name in allowed & set(TEXT_FIELDS):
        out[name] = _text(name, values.get(name) or "", TEXT_FIELDS[name])
    if kind == HygieneKind.CLEANING:
        target = values.get("target") or ""
        if target not in CleaningTarget.values:
            raise _required("target") if not target else FieldError("target", _("Choose tableware or area."))
        out["target"] = target
        if out["method"] not in DisinfectionMethod.values:
            raise _required("method") if not out["method"] else FieldError("method", _("Choose a method."))
        if target == CleaningTarget.AREA and not out["area"]:
            raise _required("area")
        if out["method"] == DisinfectionMethod.CHEMICAL and not out["agent"]:
            raise _required("agent")
    elif kind == HygieneKind.PEST:
        for name in ("area", "method"):
            if not out[name]:
                raise _required(name)
    elif kind == HygieneKind.WASTE:
        out["quantity_kg"] = _amount("quantity_kg", values.get("quantity_kg"), MAX_WASTE_KG)
        if not out["collector"]:
            raise _required("collector")
    else:
        for name in ("additive", "dish"):
            if not out[name]:
                raise _required(name)
        if any(word in out["additive"].lower() for word in BANNED_ADDITIVES):
            raise FieldError("additive", _("Nitrite is banned in school canteens."), code="banned")
        out["amount_g"] = _amount("amount_g", values.get("amount_g"), MAX_ADDITIVE_G)
    return out


def create_record(
    user: AnyUser,
    canteen_id: int,
    *,
    kind: str,
    done_at: datetime.datetime,
    person: str,
    photo: UploadedFile[bytes] | None,
    note: str = "",
    submission_key: uuid.UUID | None = None,
    **specific: Any,
) -> tuple[HygieneRecord, bool]:
    """(record, created). `specific` holds the kind's own fields (see KIND_FIELDS)."""
    canteen = canteen_for_recording(user, canteen_id, HygieneRecord)
    unknown = sorted(set(specific) - ALL_KIND_FIELDS)
    if unknown:
        raise FieldError(unknown[0], _("Unknown field."), code="unknown")
    fields = kind_fields(kind, specific)
    person = _text("person", person, 40, required=True)
    note = _text("note", note, 500)
    if timezone.is_naive(done_at):
        done_at = timezone.make_aware(done_at)
    now = timezone.now()
    if done_at > now + CLOCK_SKEW:
        raise FieldError("done_at", _("This time is in the future."), code="future")
    if done_at < now - MAX_AGE:
        raise FieldError("done_at", _("This time is more than a month ago."), code="too_old")

    def build() -> HygieneRecord:
        if photo is None:
            raise FieldError("photo", _("Take a photo."), code="required")
        stored = store_photo(photo, "photo", f"hygiene/{canteen.pk}")
        files.append(stored)
        return HygieneRecord(
            canteen=canteen,
            recorded_by=acting_user(user),
            kind=kind,
            done_at=done_at,
            date=timezone.localdate(done_at),
            person=person,
            note=note,
            photo=stored.path,
            photo_thumbnail=stored.thumbnail,
            **fields,
        )

    files: list[StoredFile] = []
    with removed_on_error(files):
        return create_once(HygieneRecord, submission_key, build, on_created=recount)
