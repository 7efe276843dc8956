"""REST routes of hygiene ledgers under /api/v1/hygiene/. Creates are multipart (fields and a photo) and
accept an `Idempotency-Key` header and a `submission_key`."""

import datetime
import decimal
import uuid

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
    decimal_field,
    id_field,
    idempotent,
)
from brightkitchen.core.read_routes import add_detail_route, add_file_route
from brightkitchen.hygiene import selectors, services
from brightkitchen.hygiene.models import CleaningTarget, HygieneKind, HygieneRecord

router = Router(tags=["hygiene"])


class HygieneOut(Schema):
    id: int
    canteen_id: int
    canteen_name: str
    kind: HygieneKind
    done_at: datetime.datetime
    date: datetime.date
    person: str
    note: str
    target: str
    area: str
    method: str
    agent: str
    quantity_kg: decimal.Decimal | None
    collector: str
    additive: str
    amount_g: decimal.Decimal | None
    dish: str
    photo_url: str
    thumbnail_url: str
    entered_at: datetime.datetime
    entered_late: bool = Field(description="Entered on a later day than the day it records (补录)")

    @staticmethod
    def of(record: HygieneRecord) -> "HygieneOut":
        photo = f"/api/v1/hygiene/records/{record.pk}/photo"
        return HygieneOut(
            entered_at=record.created_at,
            entered_late=record.entered_late,
            id=record.pk,
            canteen_id=record.canteen_id,
            canteen_name=record.canteen.name,
            kind=HygieneKind(record.kind),
            done_at=record.done_at,
            date=record.date,
            person=record.person,
            note=record.note,
            target=record.target,
            area=record.area,
            method=record.method,
            agent=record.agent,
            quantity_kg=record.quantity_kg,
            collector=record.collector,
            additive=record.additive,
            amount_g=record.amount_g,
            dish=record.dish,
            photo_url=photo,
            thumbnail_url=f"{photo}?thumbnail=true" if record.photo_thumbnail else photo,
        )


class HygieneFilterIn(DateRangeFilter):
    canteen: int | None = id_field(None)
    kind: HygieneKind | None = None
    date_from: Day | None = None
    date_to: Day | None = None

    def filters(self) -> selectors.HygieneFilters:
        return selectors.HygieneFilters(
            canteen=self.canteen, kind=self.kind or "", date_from=self.date_from, date_to=self.date_to
        )


class HygieneIn(InputSchema):
    kind: HygieneKind
    done_at: datetime.datetime
    person: str = Field(min_length=1, max_length=40)
    note: str = Field("", max_length=500)
    target: CleaningTarget | None = None
    area: str = Field("", max_length=60)
    method: str = Field("", max_length=60)
    agent: str = Field("", max_length=60)
    quantity_kg: decimal.Decimal | None = decimal_field(None, digits=7, places=1, ge=0)
    collector: str = Field("", max_length=60)
    additive: str = Field("", max_length=60)
    amount_g: decimal.Decimal | None = decimal_field(None, digits=7, places=1, ge=0)
    dish: str = Field("", max_length=60)
    submission_key: uuid.UUID | None = None


@router.get(
    "/hygiene/records", response={200: list[HygieneOut], **LIST_ERRORS}, summary="Hygiene ledger records"
)
@paginate(Pagination)
def list_records(request: HttpRequest, filters: Query[HygieneFilterIn]) -> MappedQuerySet[HygieneOut]:
    return MappedQuerySet(selectors.records_for(request.user, filters.filters()), HygieneOut.of)


@router.post(
    "/hygiene/canteens/{canteen_id}/records",
    response={201: HygieneOut, 200: HygieneOut, **ERRORS},
    summary="Record a cleaning, pest control, waste or additive occurrence (multipart: fields and a photo)",
)
def create_record(
    request: HttpRequest, canteen_id: int, payload: Form[HygieneIn], photo: File[UploadedFile]
) -> IdempotentAnswer:
    def create() -> tuple[int, HygieneOut]:
        data = payload.model_dump()
        data["kind"] = HygieneKind(data["kind"]).value
        data["target"] = CleaningTarget(data["target"]).value if data["target"] else ""
        record, created = services.create_record(request.user, canteen_id, photo=photo, **data)
        return (201 if created else 200), HygieneOut.of(record)

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/hygiene/records/{record_id}",
    HygieneOut,
    name="get_record",
    summary="One hygiene record",
    source=HygieneRecord,
    related=("canteen",),
)


add_file_route(
    router,
    "/hygiene/records/{record_id}/photo",
    HygieneRecord,
    name="record_photo",
    summary="The record's photo (JPEG); ?thumbnail=true for the small one",
    thumbnail_field="photo_thumbnail",
)
