import base64
import binascii
import datetime
import json
import uuid
from decimal import Decimal
from typing import Any, TypeVar

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from pydantic import ValidationError as PydanticValidationError

from brightkitchen.core.api import (
    ERRORS,
    FILE_RESPONSE,
    LIST_ERRORS,
    DateRangeFilter,
    Day,
    ErrorOut,
    InputSchema,
    MappedQuerySet,
    Pagination,
    apply_nulls,
    id_field,
    idempotent,
)
from brightkitchen.core.days import today
from brightkitchen.core.scoping import Action, get_visible_or_404
from brightkitchen.core.uploads import MAX_PDF_BYTES, MAX_PHOTO_BYTES, serve
from brightkitchen.schools.services import canteen_for_recording
from brightkitchen.staff import selectors, services
from brightkitchen.staff.models import (
    TEMPERATURE_MAX,
    TEMPERATURE_MIN,
    CertificateStatus,
    CheckResult,
    HealthCertificate,
    MorningCheck,
    Position,
    StaffMember,
    TrainingRecord,
    certificate_status,
)

router = Router(tags=["staff"])

_In = TypeVar("_In", bound=InputSchema)


# --- Staff -------------------------------------------------------------------------------------------


class StaffOut(Schema):
    id: int
    canteen_id: int
    canteen_name: str
    name: str
    position: Position
    phone: str
    hired_on: datetime.date | None
    active: bool
    certificate_expires_on: datetime.date | None
    certificate_status: CertificateStatus

    @staticmethod
    def of(staff: StaffMember) -> "StaffOut":
        expires = getattr(staff, "cert_expires_on", None)
        if not hasattr(staff, "cert_expires_on"):
            expires = (
                staff.certificates.filter(issued_on__lte=today())
                .order_by("-expires_on")
                .values_list("expires_on", flat=True)
                .first()
            )
        return StaffOut(
            id=staff.pk,
            canteen_id=staff.canteen_id,
            canteen_name=staff.canteen.name,
            name=staff.name,
            position=Position(staff.position),
            phone=staff.phone,
            hired_on=staff.hired_on,
            active=staff.active,
            certificate_expires_on=expires,
            certificate_status=certificate_status(expires, today()),
        )


class StaffFilterIn(Schema):
    canteen_id: int | None = id_field(None)
    active: bool | None = None
    certificate_status: CertificateStatus | None = None
    q: str = Field("", max_length=40, description="Search in names")


class StaffIn(InputSchema):
    canteen_id: int | None = id_field(None, description="Canteen users may leave it out")
    name: str = Field(min_length=1, max_length=40)
    position: Position = Position.COOK
    phone: str = Field("", max_length=32)
    hired_on: Day | None = None
    active: bool = True
    submission_key: uuid.UUID | None = None


class StaffPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=40)
    position: Position | None = None
    phone: str | None = Field(None, max_length=32)
    hired_on: Day | None = None
    active: bool | None = None


@router.get(
    "/staff", response={200: list[StaffOut], **LIST_ERRORS}, summary="Canteen staff in your jurisdiction"
)
@paginate(Pagination)
def list_staff(request: HttpRequest, filters: Query[StaffFilterIn]) -> Any:
    qs = selectors.staff_for(
        request.user,
        selectors.StaffFilters(
            canteen=filters.canteen_id,
            active=filters.active,
            certificate_status=filters.certificate_status or "",
            q=filters.q,
        ),
    )
    return MappedQuerySet(qs, StaffOut.of)


@router.post("/staff", response={201: StaffOut, 200: StaffOut, **ERRORS}, summary="Add a staff member")
def create_staff(request: HttpRequest, payload: StaffIn) -> Any:
    def create() -> tuple[int, StaffOut]:
        data = payload.model_dump()
        canteen = canteen_for_recording(request.user, data.pop("canteen_id"), StaffMember)
        key = data.pop("submission_key")
        staff, created = services.create_staff(request.user, canteen, data, key)
        return (201 if created else 200), StaffOut.of(staff)

    return idempotent(request, payload, create)


@router.patch("/staff/{staff_id}", response={200: StaffOut, **ERRORS}, summary="Change a staff member")
def patch_staff(request: HttpRequest, staff_id: int, payload: StaffPatch) -> Any:
    staff = get_visible_or_404(StaffMember, request.user, Action.CHANGE, related=("canteen",), pk=staff_id)
    changes = apply_nulls(StaffMember, payload.model_dump(exclude_unset=True))
    return StaffOut.of(services.update_staff(request.user, staff, changes))


# --- Health certificates -----------------------------------------------------------------------------


class StaffCertificateOut(Schema):
    id: int
    staff_id: int
    staff_name: str
    canteen_id: int
    number: str
    issued_on: datetime.date
    expires_on: datetime.date
    status: CertificateStatus
    has_photo: bool
    photo_url: str

    @staticmethod
    def of(cert: HealthCertificate) -> "StaffCertificateOut":
        return StaffCertificateOut(
            id=cert.pk,
            staff_id=cert.staff_id,
            staff_name=cert.staff.name,
            canteen_id=cert.canteen_id,
            number=cert.number,
            issued_on=cert.issued_on,
            expires_on=cert.expires_on,
            status=cert.status(today()),
            has_photo=bool(cert.photo),
            photo_url=f"/api/v1/health-certificates/{cert.pk}/photo" if cert.photo else "",
        )


class CertificateFilterIn(Schema):
    staff_id: int | None = id_field(None)
    canteen_id: int | None = id_field(None)


class CertificateForm(Schema):
    """The multipart form fields (all checked again by StaffCertificateIn)."""

    staff_id: int | None = id_field(None)
    number: str | None = Field(None, max_length=40)
    issued_on: Day | None = None
    expires_on: Day | None = Field(None, description="One year after issue if left out")
    submission_key: uuid.UUID | None = None


class StaffCertificateIn(InputSchema):
    staff_id: int = id_field()
    number: str = Field(min_length=1, max_length=40)
    issued_on: Day
    expires_on: Day | None = None
    submission_key: uuid.UUID | None = None
    # JSON clients (apps) send the photo or PDF base64-encoded; forms send the `photo` file.
    photo_base64: str | None = Field(None, max_length=(MAX_PDF_BYTES * 4) // 3 + 4)


def _certificate_input(request: HttpRequest, form: CertificateForm) -> StaffCertificateIn:
    return _form_or_json(request, form, StaffCertificateIn)


def _form_or_json(request: HttpRequest, form: Schema, schema: type[_In]) -> _In:
    """The input of a route taking a multipart form (with a file) or a JSON body, checked by `schema`."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            raise NinjaValidationError(
                [{"loc": ["body"], "msg": _("The body is not valid JSON."), "type": "json_invalid"}]
            ) from None
        if not isinstance(data, dict):
            raise NinjaValidationError(
                [{"loc": ["body"], "msg": _("Send a JSON object."), "type": "invalid"}]
            )
    else:
        data = form.model_dump(exclude_none=True, mode="json")
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        raise NinjaValidationError(
            [
                {"loc": ["body", *(str(p) for p in e["loc"])], "msg": e["msg"], "type": e["type"]}
                for e in exc.errors()
            ]
        ) from None


def _decoded_photo(payload: "StaffCertificateIn | TrainingIn") -> SimpleUploadedFile | None:
    if payload.photo_base64 is None:
        return None
    text = payload.photo_base64.split(",", 1)[-1]  # a data: URL is fine too
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NinjaValidationError(
            [{"loc": ["body", "photo_base64"], "msg": _("This is not base64."), "type": "invalid"}]
        ) from None
    return SimpleUploadedFile("photo", content)


@router.get(
    "/health-certificates",
    response={200: list[StaffCertificateOut], **LIST_ERRORS},
    summary="Health certificates in your jurisdiction",
)
@paginate(Pagination)
def list_certificates(request: HttpRequest, filters: Query[CertificateFilterIn]) -> Any:
    qs = selectors.certificates_for(request.user, staff=filters.staff_id, canteen=filters.canteen_id)
    return MappedQuerySet(qs, StaffCertificateOut.of)


@router.post(
    "/health-certificates",
    response={201: StaffCertificateOut, 200: StaffCertificateOut, **ERRORS},
    summary="Add a health certificate with its photo",
    description=(
        "multipart/form-data with the fields and a `photo` file (JPEG, PNG, WebP or PDF) — or a JSON body "
        "with the photo as `photo_base64`. Location metadata is removed from photos."
    ),
)
def create_certificate(
    request: HttpRequest,
    form: Form[CertificateForm],
    photo: File[UploadedFile | None] = None,
) -> Any:
    payload = _certificate_input(request, form)
    staff = services.staff_for_change(request.user, payload.staff_id, HealthCertificate)

    def create() -> tuple[int, StaffCertificateOut]:
        cert, created = services.add_certificate(
            request.user,
            staff,
            number=payload.number,
            issued_on=payload.issued_on,
            expires_on=payload.expires_on,
            photo=photo if photo is not None else _decoded_photo(payload),
            submission_key=payload.submission_key,
        )
        return (201 if created else 200), StaffCertificateOut.of(cert)

    return idempotent(request, payload, create)


@router.get(
    "/health-certificates/{certificate_id}/photo",
    response={200: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=FILE_RESPONSE,
    summary="The certificate's photo or scan (thumbnail=true for the small one)",
)
def certificate_photo(request: HttpRequest, certificate_id: int, thumbnail: bool = False) -> Any:
    cert = get_visible_or_404(HealthCertificate, request.user, Action.VIEW, pk=certificate_id)
    return serve(cert.thumbnail if thumbnail and cert.thumbnail else cert.photo)


# --- Morning checks ----------------------------------------------------------------------------------


class MorningCheckOut(Schema):
    id: int
    staff_id: int
    staff_name: str
    canteen_id: int
    date: datetime.date
    checked_at: datetime.datetime
    temperature: Decimal
    fever: bool
    diarrhoea: bool
    skin_wound: bool
    sore_throat: bool
    other_symptoms: str
    result: CheckResult

    @staticmethod
    def of(check: MorningCheck) -> "MorningCheckOut":
        return MorningCheckOut(
            id=check.pk,
            staff_id=check.staff_id,
            staff_name=check.staff.name,
            canteen_id=check.canteen_id,
            date=check.date,
            checked_at=check.checked_at,
            temperature=check.temperature,
            fever=check.fever,
            diarrhoea=check.diarrhoea,
            skin_wound=check.skin_wound,
            sore_throat=check.sore_throat,
            other_symptoms=check.other_symptoms,
            result=CheckResult(check.result),
        )


class MorningCheckFilterIn(DateRangeFilter):
    canteen_id: int | None = id_field(None)
    staff_id: int | None = id_field(None)
    date_from: Day | None = None
    date_to: Day | None = None
    result: CheckResult | None = None


class MorningCheckIn(InputSchema):
    staff_id: int = id_field()
    date: Day | None = Field(None, description="Today if left out")
    temperature: Decimal = Field(ge=TEMPERATURE_MIN, le=TEMPERATURE_MAX, decimal_places=1, max_digits=3)
    fever: bool = False
    diarrhoea: bool = False
    skin_wound: bool = False
    sore_throat: bool = False
    other_symptoms: str = Field("", max_length=200)
    submission_key: uuid.UUID | None = None


@router.get(
    "/morning-checks",
    response={200: list[MorningCheckOut], **LIST_ERRORS},
    summary="Morning checks in your jurisdiction",
)
@paginate(Pagination)
def list_morning_checks(request: HttpRequest, filters: Query[MorningCheckFilterIn]) -> Any:
    qs = selectors.morning_checks_for(
        request.user,
        canteen=filters.canteen_id,
        staff=filters.staff_id,
        start=filters.date_from,
        end=filters.date_to,
        result=filters.result or "",
    )
    return MappedQuerySet(qs, MorningCheckOut.of)


@router.post(
    "/morning-checks",
    response={201: MorningCheckOut, 200: MorningCheckOut, **ERRORS},
    summary="Check a staff member in before work",
)
def create_morning_check(request: HttpRequest, payload: MorningCheckIn) -> Any:
    def create() -> tuple[int, MorningCheckOut]:
        data = payload.model_dump()
        staff = services.staff_for_change(request.user, data.pop("staff_id"), MorningCheck)
        check, created = services.record_morning_check(request.user, staff, **data)
        return (201 if created else 200), MorningCheckOut.of(check)

    return idempotent(request, payload, create)


# --- Training records --------------------------------------------------------------------------------


class TrainingOut(Schema):
    id: int
    staff_id: int
    staff_name: str
    canteen_id: int
    title: str
    date: datetime.date
    hours: Decimal
    has_photo: bool
    photo_url: str

    @staticmethod
    def of(record: TrainingRecord) -> "TrainingOut":
        return TrainingOut(
            id=record.pk,
            staff_id=record.staff_id,
            staff_name=record.staff.name,
            canteen_id=record.canteen_id,
            title=record.title,
            date=record.date,
            hours=record.hours,
            has_photo=bool(record.photo),
            photo_url=f"/api/v1/training-records/{record.pk}/photo" if record.photo else "",
        )


class TrainingFilterIn(DateRangeFilter):
    staff_id: int | None = id_field(None)
    canteen_id: int | None = id_field(None)
    date_from: Day | None = None
    date_to: Day | None = None


class TrainingForm(Schema):
    """The multipart form fields (all checked again by TrainingIn)."""

    staff_id: int | None = id_field(None)
    title: str | None = Field(None, max_length=120)
    date: Day | None = None
    hours: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    submission_key: uuid.UUID | None = None


class TrainingIn(InputSchema):
    staff_id: int = id_field()
    title: str = Field(min_length=1, max_length=120)
    date: Day
    hours: Decimal = Field(ge=Decimal("0.5"), le=Decimal("200"), max_digits=4, decimal_places=1)
    submission_key: uuid.UUID | None = None
    # Optional certificate photo: JSON clients send it base64-encoded; forms send the `photo` file.
    photo_base64: str | None = Field(None, max_length=(MAX_PHOTO_BYTES * 4) // 3 + 4)


@router.get(
    "/training-records",
    response={200: list[TrainingOut], **LIST_ERRORS},
    summary="Staff training records in your jurisdiction",
)
@paginate(Pagination)
def list_trainings(request: HttpRequest, filters: Query[TrainingFilterIn]) -> Any:
    qs = selectors.trainings_for(
        request.user,
        staff=filters.staff_id,
        canteen=filters.canteen_id,
        start=filters.date_from,
        end=filters.date_to,
    )
    return MappedQuerySet(qs, TrainingOut.of)


@router.post(
    "/training-records",
    response={201: TrainingOut, 200: TrainingOut, **ERRORS},
    summary="Record a training a staff member attended",
    description=(
        "multipart/form-data with the fields and an optional `photo` file of the training certificate "
        "(JPEG, PNG or WebP) — or a JSON body with the photo as `photo_base64`. Location metadata is "
        "removed from photos."
    ),
)
def create_training(
    request: HttpRequest,
    form: Form[TrainingForm],
    photo: File[UploadedFile | None] = None,
) -> Any:
    payload = _form_or_json(request, form, TrainingIn)
    staff = services.staff_for_change(request.user, payload.staff_id, TrainingRecord)

    def create() -> tuple[int, TrainingOut]:
        record, created = services.add_training(
            request.user,
            staff,
            title=payload.title,
            date=payload.date,
            hours=payload.hours,
            photo=photo if photo is not None else _decoded_photo(payload),
            submission_key=payload.submission_key,
        )
        return (201 if created else 200), TrainingOut.of(record)

    return idempotent(request, payload, create)


@router.get(
    "/training-records/{record_id}/photo",
    response={200: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=FILE_RESPONSE,
    summary="The training certificate's photo (thumbnail=true for the small one)",
)
def training_photo(request: HttpRequest, record_id: int, thumbnail: bool = False) -> Any:
    record = get_visible_or_404(TrainingRecord, request.user, Action.VIEW, pk=record_id)
    return serve(record.thumbnail if thumbnail and record.thumbnail else record.photo)
