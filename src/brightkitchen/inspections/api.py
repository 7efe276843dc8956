"""REST routes of standardised inspection under /api/v1/inspections: checklist templates, their
versions and items (regulators of the owning region edit; an edit of a published version goes to the
next draft), inspections (create is multipart: the fields, `results` as a JSON list, and photos in
fields named `photos.<item code>`), evidence photos and the year's inspection plan. Creates accept an
`Idempotency-Key` header and a `submission_key`: a resubmit creates nothing twice."""

import datetime
import uuid

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Form, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import TypeAdapter

from brightkitchen.checklists.models import MAX_WEIGHT, ChecklistItem, ChecklistTemplate, ChecklistVersion
from brightkitchen.core.api import (
    ERRORS,
    LIST_ERRORS,
    Day,
    ErrorOut,
    IdempotentAnswer,
    InputSchema,
    MappedQuerySet,
    Pagination,
    id_field,
    idempotent,
    parse_json_field,
)
from brightkitchen.core.errors import FieldError
from brightkitchen.core.read_routes import add_detail_route, add_file_route
from brightkitchen.core.scoping import Action, get_visible_or_404
from brightkitchen.inspections import selectors, services
from brightkitchen.inspections.models import Inspection, InspectionPhoto, InspectionResult, Outcome
from brightkitchen.inspections.scoring import FACES
from brightkitchen.schools.models import DynamicGrade

router = Router(tags=["inspections"])

READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class RegulatorItemOut(Schema):
    id: int
    order: int
    code: str
    text: str
    is_key: bool
    weight: int

    @staticmethod
    def of(item: ChecklistItem) -> "RegulatorItemOut":
        return RegulatorItemOut(
            id=item.pk,
            order=item.order,
            code=item.code,
            text=item.text,
            is_key=item.is_key,
            weight=item.weight,
        )


class VersionSummary(Schema):
    id: int
    number: int
    published_at: datetime.datetime | None
    is_draft: bool


class RegulatorTemplateOut(Schema):
    id: int
    name: str
    owner: str
    owner_region: str
    versions: list[VersionSummary]

    @staticmethod
    def of(template: ChecklistTemplate) -> "RegulatorTemplateOut":
        return RegulatorTemplateOut(
            id=template.pk,
            name=template.name,
            owner=template.owner.name if template.owner else "",
            owner_region=template.region_id,
            versions=[
                VersionSummary(id=v.pk, number=v.number, published_at=v.published_at, is_draft=v.is_draft)
                for v in template.versions.all()
            ],
        )


class VersionOut(Schema):
    id: int
    template_id: int
    template_name: str
    number: int
    published_at: datetime.datetime | None
    is_draft: bool
    in_use: bool
    items: list[RegulatorItemOut]

    @staticmethod
    def of(version: ChecklistVersion) -> "VersionOut":
        return VersionOut(
            id=version.pk,
            template_id=version.template_id,
            template_name=version.template.name,
            number=version.number,
            published_at=version.published_at,
            is_draft=version.is_draft,
            in_use=bool(getattr(version, "in_use", False)),
            items=[RegulatorItemOut.of(i) for i in version.items.all()],
        )


class RegulatorPhotoOut(Schema):
    id: int
    url: str
    thumbnail_url: str

    @staticmethod
    def of(photo: InspectionPhoto) -> "RegulatorPhotoOut":
        url = f"/api/v1/inspections/photos/{photo.pk}"
        return RegulatorPhotoOut(
            id=photo.pk, url=url, thumbnail_url=f"{url}?thumbnail=true" if photo.thumbnail else url
        )


class ResultOut(Schema):
    item_code: str
    item_text: str
    is_key: bool
    weight: int
    outcome: Outcome
    note: str
    photos: list[RegulatorPhotoOut]

    @staticmethod
    def of(result: InspectionResult) -> "ResultOut":
        return ResultOut(
            item_code=result.item.code,
            item_text=result.item.text,
            is_key=result.item.is_key,
            weight=result.item.weight,
            outcome=Outcome(result.outcome),
            note=result.note,
            photos=[RegulatorPhotoOut.of(p) for p in result.photos.all()],
        )


class RegulatorInspectionOut(Schema):
    id: int
    canteen_id: int
    canteen_name: str
    school_name: str
    template_name: str
    version_id: int
    version_number: int
    inspector: str
    inspector_org: str
    inspected_on: datetime.date
    score: float
    key_failures: int
    dynamic_grade: DynamicGrade | None = Field(description="Empty (null) when no grade was given (不予评级)")
    face: str
    note: str
    results: list[ResultOut]

    @staticmethod
    def of(inspection: Inspection, results: list[ResultOut] | None = None) -> "RegulatorInspectionOut":
        grade = DynamicGrade(inspection.dynamic_grade) if inspection.dynamic_grade else None
        return RegulatorInspectionOut(
            id=inspection.pk,
            canteen_id=inspection.canteen_id,
            canteen_name=inspection.canteen.name,
            school_name=inspection.canteen.school.organisation.name,
            template_name=inspection.version.template.name,
            version_id=inspection.version_id,
            version_number=inspection.version.number,
            inspector=str(inspection.inspector) if inspection.inspector else "",
            inspector_org=inspection.inspector_org.name,
            inspected_on=inspection.inspected_on,
            score=float(inspection.score),
            key_failures=inspection.key_failures,
            dynamic_grade=grade,
            face=FACES.get(grade, "") if grade else "",
            note=inspection.note,
            results=results or [],
        )


class PlanRow(Schema):
    canteen_id: int
    canteen_name: str
    school_name: str
    risk_grade: str
    done: int
    required: int


class RegulatorPlanOut(Schema):
    year: int
    canteens: int
    due: int
    rows: list[PlanRow]


class RegulatorTemplateIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    submission_key: uuid.UUID | None = None


class RegulatorItemIn(InputSchema):
    code: str = Field(min_length=1, max_length=16)
    text: str = Field(min_length=1, max_length=300)
    is_key: bool = False
    weight: int = Field(1, ge=1, le=MAX_WEIGHT)
    order: int | None = Field(None, ge=0, le=10_000)


class ItemPatch(InputSchema):
    text: str | None = Field(None, min_length=1, max_length=300)
    is_key: bool | None = None
    weight: int | None = Field(None, ge=1, le=MAX_WEIGHT)
    order: int | None = Field(None, ge=0, le=10_000)


class ResultIn(InputSchema):
    item: str = Field(min_length=1, max_length=16, description="The item's code")
    outcome: Outcome
    note: str = Field("", max_length=500)


class RegulatorInspectionIn(InputSchema):
    version_id: int = id_field()
    inspected_on: Day
    note: str = Field("", max_length=2000)
    results: str = Field(
        max_length=200_000,
        description='JSON list: [{"item": "<code>", "outcome": "pass|fail|na", "note": ""}, …]',
    )
    submission_key: uuid.UUID | None = None


class RegulatorInspectionFilterIn(Schema):
    canteen: int | None = id_field(None)
    year: int | None = Field(None, ge=2000, le=2099)


class RegulatorPlanIn(Schema):
    year: int | None = Field(None, ge=2000, le=2099)
    region: str = Field("", max_length=12, pattern=r"^\d*$")


def _version(request: HttpRequest, version_id: int) -> "VersionOut":
    version = get_visible_or_404(
        selectors.versions_for(request.user), request.user, Action.VIEW, pk=version_id
    )
    return VersionOut.of(version)


def _template(request: HttpRequest, template_id: int) -> "RegulatorTemplateOut":
    qs = selectors.templates_for(request.user)
    return RegulatorTemplateOut.of(get_visible_or_404(qs, request.user, Action.VIEW, pk=template_id))


def _inspection(request: HttpRequest, inspection_id: int) -> "RegulatorInspectionOut":
    qs = selectors.inspections_for(request.user)
    inspection = get_visible_or_404(qs, request.user, Action.VIEW, pk=inspection_id)
    results = [ResultOut.of(r) for r in selectors.results_of(request.user, inspection)]
    return RegulatorInspectionOut.of(inspection, results)


# --- Templates ------------------------------------------------------------------------------------


@router.get(
    "/inspections/templates",
    response={200: list[RegulatorTemplateOut], **LIST_ERRORS},
    summary="Checklist templates",
)
@paginate(Pagination)
def list_templates(request: HttpRequest) -> MappedQuerySet[RegulatorTemplateOut]:
    return MappedQuerySet(selectors.templates_for(request.user), RegulatorTemplateOut.of)


@router.post(
    "/inspections/templates",
    response={201: RegulatorTemplateOut, 200: RegulatorTemplateOut, **ERRORS},
    summary="Create a checklist template owned by the caller's bureau (with an empty draft version 1)",
)
def create_template(request: HttpRequest, payload: RegulatorTemplateIn) -> IdempotentAnswer:
    def create() -> tuple[int, RegulatorTemplateOut]:
        template, created = services.create_template(request.user, **payload.model_dump())
        return (201 if created else 200), _template(request, template.pk)

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/inspections/templates/{template_id}",
    RegulatorTemplateOut,
    name="get_template",
    summary="One checklist template with its versions",
    read=_template,
)


@router.post(
    "/inspections/templates/{template_id}/draft",
    response={201: VersionOut, 200: VersionOut, **ERRORS},
    summary="The template's draft version (made from the latest version when there is none)",
)
def make_draft(request: HttpRequest, template_id: int) -> Status[VersionOut]:
    version, created = services.draft_of(request.user, template_id)
    return Status(201 if created else 200, _version(request, version.pk))


add_detail_route(
    router,
    "/inspections/versions/{version_id}",
    VersionOut,
    name="get_version",
    summary="One checklist version with its items",
    read=_version,
)


@router.post(
    "/inspections/versions/{version_id}/items",
    response={201: VersionOut, **ERRORS},
    summary="Add an item (to the next draft when the version is published); answers the version changed",
)
def add_item(request: HttpRequest, version_id: int, payload: RegulatorItemIn) -> IdempotentAnswer:
    def create() -> tuple[int, VersionOut]:
        item = services.add_item(request.user, version_id, **payload.model_dump())
        return 201, _version(request, item.version_id)

    return idempotent(request, payload, create)


@router.patch(
    "/inspections/items/{item_id}",
    response={200: VersionOut, **ERRORS},
    summary="Change an item (its copy in the next draft when its version is published)",
)
def update_item(request: HttpRequest, item_id: int, payload: ItemPatch) -> VersionOut:
    changes = services.ItemChanges(**payload.model_dump(exclude_unset=True))
    item = services.update_item(request.user, item_id, changes)
    return _version(request, item.version_id)


@router.delete(
    "/inspections/items/{item_id}",
    response={200: VersionOut, **ERRORS},
    summary="Remove an item (from the next draft when its version is published)",
)
def remove_item(request: HttpRequest, item_id: int) -> VersionOut:
    version = services.remove_item(request.user, item_id)
    return _version(request, version.pk)


@router.post(
    "/inspections/versions/{version_id}/publish",
    response={200: VersionOut, **ERRORS},
    summary="Publish a draft version (it is frozen from then on)",
)
def publish(request: HttpRequest, version_id: int) -> VersionOut:
    version = services.publish(request.user, version_id)
    return _version(request, version.pk)


# --- Inspections ----------------------------------------------------------------------------------


@router.get(
    "/inspections/plan", response={200: RegulatorPlanOut, **READ_ERRORS}, summary="The year's inspection plan"
)
def plan(request: HttpRequest, filters: Query[RegulatorPlanIn]) -> RegulatorPlanOut:
    year = filters.year or timezone.localdate().year
    result = selectors.plan_for(request.user, year, filters.region)
    rows = [
        PlanRow(
            canteen_id=c.pk,
            canteen_name=c.name,
            school_name=c.school.organisation.name,
            risk_grade=c.risk_grade,
            done=c.done,  # type: ignore[attr-defined]
            required=c.required,  # type: ignore[attr-defined]
        )
        for c in result.rows[:500]
    ]
    return RegulatorPlanOut(year=year, canteens=result.canteens, due=result.due, rows=rows)


@router.get(
    "/inspections",
    response={200: list[RegulatorInspectionOut], **LIST_ERRORS},
    summary="Inspections, latest first",
)
@paginate(Pagination)
def list_inspections(
    request: HttpRequest, filters: Query[RegulatorInspectionFilterIn]
) -> MappedQuerySet[RegulatorInspectionOut]:
    f = selectors.InspectionFilters(canteen=filters.canteen, year=filters.year)
    return MappedQuerySet(selectors.inspections_for(request.user, f), RegulatorInspectionOut.of)


_RESULTS = TypeAdapter(list[ResultIn])


def _results(raw: str) -> list[services.ResultInput]:
    """The `results` form field: a JSON list of item results; errors name the place in it."""
    parsed = parse_json_field(_RESULTS, raw, "results")
    return [services.ResultInput(r.item, r.outcome, r.note) for r in parsed]


def _photos(request: HttpRequest) -> dict[str, list[UploadedFile[bytes]]]:
    """Photos sent in fields named `photos.<item code>`."""
    found: dict[str, list[UploadedFile[bytes]]] = {}
    for key in request.FILES:
        if not key.startswith("photos."):
            raise FieldError(key, _("Send photos in fields named photos.<item code>."))
        found[key.removeprefix("photos.")] = list(request.FILES.getlist(key))
    return found


@router.post(
    "/inspections/canteens/{canteen_id}",
    response={201: RegulatorInspectionOut, 200: RegulatorInspectionOut, **ERRORS},
    summary="Record an inspection (multipart: fields, `results` JSON, photos in `photos.<item code>`)",
    description="Scores it, writes the canteen's dynamic and annual grades and opens a rectification notice "
    "for each failed item, in one transaction.",
)
def create_inspection(
    request: HttpRequest, canteen_id: int, payload: Form[RegulatorInspectionIn]
) -> IdempotentAnswer:
    def create() -> tuple[int, RegulatorInspectionOut]:
        data = payload.model_dump()
        results = _results(data.pop("results"))
        inspection, created = services.submit_inspection(
            request.user, canteen_id, results=results, photos=_photos(request), **data
        )
        return (201 if created else 200), _inspection(request, inspection.pk)

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/inspections/{inspection_id}",
    RegulatorInspectionOut,
    name="get_inspection",
    summary="One inspection with every item's result and photos",
    read=_inspection,
)


add_file_route(
    router,
    "/inspections/photos/{photo_id}",
    InspectionPhoto,
    name="photo",
    summary="An evidence photo (JPEG); ?thumbnail=true for the small one",
)
