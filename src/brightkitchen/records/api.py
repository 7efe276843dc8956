"""REST routes of canteen records under /api/v1/records/. Creates accept an `Idempotency-Key` header and
a `submission_key` (UUID): either way a resubmit creates nothing twice."""

import datetime
import uuid

from django.http import HttpRequest
from django.utils import timezone
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
    id_field,
    idempotent,
)
from brightkitchen.core.read_routes import add_detail_route, add_file_route
from brightkitchen.records import selectors, services
from brightkitchen.records.models import AccompaniedMeal, CompanionKind, SampleRetention
from brightkitchen.schedule.models import Meal

router = Router(tags=["records"])


class RecordFilterIn(DateRangeFilter):
    canteen: int | None = id_field(None)
    date_from: Day | None = None
    date_to: Day | None = None
    meal: Meal | None = None

    def filters(self) -> selectors.RecordFilters:
        return selectors.RecordFilters(
            canteen=self.canteen, date_from=self.date_from, date_to=self.date_to, meal=self.meal or ""
        )


# --- Sample retention -----------------------------------------------------------------------------------


class SampleOut(Schema):
    id: int
    canteen_id: int
    canteen_name: str
    date: datetime.date
    meal: Meal
    dish: str
    weight_g: int
    stored_at: datetime.datetime
    may_discard_at: datetime.datetime
    may_discard: bool
    sampled_by: str
    storage_label: str
    photo_url: str
    thumbnail_url: str
    discarded_at: datetime.datetime | None
    entered_at: datetime.datetime
    entered_late: bool = Field(description="Entered on a later day than the day it records (补录)")

    @staticmethod
    def of(sample: SampleRetention) -> "SampleOut":
        photo = f"/api/v1/records/samples/{sample.pk}/photo"
        return SampleOut(
            entered_at=sample.created_at,
            entered_late=sample.entered_late,
            id=sample.pk,
            canteen_id=sample.canteen_id,
            canteen_name=sample.canteen.name,
            date=sample.date,
            meal=Meal(sample.meal),
            dish=sample.dish,
            weight_g=sample.weight_g,
            stored_at=sample.stored_at,
            may_discard_at=sample.may_discard_at,
            may_discard=sample.may_discard(timezone.now()),
            sampled_by=sample.sampled_by,
            storage_label=sample.storage_label,
            photo_url=photo,
            thumbnail_url=f"{photo}?thumbnail=true" if sample.photo_thumbnail else photo,
            discarded_at=sample.discarded_at,
        )


class SampleIn(InputSchema):
    date: Day
    meal: Meal
    dish: str = Field(min_length=1, max_length=60)
    weight_g: int = Field(description="Whole grams, at least 125", ge=0, le=100_000)
    stored_at: datetime.datetime
    sampled_by: str = Field(min_length=1, max_length=40)
    storage_label: str = Field("", max_length=40)
    submission_key: uuid.UUID | None = None


@router.get(
    "/records/samples", response={200: list[SampleOut], **LIST_ERRORS}, summary="Sample retention records"
)
@paginate(Pagination)
def list_samples(request: HttpRequest, filters: Query[RecordFilterIn]) -> MappedQuerySet[SampleOut]:
    return MappedQuerySet(selectors.samples_for(request.user, filters.filters()), SampleOut.of)


@router.post(
    "/records/canteens/{canteen_id}/samples",
    response={201: SampleOut, 200: SampleOut, **ERRORS},
    summary="Retain a sample (multipart: the fields and a photo)",
)
def create_sample(
    request: HttpRequest, canteen_id: int, payload: Form[SampleIn], photo: File[UploadedFile]
) -> IdempotentAnswer:
    def create() -> tuple[int, SampleOut]:
        sample, created = services.create_sample(
            request.user, canteen_id, photo=photo, **payload.model_dump()
        )
        return (201 if created else 200), SampleOut.of(sample)

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/records/samples/{sample_id}",
    SampleOut,
    name="get_sample",
    summary="One sample",
    source=SampleRetention,
    related=("canteen",),
)


@router.post(
    "/records/samples/{sample_id}/discard",
    response={200: SampleOut, **ERRORS},
    summary="Mark a sample discarded (not before 48 hours)",
)
def discard_sample(request: HttpRequest, sample_id: int) -> SampleOut:
    services.discard_sample(request.user, sample_id)
    sample = SampleRetention.objects.select_related("canteen").get(pk=sample_id)
    return SampleOut.of(sample)


add_file_route(
    router,
    "/records/samples/{sample_id}/photo",
    SampleRetention,
    name="sample_photo",
    summary="The sample's photo (JPEG); ?thumbnail=true for the small one",
    thumbnail_field="photo_thumbnail",
)


# --- Accompanied meals ------------------------------------------------------------------------------------


class AccompaniedMealOut(Schema):
    id: int
    canteen_id: int
    canteen_name: str
    date: datetime.date
    meal: Meal
    companion_name: str
    companion_kind: CompanionKind
    covers_meal: bool
    rating: int
    problems: str
    answer: str
    answered_by: str
    answered_at: datetime.datetime | None

    @staticmethod
    def of(record: AccompaniedMeal) -> "AccompaniedMealOut":
        return AccompaniedMealOut(
            id=record.pk,
            canteen_id=record.canteen_id,
            canteen_name=record.canteen.name,
            date=record.date,
            meal=Meal(record.meal),
            companion_name=record.companion_name,
            companion_kind=CompanionKind(record.companion_kind),
            covers_meal=record.covers_meal,
            rating=record.rating,
            problems=record.problems,
            answer=record.answer,
            answered_by=str(record.answered_by) if record.answered_by else "",
            answered_at=record.answered_at,
        )


class AccompaniedMealIn(InputSchema):
    canteen_id: int = id_field()
    date: Day
    meal: Meal
    companion_name: str = Field(min_length=1, max_length=40)
    companion_kind: CompanionKind
    rating: int = Field(ge=1, le=5)
    problems: str = Field("", max_length=2000)
    submission_key: uuid.UUID | None = None


class RecordAnswerIn(InputSchema):
    answer: str = Field(min_length=1, max_length=2000)


@router.get(
    "/records/accompanied-meals",
    response={200: list[AccompaniedMealOut], **LIST_ERRORS},
    summary="Accompanied-meal records",
)
@paginate(Pagination)
def list_accompanied_meals(
    request: HttpRequest, filters: Query[RecordFilterIn]
) -> MappedQuerySet[AccompaniedMealOut]:
    qs = selectors.accompanied_meals_for(request.user, filters.filters())
    return MappedQuerySet(qs, AccompaniedMealOut.of)


@router.post(
    "/records/accompanied-meals",
    response={201: AccompaniedMealOut, 200: AccompaniedMealOut, **ERRORS},
    summary="Record an accompanied meal",
)
def create_accompanied_meal(request: HttpRequest, payload: AccompaniedMealIn) -> IdempotentAnswer:
    def create() -> tuple[int, AccompaniedMealOut]:
        data = payload.model_dump()
        record, created = services.create_accompanied_meal(request.user, data.pop("canteen_id"), **data)
        return (201 if created else 200), AccompaniedMealOut.of(record)

    return idempotent(request, payload, create)


@router.post(
    "/records/accompanied-meals/{record_id}/answer",
    response={200: AccompaniedMealOut, **ERRORS},
    summary="The school's answer to an accompanied meal's findings",
)
def answer_accompanied_meal(
    request: HttpRequest, record_id: int, payload: RecordAnswerIn
) -> AccompaniedMealOut:
    record = services.answer_accompanied_meal(request.user, record_id, payload.answer)
    return AccompaniedMealOut.of(record)
