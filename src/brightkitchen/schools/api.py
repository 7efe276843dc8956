import datetime

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from brightkitchen.core.api import (
    ERRORS,
    LIST_ERRORS,
    Day,
    ErrorOut,
    IdempotentAnswer,
    InputSchema,
    MappedQuerySet,
    Pagination,
    apply_nulls,
    check_range,
    id_field,
    idempotent,
)
from brightkitchen.core.days import today
from brightkitchen.core.errors import FieldError
from brightkitchen.core.read_routes import add_detail_route
from brightkitchen.core.scoping import Action, get_visible_or_404, scope_of
from brightkitchen.regions.models import Region
from brightkitchen.regions.selectors import region_visible
from brightkitchen.schools import selectors, services
from brightkitchen.schools.metrics import Ratio
from brightkitchen.schools.models import (
    AnnualGrade,
    Canteen,
    DynamicGrade,
    LicenceStatus,
    OperationMode,
    RiskGrade,
    School,
    SchoolType,
)

router = Router(tags=["schools"])


class SchoolOut(Schema):
    id: int
    name: str
    region_code: str
    region_name: str
    school_type: SchoolType
    address: str
    principal_name: str
    students: int
    boarding: bool
    canteen_count: int | None = None

    @staticmethod
    def of(school: School) -> "SchoolOut":
        org = school.organisation
        return SchoolOut(
            id=school.pk,
            name=org.name,
            region_code=org.region_id,
            region_name=org.region.full_name,
            school_type=SchoolType(school.school_type),
            address=school.address,
            principal_name=school.principal_name,
            students=school.students,
            boarding=school.boarding,
            canteen_count=getattr(school, "canteen_count", None),
        )


class SchoolFilterIn(Schema):
    q: str = Field("", max_length=100, description="Search in name and address")
    region: str = Field("", pattern=r"^\d{0,12}$", description="Region code prefix")
    school_type: SchoolType | None = None


class SchoolIn(InputSchema):
    name: str = Field(min_length=2, max_length=120)
    region_code: str = Field(pattern=r"^\d{6,12}$")
    school_type: SchoolType
    address: str = Field("", max_length=200)
    principal_name: str = Field("", max_length=40)
    principal_phone: str = Field("", max_length=32)
    students: int = Field(0, ge=0, le=200_000)
    boarding: bool = False


class SchoolPatch(InputSchema):
    school_type: SchoolType | None = None
    address: str | None = Field(None, max_length=200)
    principal_name: str | None = Field(None, max_length=40)
    principal_phone: str | None = Field(None, max_length=32)
    students: int | None = Field(None, ge=0, le=200_000)
    boarding: bool | None = None


@router.get(
    "/schools", response={200: list[SchoolOut], **LIST_ERRORS}, summary="Schools in your jurisdiction"
)
@paginate(Pagination)
def list_schools(request: HttpRequest, filters: Query[SchoolFilterIn]) -> MappedQuerySet[SchoolOut]:
    qs = selectors.schools_for(
        request.user,
        selectors.SchoolFilters(q=filters.q, region=filters.region, school_type=filters.school_type or ""),
    )
    return MappedQuerySet(qs, SchoolOut.of)


@router.post("/schools", response={201: SchoolOut, **ERRORS}, summary="Register a school")
def create_school(request: HttpRequest, payload: SchoolIn) -> IdempotentAnswer:
    def create() -> tuple[int, SchoolOut]:
        data = payload.model_dump()
        school = services.create_school(
            request.user, name=data.pop("name"), region_code=data.pop("region_code"), **data
        )
        return 201, SchoolOut.of(school)

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/schools/{school_id}",
    SchoolOut,
    name="get_school",
    summary="One school",
    read=lambda request, pk: SchoolOut.of(_school(request, pk, Action.VIEW)),
)


@router.patch("/schools/{school_id}", response={200: SchoolOut, **ERRORS}, summary="Change a school")
def patch_school(request: HttpRequest, school_id: int, payload: SchoolPatch) -> SchoolOut:
    school = _school(request, school_id, Action.CHANGE)
    changes = apply_nulls(School, payload.model_dump(exclude_unset=True))
    return SchoolOut.of(services.update_school(request.user, school, changes))


def _school(request: HttpRequest, school_id: int, action: Action) -> School:
    return get_visible_or_404(
        School, request.user, action, related=("organisation", "organisation__region"), pk=school_id
    )


class CanteenOut(Schema):
    id: int
    name: str
    school_id: int
    school_name: str
    region_code: str
    region_name: str
    operation_mode: OperationMode
    contractor: str
    diners: int
    licence_number: str
    licence_scope: str
    licence_issued_on: datetime.date | None
    licence_expires_on: datetime.date | None
    licence_status: LicenceStatus
    dynamic_grade: DynamicGrade | None
    dynamic_graded_on: datetime.date | None = Field(
        description="Day of the inspection the dynamic grade comes from"
    )
    dynamic_grade_stale: bool = Field(
        description="The dynamic grade comes from an inspection over a year old"
    )
    annual_grade: AnnualGrade | None
    risk_grade: RiskGrade
    safety_director: str
    safety_manager: str

    @staticmethod
    def of(canteen: Canteen) -> "CanteenOut":
        org = canteen.school.organisation
        return CanteenOut(
            id=canteen.pk,
            name=canteen.name,
            school_id=canteen.school_id,
            school_name=org.name,
            region_code=org.region_id,
            region_name=org.region.full_name,
            operation_mode=OperationMode(canteen.operation_mode),
            contractor=canteen.contractor,
            diners=canteen.diners,
            licence_number=canteen.licence_number,
            licence_scope=canteen.licence_scope,
            licence_issued_on=canteen.licence_issued_on,
            licence_expires_on=canteen.licence_expires_on,
            licence_status=canteen.licence_status(today()),
            dynamic_grade=DynamicGrade(canteen.dynamic_grade) if canteen.dynamic_grade else None,
            dynamic_graded_on=canteen.dynamic_graded_on,
            dynamic_grade_stale=canteen.dynamic_grade_is_stale,
            annual_grade=AnnualGrade(canteen.annual_grade) if canteen.annual_grade else None,
            risk_grade=RiskGrade(canteen.risk_grade),
            safety_director=canteen.safety_director,
            safety_manager=canteen.safety_manager,
        )


class CanteenFilterIn(Schema):
    q: str = Field("", max_length=100, description="Search in canteen name, school name or licence number")
    region: str = Field("", pattern=r"^\d{0,12}$", description="Region code prefix")
    school: int | None = id_field(None)
    operation_mode: OperationMode | None = None
    risk_grade: RiskGrade | None = None
    licence_status: LicenceStatus | None = None


class CanteenIn(InputSchema):
    school_id: int = id_field()
    name: str = Field(min_length=2, max_length=120)
    operation_mode: OperationMode
    contractor: str = Field("", max_length=120)
    diners: int = Field(0, ge=0, le=100_000)
    licence_number: str = Field("", pattern=r"^(JY\d{14})?$")
    licence_scope: str = Field("", max_length=200)
    licence_issued_on: Day | None = None
    licence_expires_on: Day | None = None
    safety_director: str = Field("", max_length=40)
    safety_manager: str = Field("", max_length=40)
    safety_phone: str = Field("", max_length=32)


class CanteenPatch(InputSchema):
    name: str | None = Field(None, min_length=2, max_length=120)
    operation_mode: OperationMode | None = None
    contractor: str | None = Field(None, max_length=120)
    diners: int | None = Field(None, ge=0, le=100_000)
    licence_number: str | None = Field(None, pattern=r"^(JY\d{14})?$")
    licence_scope: str | None = Field(None, max_length=200)
    licence_issued_on: Day | None = None
    licence_expires_on: Day | None = None
    dynamic_grade: DynamicGrade | None = None
    annual_grade: AnnualGrade | None = None
    risk_grade: RiskGrade | None = None
    safety_director: str | None = Field(None, max_length=40)
    safety_manager: str | None = Field(None, max_length=40)
    safety_phone: str | None = Field(None, max_length=32)


@router.get(
    "/canteens", response={200: list[CanteenOut], **LIST_ERRORS}, summary="Canteens in your jurisdiction"
)
@paginate(Pagination)
def list_canteens(request: HttpRequest, filters: Query[CanteenFilterIn]) -> MappedQuerySet[CanteenOut]:
    qs = selectors.canteens_for(
        request.user,
        selectors.CanteenFilters(
            q=filters.q,
            region=filters.region,
            school=filters.school,
            operation_mode=filters.operation_mode or "",
            risk_grade=filters.risk_grade or "",
            licence_status=filters.licence_status or "",
        ),
    )
    return MappedQuerySet(qs, CanteenOut.of)


@router.post("/canteens", response={201: CanteenOut, **ERRORS}, summary="Add a canteen to a school")
def create_canteen(request: HttpRequest, payload: CanteenIn) -> IdempotentAnswer:
    def create() -> tuple[int, CanteenOut]:
        data = payload.model_dump()
        school = _school(request, data.pop("school_id"), Action.CHANGE)
        canteen = services.create_canteen(request.user, school, data)
        return 201, CanteenOut.of(canteen)

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/canteens/{canteen_id}",
    CanteenOut,
    name="get_canteen",
    summary="One canteen",
    read=lambda request, pk: CanteenOut.of(_canteen(request, pk, Action.VIEW)),
)


@router.patch("/canteens/{canteen_id}", response={200: CanteenOut, **ERRORS}, summary="Change a canteen")
def patch_canteen(request: HttpRequest, canteen_id: int, payload: CanteenPatch) -> CanteenOut:
    canteen = _canteen(request, canteen_id, Action.CHANGE)
    changes = payload.model_dump(exclude_unset=True)
    return CanteenOut.of(services.update_canteen(request.user, canteen, apply_nulls(Canteen, changes)))


def _canteen(request: HttpRequest, canteen_id: int, action: Action) -> Canteen:
    return get_visible_or_404(
        Canteen,
        request.user,
        action,
        related=("school", "school__organisation", "school__organisation__region"),
        pk=canteen_id,
    )


class CompletenessIn(Schema):
    region: str = Field(
        "", pattern=r"^(\d{2,12})?$", description="Region code; default: your whole jurisdiction"
    )
    start: Day | None = Field(None, description="First day; default: 30 days before `end`")
    end: Day | None = Field(None, description="Last day; default: today")


class RatioOut(Schema):
    done: int
    expected: int
    rate: float | None
    late: int = Field(
        description="Of `done`, entered after the day they record (补录); 0 where the metric does not tell"
    )


class MetricOut(Schema):
    key: str
    label: str
    total: RatioOut
    by_region: dict[str, RatioOut]


class CompletenessOut(Schema):
    start: datetime.date
    end: datetime.date
    metrics: list[MetricOut]


@router.get(
    "/metrics/completeness",
    response={200: CompletenessOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record completeness rates (留样完成率, 晨检完成率, …) in your jurisdiction, by child region",
)
def completeness(request: HttpRequest, params: Query[CompletenessIn]) -> CompletenessOut:
    end = params.end or today()
    start = params.start or end - datetime.timedelta(days=29)
    check_range("start", start, "end", end)
    if (end - start).days > 366:
        raise FieldError("start", _("Ask for at most one year at a time."), where="query")
    scope = scope_of(request.user)
    if not Canteen.scope_rule.allows(scope.role, Action.VIEW) or Canteen.scope_rule.filter_for(scope) is None:
        raise Http404  # a role that reaches no canteen (the public, a supplier) has no rates to read
    if params.region:
        region = Region.objects.filter(code=params.region).first()
        if region is None or (scope.region_prefix and not region_visible(scope, region)):
            raise Http404
    rows = selectors.completeness(request.user, params.region, start, end)
    return CompletenessOut(
        start=start,
        end=end,
        metrics=[
            MetricOut(
                key=row.key,
                label=str(row.label),
                total=_ratio(row.total),
                by_region={code: _ratio(r) for code, r in row.by_region.items()},
            )
            for row in rows
        ],
    )


def _ratio(ratio: Ratio) -> RatioOut:
    return RatioOut(done=ratio.done, expected=ratio.expected, rate=ratio.rate, late=ratio.late)
