"""REST routes of purchase inspection under /api/v1/purchases/. Creates are multipart (fields and
certificate files) and accept an `Idempotency-Key` header and a `submission_key`: a resubmit creates
nothing twice. Records are corrected with PATCH; DELETE is refused (409, `retain_until`) until the legal
retention is over."""

import datetime
import uuid
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
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
from brightkitchen.purchases import selectors, services
from brightkitchen.purchases.models import (
    CertificateKind,
    Decision,
    PurchaseCertificate,
    PurchaseInspection,
    RejectionHandling,
)

router = Router(tags=["purchases"])


class PurchaseCertificateOut(Schema):
    id: int
    kind: CertificateKind
    content_type: str
    size: int
    url: str
    thumbnail_url: str
    uploaded_at: datetime.datetime

    @staticmethod
    def of(certificate: PurchaseCertificate) -> "PurchaseCertificateOut":
        url = f"/api/v1/purchases/certificates/{certificate.pk}/file"
        return PurchaseCertificateOut(
            id=certificate.pk,
            kind=CertificateKind(certificate.kind),
            content_type=certificate.content_type,
            size=certificate.size,
            url=url,
            thumbnail_url=f"{url}?thumbnail=true" if certificate.thumbnail else "",
            uploaded_at=certificate.created_at,
        )


class PurchaseInspectionOut(Schema):
    id: int
    canteen_id: int
    canteen_name: str
    delivered_on: datetime.date
    supplier_name: str
    product: str
    specification: str
    quantity: Decimal
    unit: str
    production_date: datetime.date | None
    lot_number: str
    shelf_life_days: int | None
    bulk_staple: bool
    acceptor_name: str
    acceptor_id: int | None
    second_acceptor_name: str
    second_acceptor_id: int | None
    decision: Decision
    rejection_reason: str
    rejection_handling: RejectionHandling | None
    retain_until: datetime.date
    may_delete: bool
    certificates: list[PurchaseCertificateOut]
    entered_at: datetime.datetime
    entered_late: bool = Field(description="Entered on a later day than the day it records (补录)")

    @staticmethod
    def of(record: PurchaseInspection) -> "PurchaseInspectionOut":
        return PurchaseInspectionOut(
            entered_at=record.created_at,
            entered_late=record.entered_late,
            id=record.pk,
            canteen_id=record.canteen_id,
            canteen_name=record.canteen.name,
            delivered_on=record.delivered_on,
            supplier_name=record.supplier_name,
            product=record.product,
            specification=record.specification,
            quantity=record.quantity,
            unit=record.unit,
            production_date=record.production_date,
            lot_number=record.lot_number,
            shelf_life_days=record.shelf_life_days,
            bulk_staple=record.bulk_staple,
            acceptor_name=record.acceptor_name,
            acceptor_id=record.acceptor_id,
            second_acceptor_name=record.second_acceptor_name,
            second_acceptor_id=record.second_acceptor_id,
            decision=Decision(record.decision),
            rejection_reason=record.rejection_reason,
            rejection_handling=RejectionHandling(record.rejection_handling)
            if record.rejection_handling
            else None,
            retain_until=record.retain_until,
            may_delete=record.may_delete(today()),
            certificates=[PurchaseCertificateOut.of(c) for c in record.certificates.all()],
        )


class PurchaseInspectionFilterIn(DateRangeFilter):
    canteen: int | None = id_field(None)
    date_from: Day | None = None
    date_to: Day | None = None
    missing_certificate: bool | None = None


class PurchaseInspectionIn(InputSchema):
    delivered_on: Day
    supplier_name: str = Field(min_length=1, max_length=100)
    product: str = Field(min_length=1, max_length=60)
    specification: str = Field("", max_length=60)
    quantity: Decimal = decimal_field(digits=10, places=2, gt=0)
    unit: str = Field(min_length=1, max_length=16)
    production_date: Day | None = None
    lot_number: str = Field("", max_length=40)
    shelf_life_days: int | None = Field(None, ge=1, le=3650)
    bulk_staple: bool = False
    acceptor_name: str = Field("", max_length=40, description="The acting user when left out")
    acceptor_id: int | None = id_field(None)
    second_acceptor_name: str = Field("", max_length=40)
    second_acceptor_id: int | None = id_field(None)
    decision: Decision = Decision.ACCEPTED
    rejection_reason: str = Field("", max_length=200)
    rejection_handling: RejectionHandling | None = None
    certificate_kind: CertificateKind = CertificateKind.QUALITY
    submission_key: uuid.UUID | None = None


class InspectionPatch(InputSchema):
    delivered_on: Day | None = None
    supplier_name: str | None = Field(None, min_length=1, max_length=100)
    product: str | None = Field(None, min_length=1, max_length=60)
    specification: str | None = Field(None, max_length=60)
    quantity: Decimal | None = decimal_field(None, digits=10, places=2, gt=0)
    unit: str | None = Field(None, min_length=1, max_length=16)
    production_date: Day | None = None
    lot_number: str | None = Field(None, max_length=40)
    shelf_life_days: int | None = Field(None, ge=1, le=3650)
    bulk_staple: bool | None = None
    acceptor_name: str | None = Field(None, max_length=40)
    acceptor_id: int | None = id_field(None)
    second_acceptor_name: str | None = Field(None, max_length=40)
    second_acceptor_id: int | None = id_field(None)
    decision: Decision | None = None
    rejection_reason: str | None = Field(None, max_length=200)
    rejection_handling: RejectionHandling | None = None


class PurchaseCertificateIn(InputSchema):
    kind: CertificateKind = CertificateKind.QUALITY
    submission_key: uuid.UUID | None = None


def _one(record_id: int) -> PurchaseInspectionOut:
    return PurchaseInspectionOut.of(
        selectors.with_certificates(PurchaseInspection.objects.all())
        .select_related("canteen")
        .get(pk=record_id)
    )


@router.get(
    "/purchases/inspections",
    response={200: list[PurchaseInspectionOut], **LIST_ERRORS},
    summary="Purchase inspections",
)
@paginate(Pagination)
def list_inspections(
    request: HttpRequest, filters: Query[PurchaseInspectionFilterIn]
) -> MappedQuerySet[PurchaseInspectionOut]:
    qs = selectors.inspections_for(
        request.user,
        selectors.InspectionFilters(
            canteen=filters.canteen,
            date_from=filters.date_from,
            date_to=filters.date_to,
            missing_certificate=filters.missing_certificate,
        ),
    )
    return MappedQuerySet(qs, PurchaseInspectionOut.of)


@router.post(
    "/purchases/canteens/{canteen_id}/inspections",
    response={201: PurchaseInspectionOut, 200: PurchaseInspectionOut, **ERRORS},
    summary="Record a delivery (multipart: the fields and any number of `certificates` files)",
    description="Certificates are JPEG, PNG, WebP photos or PDF scans; location metadata is removed.",
)
def create_inspection(
    request: HttpRequest,
    canteen_id: int,
    payload: Form[PurchaseInspectionIn],
    certificates: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> IdempotentAnswer:
    def create() -> tuple[int, PurchaseInspectionOut]:
        data = payload.model_dump()
        key = data.pop("submission_key")
        kind = data.pop("certificate_kind")
        record, created = services.create_inspection(
            request.user,
            canteen_id,
            data,
            certificates=certificates or [],
            certificate_kind=kind,
            submission_key=key,
        )
        return (201 if created else 200), _one(record.pk)

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/purchases/inspections/{record_id}",
    PurchaseInspectionOut,
    name="get_inspection",
    summary="One delivery",
    source=selectors.inspections_for,
)


@router.patch(
    "/purchases/inspections/{record_id}",
    response={200: PurchaseInspectionOut, **ERRORS},
    summary="Correct a delivery (every correction is in the audit log)",
)
def correct_inspection(
    request: HttpRequest, record_id: int, payload: InspectionPatch
) -> PurchaseInspectionOut:
    changes = apply_nulls(PurchaseInspection, payload.model_dump(exclude_unset=True))
    record = services.correct_inspection(request.user, record_id, changes)
    return _one(record.pk)


@router.delete(
    "/purchases/inspections/{record_id}",
    response={204: None, **ERRORS},
    summary="Delete a delivery once its retention is over (409 on retain_until before)",
)
def delete_inspection(request: HttpRequest, record_id: int) -> Status[None]:
    services.delete_inspection(request.user, record_id)
    return Status(204, None)


@router.post(
    "/purchases/inspections/{record_id}/certificates",
    response={201: PurchaseCertificateOut, 200: PurchaseCertificateOut, **ERRORS},
    summary="Add a certificate photo or PDF to a delivery (multipart: kind and `file`)",
)
def add_certificate(
    request: HttpRequest,
    record_id: int,
    payload: Form[PurchaseCertificateIn],
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> IdempotentAnswer:
    def create() -> tuple[int, PurchaseCertificateOut]:
        certificate, created = services.add_certificate(
            request.user, record_id, file, kind=payload.kind, submission_key=payload.submission_key
        )
        return (201 if created else 200), PurchaseCertificateOut.of(certificate)

    return idempotent(request, payload, create)


add_file_route(
    router,
    "/purchases/certificates/{certificate_id}/file",
    PurchaseCertificate,
    name="certificate_file",
    summary="A certificate's photo (JPEG) or PDF; ?thumbnail=true for a photo's small one",
    file_field="file",
)
