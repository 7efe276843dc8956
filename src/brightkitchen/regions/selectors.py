"""Reads of the region tree, with counts scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr

from brightkitchen.core.scoping import AnyUser, Scope
from brightkitchen.regions.models import Region


def root_region_code(scope: Scope) -> str | None:
    """Where a user's region browsing starts: their own region, or the whole country (None)."""
    return scope.region_prefix


def region_visible(scope: Scope, region: Region) -> bool:
    if scope.everything:
        return True
    prefix = scope.region_prefix
    if not prefix:
        return False
    # Inside the jurisdiction, or one of its ancestors (shown as the path to it).
    return region.code.startswith(prefix) or prefix.startswith(region.code)


def region_prefixes(region_code: str) -> list[str]:
    """The region and its ancestors' codes, nearest first (440103 → 440103, 4401, 44)."""
    lengths = [n for n in (9, 6, 4, 2) if n <= len(region_code)]
    return [region_code[:n] for n in lengths]


def children_of(code: str | None) -> QuerySet[Region]:
    return Region.objects.filter(parent_id=code) if code else Region.objects.filter(parent__isnull=True)


@dataclass(frozen=True)
class TrailStep:
    """One region on the path to the one shown; `linked` when the user may open it (inside their
    jurisdiction), else it is shown as text: a county regulator sees its province and city by name."""

    region: Region
    linked: bool


def trail_for(scope: Scope, region: Region | None) -> list[TrailStep]:
    """The path from the top to `region` (itself last), each step linked only inside the jurisdiction."""
    if region is None:
        return []
    return [
        TrailStep(r, scope.everything or bool(scope.region_prefix and r.code.startswith(scope.region_prefix)))
        for r in [*ancestors(region), region]
    ]


def ancestors(region: Region) -> list[Region]:
    chain: list[Region] = []
    node = region.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


@dataclass
class RegionCount:
    region: Region
    schools: int = 0
    canteens: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def child_counts(user: AnyUser, code: str | None) -> list[RegionCount]:
    """Each child region of `code` with the number of schools and canteens the user may see there."""
    from brightkitchen.schools.models import Canteen, School

    children = list(children_of(code))
    if not children:
        return []
    width = len(children[0].code)
    schools = _grouped(School.objects.visible_to(user), "organisation__region__code", width, code)
    canteens = _grouped(Canteen.objects.visible_to(user), "school__organisation__region__code", width, code)
    return [RegionCount(r, schools.get(r.code, 0), canteens.get(r.code, 0)) for r in children]


def _grouped(qs: QuerySet, path: str, width: int, code: str | None) -> dict[str, int]:  # type: ignore[type-arg]
    if code:
        qs = qs.filter(**{f"{path}__startswith": code})
    rows = qs.annotate(child=Substr(path, 1, width)).values("child").order_by().annotate(n=Count("pk"))
    return {row["child"]: row["n"] for row in rows}


def full_name_of(code: str) -> str:
    """The region's full name (山西省晋中市榆次区), or "" for an unknown code. Region names are public."""
    return Region.objects.filter(code=code).values_list("full_name", flat=True).first() or "" if code else ""
