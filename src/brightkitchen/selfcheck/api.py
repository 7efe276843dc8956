"""REST routes of self-inspection under /api/v1/selfcheck/. Creates accept an `Idempotency-Key` header
and a `submission_key` (UUID)."""

import datetime
import uuid

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from brightkitchen.checklists.models import ChecklistVersion
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
from brightkitchen.core.errors import FieldError
from brightkitchen.core.read_routes import add_detail_route
from brightkitchen.core.scoping import Action, get_visible_or_404
from brightkitchen.schools.models import Canteen
from brightkitchen.selfcheck import selectors, services
from brightkitchen.selfcheck.models import CheckKind, SelfInspection

router = Router(tags=["selfcheck"])


class SelfCheckItemOut(Schema):
    id: int
    position: int
    text: str
    is_key: bool


class SelfCheckTemplateOut(Schema):
    id: int
    region: str
    region_name: str
    kind: CheckKind
    version: int
    items: list[SelfCheckItemOut]

    @staticmethod
    def of(version: ChecklistVersion) -> "SelfCheckTemplateOut":
        """One version of a region's checklist (its id is the version's: what a report is filed
        against), with the template's region and select_related / prefetched items."""
        template = version.template
        return SelfCheckTemplateOut(
            id=version.pk,
            region=template.region_id,
            region_name=template.region.name,
            kind=CheckKind(template.purpose),
            version=version.number,
            items=[
                SelfCheckItemOut(id=i.pk, position=i.order, text=i.text, is_key=i.is_key)
                for i in version.items.all()
            ],
        )


class SelfCheckItemIn(InputSchema):
    text: str = Field(min_length=1, max_length=200)
    is_key: bool = False


class SelfCheckTemplateIn(InputSchema):
    region: str = Field(min_length=2, max_length=12)
    kind: CheckKind
    items: list[SelfCheckItemIn] = Field(min_length=1, max_length=100)
    submission_key: uuid.UUID | None = None


class KindIn(Schema):
    kind: CheckKind | None = None


@router.get(
    "/selfcheck/templates",
    response={200: list[SelfCheckTemplateOut], **LIST_ERRORS},
    summary="Checklists in my jurisdiction",
)
@paginate(Pagination)
def list_templates(request: HttpRequest, filters: Query[KindIn]) -> MappedQuerySet[SelfCheckTemplateOut]:
    return MappedQuerySet(selectors.templates_for(request.user, filters.kind or ""), SelfCheckTemplateOut.of)


@router.post(
    "/selfcheck/templates",
    response={201: SelfCheckTemplateOut, 200: SelfCheckTemplateOut, **ERRORS},
    summary="Save a region's checklist (a new version)",
)
def save_template(request: HttpRequest, payload: SelfCheckTemplateIn) -> IdempotentAnswer:
    def create() -> tuple[int, SelfCheckTemplateOut]:
        items = [services.ItemIn(text=i.text, is_key=i.is_key) for i in payload.items]
        template, created = services.save_template(
            request.user, payload.region, payload.kind, items, submission_key=payload.submission_key
        )
        return (201 if created else 200), SelfCheckTemplateOut.of(template)

    return idempotent(request, payload, create)


@router.get(
    "/selfcheck/canteens/{canteen_id}/template",
    response={200: SelfCheckTemplateOut, **ERRORS},
    summary="The checklist a canteen uses (inherited from the nearest region that has one)",
)
def canteen_template(
    request: HttpRequest, canteen_id: int, kind: CheckKind = CheckKind.DAILY
) -> SelfCheckTemplateOut:
    canteen = get_visible_or_404(
        Canteen, request.user, Action.VIEW, related=("school__organisation",), pk=canteen_id
    )
    template = selectors.template_for(canteen, kind)
    if template is None:
        raise FieldError("kind", _("No checklist of this kind applies to this canteen."), "not_found", 404)
    return SelfCheckTemplateOut.of(template)


class AnswerOut(Schema):
    item_id: int
    text: str
    is_key: bool
    ok: bool
    note: str
    has_photo: bool


class SelfCheckInspectionOut(Schema):
    id: int
    canteen_id: int
    canteen_name: str
    kind: CheckKind
    period: datetime.date
    template_id: int
    template_version: int
    risk_count: int
    zero_risk: bool
    summary: str
    signed_by: str
    signed_at: datetime.datetime | None
    pending_signature: bool
    answers: list[AnswerOut]

    @staticmethod
    def of(report: SelfInspection) -> "SelfCheckInspectionOut":
        return SelfCheckInspectionOut(
            id=report.pk,
            canteen_id=report.canteen_id,
            canteen_name=report.canteen.name,
            kind=CheckKind(report.kind),
            period=report.period,
            template_id=report.template_id,
            template_version=report.template.number,
            risk_count=report.risk_count,
            zero_risk=report.zero_risk,
            summary=report.summary,
            signed_by=str(report.signed_by) if report.signed_by else "",
            signed_at=report.signed_at,
            pending_signature=report.pending_signature,
            answers=[
                AnswerOut(
                    item_id=a.item_id,
                    text=a.item.text,
                    is_key=a.item.is_key,
                    ok=a.ok,
                    note=a.note,
                    has_photo=bool(a.photo),
                )
                for a in report.answers.all()  # prefetched with their items (selectors.inspections_for)
            ],
        )


class SelfCheckAnswerIn(InputSchema):
    item_id: int = id_field()
    ok: bool = True
    note: str = Field("", max_length=500)


class SelfCheckInspectionIn(InputSchema):
    kind: CheckKind
    period: Day
    answers: list[SelfCheckAnswerIn] = Field(min_length=1, max_length=100)
    summary: str = Field("", max_length=2000)
    submission_key: uuid.UUID | None = None


class SelfCheckInspectionFilterIn(DateRangeFilter):
    date_ranges = (("period_from", "period_to"),)
    canteen: int | None = id_field(None)
    kind: CheckKind | None = None
    period_from: Day | None = None
    period_to: Day | None = None


@router.get(
    "/selfcheck/inspections",
    response={200: list[SelfCheckInspectionOut], **LIST_ERRORS},
    summary="Self-inspection reports",
)
@paginate(Pagination)
def list_inspections(
    request: HttpRequest, filters: Query[SelfCheckInspectionFilterIn]
) -> MappedQuerySet[SelfCheckInspectionOut]:
    f = selectors.InspectionFilters(
        canteen=filters.canteen,
        kind=filters.kind or "",
        period_from=filters.period_from,
        period_to=filters.period_to,
    )
    return MappedQuerySet(selectors.inspections_for(request.user, f), SelfCheckInspectionOut.of)


@router.post(
    "/selfcheck/canteens/{canteen_id}/inspections",
    response={201: SelfCheckInspectionOut, 200: SelfCheckInspectionOut, **ERRORS},
    summary="File a self-inspection report (every item answered; all OK is a zero-risk report)",
)
def create_inspection(
    request: HttpRequest, canteen_id: int, payload: SelfCheckInspectionIn
) -> IdempotentAnswer:
    def create() -> tuple[int, SelfCheckInspectionOut]:
        answers = [services.AnswerIn(item_id=a.item_id, ok=a.ok, note=a.note) for a in payload.answers]
        report, created = services.create_inspection(
            request.user,
            canteen_id,
            kind=payload.kind,
            period=payload.period,
            answers=answers,
            summary=payload.summary,
            submission_key=payload.submission_key,
        )
        qs = selectors.inspections_for(request.user)  # read back with its answers and their items
        return (201 if created else 200), SelfCheckInspectionOut.of(qs.get(pk=report.pk))

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/selfcheck/inspections/{inspection_id}",
    SelfCheckInspectionOut,
    name="get_inspection",
    summary="One report",
    source=selectors.inspections_for,
)


@router.post(
    "/selfcheck/inspections/{inspection_id}/sign",
    response={200: SelfCheckInspectionOut, **ERRORS},
    summary="The principal signs the monthly review",
)
def sign_inspection(request: HttpRequest, inspection_id: int) -> SelfCheckInspectionOut:
    report = services.sign_monthly(request.user, inspection_id)
    qs = selectors.inspections_for(request.user)  # read back with its answers and their items
    return SelfCheckInspectionOut.of(get_visible_or_404(qs, request.user, Action.VIEW, pk=report.pk))
