"""What the large screen (大屏) adds to the dashboard: the map of the child regions coloured by one
indicator (server-side SVG from `regions.maps`), and the live strip (public-hours cameras with a problem
now, the latest closed rectifications), both read through the scoped managers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from brightkitchen.cameras.models import CameraHealthEvent, public_now_q
from brightkitchen.core.scoping import AnyUser, scope_of
from brightkitchen.dashboards.indicators import Indicator
from brightkitchen.dashboards.selectors import Dashboard
from brightkitchen.rectifications.models import NoticeState
from brightkitchen.rectifications.selectors import NoticeFilters, notices_for
from brightkitchen.regions import maps
from brightkitchen.schools.metrics import Ratio

STRIP_ROWS = 6
BINS = 5  # colour classes of the map


@dataclass(frozen=True)
class MapRegion:
    code: str
    name: str
    ratio: Ratio | None
    colour: str  # a CSS class: map-bin-0 (worst) … map-bin-4 (best), or map-no-data
    path: str = ""  # SVG path data; "" when the boundary data has no shape for the region
    label_x: str = ""  # where its name is written on the map
    label_y: str = ""


@dataclass(frozen=True)
class LegendStep:
    colour: str
    low: int  # percent
    high: int


@dataclass
class ScreenMap:
    indicator: Indicator
    width: int
    height: int
    regions: list[MapRegion]  # drawn, in the order of the dashboard's rows
    missing: list[MapRegion]  # child regions without a shape in the boundary data, listed beside the map
    others: list[str] = field(default_factory=list)  # shapes of the file that are no child (context, grey)
    legend: list[LegendStep] = field(default_factory=list)

    @property
    def label_size(self) -> int:
        """The names' font size in the map's units: about the same on screen whatever the map's shape."""
        return max(10, round(max(self.width, self.height) / 40))


def rate_indicators(board: Dashboard) -> list[Indicator]:
    return [i for i in board.indicators if not i.is_count]


def chosen_indicator(board: Dashboard, key: str) -> Indicator | None:
    """The indicator asked for (?indicator=), else the first rate (the one the chart starts with)."""
    rates = rate_indicators(board)
    return next((i for i in rates if i.key == key), rates[0] if rates else None)


def up_one_level(user: AnyUser, board: Dashboard) -> str | None:
    """The region one level up from the board's, if the user may open it ("" the country), else None."""
    if board.region is None:
        return None
    if len(board.trail) >= 2:
        parent = board.trail[-2]
        return parent.region.code if parent.linked else None
    return "" if scope_of(user).everything else None


def _colour(ratio: Ratio | None, higher_is_better: bool) -> str:
    rate = None if ratio is None else ratio.rate
    if rate is None:
        return "map-no-data"
    step = min(int(rate * BINS), BINS - 1)
    return f"map-bin-{step if higher_is_better else BINS - 1 - step}"


def screen_map(board: Dashboard, indicator_key: str) -> ScreenMap | None:
    """The map of the board's child regions; None below a county (its rows are canteens) or without a
    rate indicator. Every child region is in `regions` or in `missing`."""
    indicator = chosen_indicator(board, indicator_key)
    if board.rows_are_canteens or indicator is None:
        return None
    region = board.region
    shapes = maps.children_shapes(region.code if region else None, region.name if region else "")
    matched = maps.match_children(((row.code, row.name) for row in board.rows), shapes)
    drawing = maps.project(shapes)
    path_of = {id(shape): path for shape, path in zip(shapes, drawing.paths, strict=True)}
    label_of = {id(shape): label for shape, label in zip(shapes, drawing.labels, strict=True)}
    drawn_ids = {id(s) for s in matched.values()}
    regions: list[MapRegion] = []
    missing: list[MapRegion] = []
    for row in board.rows:
        ratio = row.figures.get(indicator.key)
        colour = _colour(ratio, indicator.higher_is_better)
        shape = matched.get(row.code)
        path = path_of.get(id(shape), "") if shape is not None else ""
        label = label_of.get(id(shape)) if shape is not None else None
        x, y = (f"{label[0]:.0f}", f"{label[1]:.0f}") if label else ("", "")
        (regions if path else missing).append(MapRegion(row.code, row.name, ratio, colour, path, x, y))
    others = [path_of[id(s)] for s in shapes if id(s) not in drawn_ids and path_of[id(s)]]
    steps = [
        LegendStep(
            _colour(Ratio(i, BINS), indicator.higher_is_better), 100 * i // BINS, 100 * (i + 1) // BINS
        )
        for i in range(BINS)
    ]
    return ScreenMap(indicator, drawing.width, drawing.height, regions, missing, others, steps)


@dataclass(frozen=True)
class CameraProblem:
    school: str
    canteen: str
    camera: str
    problem: str
    since: datetime.datetime


@dataclass(frozen=True)
class ClosedNotice:
    school: str
    canteen: str
    problem: str
    closed_at: datetime.datetime | None


@dataclass(frozen=True)
class LiveStrip:
    cameras: list[CameraProblem]
    cameras_total: int
    notices: list[ClosedNotice]


def live_strip(user: AnyUser, region_code: str | None, rows: int = STRIP_ROWS) -> LiveStrip:
    """Cameras the public may watch now that have an open problem (offline, a failing picture check),
    newest first, and the latest closed rectifications, both in the user's jurisdiction and the region."""
    events = CameraHealthEvent.objects.visible_to(user).filter(
        public_now_q(timezone.now(), prefix="camera__"), ended_at__isnull=True
    )
    notices = notices_for(user, NoticeFilters(state=NoticeState.CLOSED))
    if region_code:
        events = events.filter(camera__canteen__school__organisation__region__code__startswith=region_code)
        notices = notices.filter(canteen__school__organisation__region__code__startswith=region_code)
    newest = events.select_related("camera", "camera__canteen", "camera__canteen__school__organisation")
    cameras = [
        CameraProblem(
            school=e.camera.canteen.school.organisation.name,
            canteen=e.camera.canteen.name,
            camera=e.camera.name,
            problem=str(e.get_kind_display()),
            since=e.started_at,
        )
        for e in newest.order_by("-started_at", "-id")[:rows]
    ]
    closed = [
        ClosedNotice(
            school=n.canteen.school.organisation.name,
            canteen=n.canteen.name,
            problem=n.problem_text,
            closed_at=n.closed_at,
        )
        for n in notices.order_by("-closed_at", "-id")[:rows]
    ]
    return LiveStrip(cameras, events.count(), closed)
