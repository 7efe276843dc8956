"""REST routes of the dashboards under /api/v1/dashboards: the same figures as the pages, for a region
of the jurisdiction and a period (a month YYYY-MM or a year YYYY)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from brightkitchen.core.api import ERRORS, InputSchema
from brightkitchen.core.days import today
from brightkitchen.dashboards import selectors
from brightkitchen.dashboards.periods import parse_period
from brightkitchen.schools.metrics import Ratio

router = Router(tags=["dashboards"])


class DashboardIn(InputSchema):
    region: str = ""
    period: str = ""


class FigureOut(Schema):
    done: int
    expected: int
    rate: float | None

    @staticmethod
    def of(ratio: Ratio) -> FigureOut:
        return FigureOut(done=ratio.done, expected=ratio.expected, rate=ratio.rate)


class IndicatorOut(Schema):
    key: str
    label: str
    group: str
    is_count: bool


class RowOut(Schema):
    code: str
    name: str
    figures: dict[str, FigureOut]
    risk: dict[str, int]


class TrendOut(Schema):
    month: datetime.date
    issued: int
    closed: int


class DashboardOut(Schema):
    region: str | None
    period: str
    start: datetime.date
    end: datetime.date
    indicators: list[IndicatorOut]
    totals: dict[str, FigureOut]
    rows_are_canteens: bool
    rows: list[RowOut]
    risk: dict[str, int]
    trend: list[TrendOut]


class EvaluationOut(Schema):
    rank: int | None = Field(description="Place among the regions with a score; null: no data to score")
    code: str
    name: str
    usage: FigureOut
    patrol: FigureOut
    rectification: FigureOut
    timeliness: FigureOut
    score: float | None


def _board(request: HttpRequest, params: DashboardIn) -> selectors.Dashboard:
    region = selectors.dashboard_region(request.user, params.region)
    return selectors.dashboard(request.user, region, parse_period(params.period, today()))


@router.get(
    "/dashboards/summary",
    response={200: DashboardOut, **ERRORS},
    summary="Dashboard figures of a region and period, in total and by child region (or canteen)",
)
def summary(request: HttpRequest, params: Query[DashboardIn]) -> DashboardOut:
    board = _board(request, params)
    return DashboardOut(
        region=board.region.code if board.region else None,
        period=board.period.key,
        start=board.period.start,
        end=board.period.end,
        indicators=[
            IndicatorOut(key=i.key, label=str(i.label), group=i.group.value, is_count=i.is_count)
            for i in board.indicators
        ],
        totals={key: FigureOut.of(r) for key, r in board.totals.items()},
        rows_are_canteens=board.rows_are_canteens,
        rows=[
            RowOut(
                code=row.code,
                name=row.name,
                figures={k: FigureOut.of(r) for k, r in row.figures.items()},
                risk=row.risk,
            )
            for row in board.rows
        ],
        risk=board.risk,
        trend=[TrendOut(month=p.month, issued=p.issued, closed=p.closed) for p in board.trend],
    )


@router.get(
    "/dashboards/evaluation",
    response={200: list[EvaluationOut], **ERRORS},
    summary="Evaluation of lower bureaus (评估考核): the child regions ranked by score",
)
def evaluation(request: HttpRequest, params: Query[DashboardIn]) -> list[EvaluationOut]:
    rows = selectors.evaluation(_board(request, params))
    return [
        EvaluationOut(
            rank=r.rank,
            code=r.code,
            name=r.name,
            usage=FigureOut.of(r.usage),
            patrol=FigureOut.of(r.patrol),
            rectification=FigureOut.of(r.rectification),
            timeliness=FigureOut.of(r.timeliness),
            score=r.score,
        )
        for r in rows
    ]
