"""Bulletin pages: choose a region and a period, download the bulletin as PDF or as a spreadsheet."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from brightkitchen.bulletins.documents import FontMissing, bulletin, render_pdf, render_xlsx
from brightkitchen.core.days import today
from brightkitchen.core.errors import FieldError
from brightkitchen.dashboards import selectors
from brightkitchen.dashboards.periods import parse_period
from brightkitchen.regions.selectors import children_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    region = selectors.dashboard_region(request.user, request.GET.get("region", ""))
    context: dict[str, object] = {
        "region": region,
        "children": list(children_of(region.code if region else None)),
        "period": request.GET.get("period", "") or today().strftime("%Y-%m"),
    }
    return render(request, "bulletins/index.html", context)


def _download(request: HttpRequest, kind: str) -> HttpResponse:
    region = selectors.dashboard_region(request.user, request.GET.get("region", ""))
    try:
        period = parse_period(request.GET.get("period"), today())
    except FieldError as exc:
        return render(
            request, "dashboards/bad_period.html", {"error": exc.message, "region": region}, status=400
        )
    doc = bulletin(request.user, selectors.dashboard(request.user, region, period))
    if kind == "pdf":
        try:
            content, content_type = render_pdf(doc), "application/pdf"
        except FontMissing as exc:
            message = _(
                "The Chinese font for PDF bulletins is missing (%(path)s): install fonts-wqy-microhei."
            )
            return HttpResponse(message % {"path": exc}, status=503, content_type="text/plain; charset=utf-8")
    else:
        content, content_type = render_xlsx(doc), XLSX
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{doc.filename}.{kind}"'
    return response


@require_GET
def pdf(request: HttpRequest) -> HttpResponse:
    return _download(request, "pdf")


@require_GET
def xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")
