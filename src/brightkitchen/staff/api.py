"""REST routes of canteen staff under /api/v1/staff/: the people (added under their canteen, like every
canteen record), their health certificates, morning checks and trainings (added under the person).
Creates accept an `Idempotency-Key` header and a `submission_key` (UUID): either way a resubmit creates
nothing twice. Certificates and trainings are multipart (the fields and a `photo` file), like every other
upload of the API."""

import datetime
import uuid
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate

from brightkitchen.core.api import (
    ERRORS,
    LIST_ERRORS,
    DateRangeFilter,
    Day,
    IdempotentAnswer,
    InputSchema,
    MappedQuerySet,
    Pagination,
    apply_nulls,
    decimal_field,
    id_field,
    idempotent,
)
from brightkitchen.core.days import today
from brightkitchen.core.read_routes import add_detail_route, add_file_route
from brightkitchen.core.scoping import Action, get_visible_or_404
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
    account_id: int | None = Field(description="The person's own sign-in account, when linked")
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
            account_id=staff.account_id,
            certificate_expires_on=expires,
            certificate_status=certificate_status(expires, today()),
        )


class StaffFilterIn(Schema):
    canteen: int | None = id_field(None)
    active: bool | None = None
    certificate_status: CertificateStatus | None = None
    q: str = Field("", max_length=40, description="Search in names")

    def filters(self) -> selectors.StaffFilters:
        return selectors.StaffFilters(
            canteen=self.canteen,
            active=self.active,
            certificate_status=self.certificate_status or "",
            q=self.q,
        )


class StaffIn(InputSchema):
    name: str = Field(min_length=1, max_length=40)
    position: Position = Position.COOK
    phone: str = Field("", max_length=32)
    hired_on: Day | None = None
    active: bool = True
    account_id: int | None = id_field(None, description="One of the canteen's sign-in accounts")
    submission_key: uuid.UUID | None = None


class StaffPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=40)
    position: Position | None = None
    phone: str | None = Field(None, max_length=32)
    hired_on: Day | None = None
    active: bool | None = None
    account_id: int | None = id_field(None, description="One of the canteen's sign-in accounts")


@router.get(
    "/staff/members",
    response={200: list[StaffOut], **LIST_ERRORS},
    summary="Canteen staff in your jurisdiction",
)
@paginate(Pagination)
def list_staff(request: HttpRequest, filters: Query[StaffFilterIn]) -> MappedQuerySet[StaffOut]:
    return MappedQuerySet(selectors.staff_for(request.user, filters.filters()), StaffOut.of)


@router.post(
    "/staff/canteens/{canteen_id}/members",
    response={201: StaffOut, 200: StaffOut, **ERRORS},
    summary="Add a staff member to a canteen",
)
def create_staff(request: HttpRequest, canteen_id: int, payload: StaffIn) -> IdempotentAnswer:
    def create() -> tuple[int, StaffOut]:
        canteen = canteen_for_recording(request.user, canteen_id, StaffMember)
        data = payload.model_dump()
        key = data.pop("submission_key")
        staff, created = services.create_staff(request.user, canteen, data, key)
        return (201 if created else 200), StaffOut.of(staff)

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/staff/members/{staff_id}",
    StaffOut,
    name="get_staff",
    summary="One staff member",
    source=StaffMember,
    related=("canteen",),
)


@router.patch(
    "/staff/members/{staff_id}", response={200: StaffOut, **ERRORS}, summary="Change a staff member"
)
def patch_staff(request: HttpRequest, staff_id: int, payload: StaffPatch) -> StaffOut:
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
            photo_url=f"/api/v1/staff/health-certificates/{cert.pk}/photo" if cert.photo else "",
        )


class CertificateFilterIn(Schema):
    canteen: int | None = id_field(None)
    staff_id: int | None = id_field(None)


class StaffCertificateIn(InputSchema):
    number: str = Field(min_length=1, max_length=40)
    issued_on: Day
    expires_on: Day | None = Field(None, description="One year after issue if left out")
    submission_key: uuid.UUID | None = None


@router.get(
    "/staff/health-certificates",
    response={200: list[StaffCertificateOut], **LIST_ERRORS},
    summary="Health certificates in your jurisdiction",
)
@paginate(Pagination)
def list_certificates(
    request: HttpRequest, filters: Query[CertificateFilterIn]
) -> MappedQuerySet[StaffCertificateOut]:
    qs = selectors.certificates_for(request.user, staff=filters.staff_id, canteen=filters.canteen)
    return MappedQuerySet(qs, StaffCertificateOut.of)


@router.post(
    "/staff/members/{staff_id}/health-certificates",
    response={201: StaffCertificateOut, 200: StaffCertificateOut, **ERRORS},
    summary="Add a health certificate (multipart: the fields and a `photo` file)",
    description="The photo is a JPEG, PNG or WebP photo or a PDF scan; location metadata is removed.",
)
def create_certificate(
    request: HttpRequest,
    staff_id: int,
    payload: Form[StaffCertificateIn],
    photo: File[UploadedFile] = None,  # type: ignore[assignment]
) -> IdempotentAnswer:
    def create() -> tuple[int, StaffCertificateOut]:
        staff = services.staff_for_change(request.user, staff_id, HealthCertificate)
        cert, created = services.add_certificate(request.user, staff, photo=photo, **payload.model_dump())
        return (201 if created else 200), StaffCertificateOut.of(cert)

    return idempotent(request, payload, create)


add_file_route(
    router,
    "/staff/health-certificates/{certificate_id}/photo",
    HealthCertificate,
    name="certificate_photo",
    summary="The certificate's photo or scan; ?thumbnail=true for the small one",
)


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
    entered_at: datetime.datetime
    entered_late: bool = Field(description="Entered on a later day than the day it records (补录)")

    @staticmethod
    def of(check: MorningCheck) -> "MorningCheckOut":
        return MorningCheckOut(
            entered_at=check.created_at,
            entered_late=check.entered_late,
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
    canteen: int | None = id_field(None)
    staff_id: int | None = id_field(None)
    date_from: Day | None = None
    date_to: Day | None = None
    result: CheckResult | None = None


class MorningCheckIn(InputSchema):
    date: Day | None = Field(None, description="Today if left out")
    temperature: Decimal = decimal_field(digits=3, places=1, ge=TEMPERATURE_MIN, le=TEMPERATURE_MAX)
    fever: bool = False
    diarrhoea: bool = False
    skin_wound: bool = False
    sore_throat: bool = False
    other_symptoms: str = Field("", max_length=200)
    submission_key: uuid.UUID | None = None


@router.get(
    "/staff/morning-checks",
    response={200: list[MorningCheckOut], **LIST_ERRORS},
    summary="Morning checks in your jurisdiction",
)
@paginate(Pagination)
def list_morning_checks(
    request: HttpRequest, filters: Query[MorningCheckFilterIn]
) -> MappedQuerySet[MorningCheckOut]:
    qs = selectors.morning_checks_for(
        request.user,
        canteen=filters.canteen,
        staff=filters.staff_id,
        start=filters.date_from,
        end=filters.date_to,
        result=filters.result or "",
    )
    return MappedQuerySet(qs, MorningCheckOut.of)


@router.post(
    "/staff/members/{staff_id}/morning-checks",
    response={201: MorningCheckOut, 200: MorningCheckOut, **ERRORS},
    summary="Check a staff member in before work",
)
def create_morning_check(request: HttpRequest, staff_id: int, payload: MorningCheckIn) -> IdempotentAnswer:
    def create() -> tuple[int, MorningCheckOut]:
        staff = services.staff_for_change(request.user, staff_id, MorningCheck)
        check, created = services.record_morning_check(request.user, staff, **payload.model_dump())
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
            photo_url=f"/api/v1/staff/training-records/{record.pk}/photo" if record.photo else "",
        )


class TrainingFilterIn(DateRangeFilter):
    canteen: int | None = id_field(None)
    staff_id: int | None = id_field(None)
    date_from: Day | None = None
    date_to: Day | None = None


class TrainingIn(InputSchema):
    title: str = Field(min_length=1, max_length=120)
    date: Day
    hours: Decimal = decimal_field(digits=4, places=1, ge=Decimal("0.5"), le=Decimal("200"))
    submission_key: uuid.UUID | None = None


@router.get(
    "/staff/training-records",
    response={200: list[TrainingOut], **LIST_ERRORS},
    summary="Staff training records in your jurisdiction",
)
@paginate(Pagination)
def list_trainings(request: HttpRequest, filters: Query[TrainingFilterIn]) -> MappedQuerySet[TrainingOut]:
    qs = selectors.trainings_for(
        request.user,
        staff=filters.staff_id,
        canteen=filters.canteen,
        start=filters.date_from,
        end=filters.date_to,
    )
    return MappedQuerySet(qs, TrainingOut.of)


@router.post(
    "/staff/members/{staff_id}/training-records",
    response={201: TrainingOut, 200: TrainingOut, **ERRORS},
    summary="Record a training a staff member attended (multipart: the fields and an optional `photo`)",
    description="The photo of the training certificate is a JPEG, PNG or WebP; location metadata is removed.",
)
def create_training(
    request: HttpRequest,
    staff_id: int,
    payload: Form[TrainingIn],
    photo: File[UploadedFile] = None,  # type: ignore[assignment]
) -> IdempotentAnswer:
    def create() -> tuple[int, TrainingOut]:
        staff = services.staff_for_change(request.user, staff_id, TrainingRecord)
        record, created = services.add_training(request.user, staff, photo=photo, **payload.model_dump())
        return (201 if created else 200), TrainingOut.of(record)

    return idempotent(request, payload, create)


add_file_route(
    router,
    "/staff/training-records/{record_id}/photo",
    TrainingRecord,
    name="training_photo",
    summary="The training certificate's photo; ?thumbnail=true for the small one",
)
