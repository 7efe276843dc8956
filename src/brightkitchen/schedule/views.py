"""The canteen's "today" page: what is due today and what is still missing, one tap to each record.
Canteen staff and managers land here (core:home sends them); a principal or a regulator opens it for
one canteen with `?canteen=<id>`."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.views.decorators.http import require_GET

from brightkitchen.core.days import today
from brightkitchen.core.scoping import Action, get_visible_or_404, scope_of
from brightkitchen.schedule.selectors import calendar_for
from brightkitchen.schools.metrics import MetricInput, registered_metrics, total
from brightkitchen.schools.models import Canteen


@dataclass(frozen=True)
class TodayItem:
    key: str
    label: str | Promise
    done: int
    due: int
    url: str

    @property
    def missing(self) -> int:
        return max(self.due - self.done, 0)


def _page_url(name: str, canteen_id: int) -> str:
    if not name:
        return ""
    try:
        return reverse(name, kwargs={"canteen_id": canteen_id})
    except NoReverseMatch:
        return reverse(name)


@require_GET
def today_page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("canteen", "")
    canteen_id = int(raw) if raw.isdigit() else scope_of(request.user).canteen_id
    if canteen_id is None:
        raise Http404  # not a canteen user, and no canteen asked for
    canteen = get_visible_or_404(
        Canteen, request.user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )
    day = today()
    calendar = calendar_for(canteen, day, day)
    serves = calendar.is_service_day(day)
    metric_input = MetricInput(Canteen.objects.filter(pk=canteen.pk), day, day)
    items = []
    for metric in registered_metrics():
        ratio = total(metric.compute(metric_input))
        items.append(
            TodayItem(
                metric.key, metric.label, ratio.done, ratio.expected, _page_url(metric.page, canteen.pk)
            )
        )
    due = [i for i in items if i.due]
    return render(
        request,
        "schedule/today.html",
        {
            "canteen": canteen,
            "day": day,
            "serves": serves,
            "meals": calendar.meals_on(day) if serves else [],
            "missing": [i for i in due if i.missing],
            "complete": [i for i in due if not i.missing],
            "not_due": [i for i in items if not i.due],
        },
    )
