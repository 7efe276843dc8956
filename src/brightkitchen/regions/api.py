from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from brightkitchen.core.api import ErrorOut
from brightkitchen.core.scoping import scope_of
from brightkitchen.regions.models import Region
from brightkitchen.regions.selectors import child_counts, region_visible
from brightkitchen.schools.selectors import region_summary

router = Router(tags=["regions"])


class RegionChildOut(Schema):
    code: str
    name: str
    full_name: str
    level: int
    has_children: bool
    schools: int
    canteens: int


class RegionSummaryOut(Schema):
    code: str
    name: str
    level: int
    schools: int
    canteens: int
    diners: int
    licence_valid: int
    licence_expiring: int
    licence_expired: int
    licence_missing: int
    risk: dict[str, int]


class RegionIn(Schema):
    region: str | None = Field(
        None, pattern=r"^\d{2,12}$", description="Region code; default: your own region (or the country)"
    )


def _start(request: HttpRequest, code: str | None) -> str | None:
    """The region to look at: the asked one if the user may see it, else their own."""
    scope = scope_of(request.user)
    if not (scope.everything or scope.region_prefix):
        raise PermissionDenied  # school, canteen and supplier users have no region view
    code = code or scope.region_prefix
    if code is None:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None or not region_visible(scope, region):
        raise Http404
    # Above one's own region, the view starts at one's own region.
    if scope.region_prefix and not code.startswith(scope.region_prefix):
        return scope.region_prefix
    return code


@router.get(
    "/regions/children",
    response={200: list[RegionChildOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Child regions with the number of schools and canteens you may see in each",
)
def region_children(request: HttpRequest, params: Query[RegionIn]) -> list[RegionChildOut]:
    code = _start(request, params.region)
    grandchildren = (
        Region.objects.filter(parent__parent_id=code)
        if code
        else Region.objects.filter(parent__isnull=False, parent__parent__isnull=True)
    )
    has_children = set(grandchildren.values_list("parent_id", flat=True))
    return [
        RegionChildOut(
            code=row.region.code,
            name=row.region.name,
            full_name=row.region.full_name,
            level=row.region.level,
            has_children=row.region.code in has_children,
            schools=row.schools,
            canteens=row.canteens,
        )
        for row in child_counts(request.user, code)
    ]


@router.get(
    "/regions/summary",
    response={200: list[RegionSummaryOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Per-region summary of canteens: licences and risk grades, one row per child region",
)
def summary(request: HttpRequest, params: Query[RegionIn]) -> list[RegionSummaryOut]:
    code = _start(request, params.region)
    return [RegionSummaryOut(**vars(row)) for row in region_summary(request.user, code)]
