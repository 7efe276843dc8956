"""Dashboard pages: the region dashboard with drill-down, the large screen (大屏) for a video wall and
the evaluation of lower bureaus (评估考核)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from brightkitchen.core.days import today
from brightkitchen.core.errors import FieldError
from brightkitchen.dashboards import screen as big_screen
from brightkitchen.dashboards import selectors
from brightkitchen.dashboards.periods import parse_period


def _chart_data(board: selectors.Dashboard) -> dict[str, Any]:
    rates = [i for i in board.indicators if not i.is_count]
    return {
        "labels": {"issued": _("Issued"), "closed": _("Closed")},
        "trend": {
            "labels": [f"{p.month:%Y-%m}" for p in board.trend],
            "issued": [p.issued for p in board.trend],
            "closed": [p.closed for p in board.trend],
        },
        "risk": board.risk,
        "rows": [row.name for row in board.rows] if not board.rows_are_canteens else [],
        "rates": [
            {
                "key": i.key,
                "label": str(i.label),
                "values": [
                    None if (r := row.figures[i.key].rate) is None else round(100 * r, 1)
                    for row in board.rows
                ],
            }
            for i in rates
        ]
        if not board.rows_are_canteens
        else [],
    }


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def _page(
    request: HttpRequest,
    template: str,
    more: Callable[[HttpRequest, selectors.Dashboard], dict[str, Any]] | None = None,
) -> HttpResponse:
    region = selectors.dashboard_region(request.user, request.GET.get("region", ""))
    try:
        period = parse_period(request.GET.get("period"), today())
    except FieldError as exc:
        error = {"error": exc.message, "region": region}
        return render(request, "dashboards/bad_period.html", error, status=400)
    board = selectors.dashboard(request.user, region, period)
    context: dict[str, Any] = {
        "board": board,
        "chart_data": _chart_data(board),
        "previous": board.period.previous(),
        # No next period once the current one is shown: nothing has happened there yet.
        "next": board.period.next() if board.period.end < today() else None,
        "charts_available": settings.CHARTJS_AVAILABLE,
        **(more(request, board) if more else {}),
    }
    if template != "dashboards/index.html":
        context["evaluation"] = selectors.evaluation(board)
    return render(request, template, context)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboards/index.html")


def _screen_parts(request: HttpRequest, board: selectors.Dashboard) -> dict[str, Any]:
    region_map = big_screen.screen_map(board, request.GET.get("indicator", ""))
    return {
        "up": big_screen.up_one_level(request.user, board),
        "region_map": region_map,
        "indicator_key": region_map.indicator.key if region_map else "",
        "strip": big_screen.live_strip(request.user, board.region.code if board.region else None),
    }


@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboards/screen.html", _screen_parts)


@require_GET
def evaluation(request: HttpRequest) -> HttpResponse:
    return _page(request, "dashboards/evaluation.html")
