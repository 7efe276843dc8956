"""Scoped reads of cameras and their health, the public viewing rule and the public offline board."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet, TextChoices
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.cameras.models import (
    PUBLIC_HOURS_ZONE,
    Camera,
    CameraHealthEvent,
    CameraStatus,
    QualityMeasurement,
)
from brightkitchen.core.days import day_edges
from brightkitchen.core.scoping import Action, AnyUser
from brightkitchen.regions.models import Region
from brightkitchen.schools.metrics import Ratio


class Measure(TextChoices):
    """The cameras a dashboard's video rate is taken over (its denominator); the camera list filtered by
    a measure lists exactly those (the figure and the list share `measure_q`)."""

    ENABLED = "enabled", _("Cameras in use, added by the end of the period")
    CHECKED = "checked", _("Cameras in use whose picture was diagnosed, added by the end of the period")


def measure_q(measure: Measure, start: datetime.date, end: datetime.date) -> Q:
    _first, after = day_edges(start, end)
    enabled = Q(enabled=True, created_at__lt=after)
    return enabled if measure is Measure.ENABLED else enabled & Q(clarity_ok__isnull=False)


@dataclass(frozen=True)
class CameraFilters:
    canteen: int | None = None
    status: str = ""
    key_point: str = ""
    enabled: bool | None = None
    region: str = ""  # a region code prefix
    problem: bool = False  # only cameras with an open health event (offline or a failing check)
    # A dashboard figure's cameras: `measure` over [start, end].
    measure: Measure | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None


def cameras_for(
    user: AnyUser, filters: CameraFilters | None = None, action: Action = Action.VIEW
) -> QuerySet[Camera]:
    f = filters or CameraFilters()
    qs = Camera.objects.visible_to(user, action).select_related(
        "canteen", "canteen__school", "canteen__school__organisation"
    )
    if f.canteen is not None:
        qs = qs.filter(canteen_id=f.canteen)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.key_point:
        qs = qs.filter(key_point=f.key_point)
    if f.enabled is not None:
        qs = qs.filter(enabled=f.enabled)
    if f.region:
        qs = qs.filter(canteen__school__organisation__region__code__startswith=f.region)
    if f.problem:
        open_events = CameraHealthEvent.objects.filter(ended_at__isnull=True)
        qs = qs.filter(pk__in=open_events.values("camera_id"))
    if f.measure is not None and f.start is not None and f.end is not None:
        qs = qs.filter(measure_q(f.measure, f.start, f.end))
    return qs.order_by("canteen_id", "name", "id")


@dataclass(frozen=True)
class HealthSummary:
    """The health board's headline over the enabled cameras a user may see."""

    cameras: int
    online: Ratio  # 在线率: online of those enabled
    offline: int
    unknown: int  # not probed yet
    clarity: Ratio  # 清晰度达标率: clear of those whose picture was diagnosed
    with_problems: int  # cameras with an open health event


def health_summary(user: AnyUser) -> HealthSummary:
    enabled = Camera.objects.visible_to(user, Action.VIEW).filter(enabled=True)
    counts = enabled.aggregate(
        cameras=Count("pk"),
        online=Count("pk", filter=Q(status=CameraStatus.ONLINE)),
        offline=Count("pk", filter=Q(status=CameraStatus.OFFLINE)),
        unknown=Count("pk", filter=Q(status=CameraStatus.UNKNOWN)),
        clear=Count("pk", filter=Q(clarity_ok=True)),
        checked=Count("pk", filter=Q(clarity_ok__isnull=False)),
    )
    open_events = CameraHealthEvent.objects.filter(ended_at__isnull=True)
    return HealthSummary(
        cameras=counts["cameras"],
        online=Ratio(counts["online"], counts["cameras"]),
        offline=counts["offline"],
        unknown=counts["unknown"],
        clarity=Ratio(counts["clear"], counts["checked"]),
        with_problems=enabled.filter(pk__in=open_events.values("camera_id")).count(),
    )


def open_problems(user: AnyUser, camera_ids: list[int]) -> dict[int, list[CameraHealthEvent]]:
    """The open health events of these cameras (what is wrong with each now), oldest first."""
    found: dict[int, list[CameraHealthEvent]] = {}
    qs = CameraHealthEvent.objects.visible_to(user).filter(camera_id__in=camera_ids, ended_at__isnull=True)
    for event in qs.order_by("started_at", "id"):
        found.setdefault(event.camera_id, []).append(event)
    return found


def events_for(user: AnyUser, camera_ids: list[int], limit: int = 20) -> list[CameraHealthEvent]:
    """The most recent health events of these cameras, open ones first."""
    qs = (
        CameraHealthEvent.objects.visible_to(user)
        .filter(camera_id__in=camera_ids)
        .select_related("camera")
        .order_by("-started_at", "-id")
    )
    return list(qs[:limit])


def measurements_for(user: AnyUser, camera_id: int, limit: int = 50) -> list[QualityMeasurement]:
    qs = QualityMeasurement.objects.visible_to(user).filter(camera_id=camera_id)
    return list(qs.order_by("-measured_at", "-id")[:limit])


def is_public_now(camera: Camera, now: datetime.datetime | None = None) -> bool:
    """Whether the public may watch the camera now (`public_now_q` for one camera already loaded)."""
    if not (camera.is_public and camera.enabled):
        return False
    start, end = camera.public_from, camera.public_until
    if start is None or end is None:
        return True
    t = (now or timezone.now()).astimezone(PUBLIC_HOURS_ZONE).time().replace(tzinfo=None)
    if start < end:
        return start <= t < end
    return t >= start or t < end


def public_cameras_now() -> QuerySet[Camera]:
    """Cameras the public may watch now, in any canteen: Camera's public scope (`public_now_q`), for
    anyone, signed in or not. Callers show names and key points only, never a source."""
    return Camera.objects.visible_to(None).order_by("canteen_id", "name", "id")


@dataclass(frozen=True)
class OfflineCanteen:
    region_code: str
    region_name: str
    school_name: str
    canteen_name: str
    cameras: int
    offline_since: datetime.datetime | None


def offline_board(region_prefix: str = "") -> QuerySet[Any]:
    """The public offline exposure board (不在线学校食堂曝光台): one row per canteen with an enabled camera
    now offline, with how many and since when (the earliest open offline event), by region. Read through
    the public scope of CameraHealthEvent (`open_offline_q`): what anyone may see, signed in or not.
    One grouped query: names and times only, never a source."""
    events = CameraHealthEvent.objects.visible_to(None)
    if region_prefix:
        events = events.filter(camera__canteen__school__organisation__region__code__startswith=region_prefix)
    organisation = "camera__canteen__school__organisation"
    rows: QuerySet[Any] = (
        events.values(
            "camera__canteen_id",
            "camera__canteen__name",
            f"{organisation}__name",
            f"{organisation}__region_id",
            f"{organisation}__region__full_name",
        )
        .annotate(cameras=Count("camera_id", distinct=True), since=Min("started_at"))
        .order_by(f"{organisation}__region_id", f"{organisation}__name", "camera__canteen_id")
    )
    return rows


# Region codes run 2, 4, 6, 9, 12 digits from province to village.
_REGION_WIDTHS = (2, 4, 6, 9, 12)


@dataclass(frozen=True)
class OfflineArea:
    """A region one level below the board's, with how many canteens there have an offline camera."""

    code: str
    name: str
    canteens: int


def offline_areas(region_prefix: str = "") -> list[OfflineArea]:
    """Where the board's offline canteens are, one level down from `region_prefix` (the whole platform
    when empty): the picker of the public board, by name, from the same public scope as the board (one
    grouped query, and one for the names)."""
    width = next((w for w in _REGION_WIDTHS if w > len(region_prefix)), None)
    if width is None:
        return []
    region = "camera__canteen__school__organisation__region_id"
    events = CameraHealthEvent.objects.visible_to(None)
    if region_prefix:
        events = events.filter(camera__canteen__school__organisation__region__code__startswith=region_prefix)
    counts = (
        events.annotate(area=Substr(region, 1, width))
        .values("area")
        .annotate(canteens=Count("camera__canteen_id", distinct=True))
        .order_by("area")
    )
    by_code = {str(row["area"]): int(row["canteens"]) for row in counts}
    names = dict(Region.objects.filter(code__in=list(by_code)).values_list("code", "full_name"))
    return [OfflineArea(code, str(names.get(code, code)), n) for code, n in by_code.items()]


def last_health_check(region_prefix: str = "") -> datetime.datetime | None:
    """When the health sweep last checked an enabled camera of the region (None: never yet). The public
    board says "not checked yet" instead of "all online" before it. A time only, no camera or school."""
    cameras = Camera.objects.filter(enabled=True)
    if region_prefix:
        cameras = cameras.filter(canteen__school__organisation__region__code__startswith=region_prefix)
    latest: datetime.datetime | None = cameras.aggregate(latest=Max("last_probe_at"))["latest"]
    return latest


def offline_rows(rows: list[dict[str, Any]]) -> list[OfflineCanteen]:
    return [
        OfflineCanteen(
            region_code=str(row["camera__canteen__school__organisation__region_id"]),
            region_name=str(row["camera__canteen__school__organisation__region__full_name"]),
            school_name=str(row["camera__canteen__school__organisation__name"]),
            canteen_name=str(row["camera__canteen__name"]),
            cameras=int(row["cameras"]),
            offline_since=row["since"],
        )
        for row in rows
    ]
