"""Phone-usable weekly menu editor: the week's dishes by day and meal, a form to add one, publish."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from brightkitchen.core.errors import FieldError
from brightkitchen.core.forms import day_from_query, show_field_error
from brightkitchen.core.scoping import Action, get_visible_or_404, scope_of
from brightkitchen.menus import selectors, services
from brightkitchen.menus.forms import MenuItemForm
from brightkitchen.menus.models import MenuItem, WeeklyMenu
from brightkitchen.schools.models import Canteen


def _week(request: HttpRequest) -> datetime.date:
    day = day_from_query(request, "week") or timezone.localdate()
    return services.monday_of(day)


def _url(canteen_id: int, week: datetime.date) -> str:
    return reverse("menus:editor", args=[canteen_id]) + f"?week={week.isoformat()}"


@require_http_methods(["GET", "POST"])
def editor(request: HttpRequest, canteen_id: int) -> HttpResponse:
    canteen = get_visible_or_404(
        Canteen, request.user, Action.VIEW, related=("school", "school__organisation"), pk=canteen_id
    )
    week = _week(request)
    today = timezone.localdate()
    form = MenuItemForm(
        initial={"day": today if week <= today <= week + datetime.timedelta(days=6) else week}
    )
    if request.method == "POST":
        form = MenuItemForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                week_menu = services.menu_for_week(request.user, canteen.pk, week)
                created = services.add_item(request.user, week_menu.pk, **data)[1]
            except FieldError as exc:
                show_field_error(form, exc)
            else:
                if created:
                    messages.success(request, _("Dish added."))
                return redirect(_url(canteen.pk, week))
    menu = selectors.menus_for(
        request.user, selectors.MenuFilters(canteen=canteen.pk, week_start=week)
    ).first()
    days = []
    items = list(menu.items.all()) if menu else []
    for offset in range(7):
        day = week + datetime.timedelta(days=offset)
        days.append({"day": day, "items": [i for i in items if i.day == day]})
    context: dict[str, Any] = {
        "canteen": canteen,
        "week": week,
        "previous": week - datetime.timedelta(days=7),
        "next": week + datetime.timedelta(days=7),
        "menu": menu,
        "days": days,
        "form": form,
        "may_edit": WeeklyMenu.scope_rule.allows(scope_of(request.user).role, Action.CHANGE),
    }
    return render(request, "menus/editor.html", context, status=400 if request.method == "POST" else 200)


@require_POST
def publish(request: HttpRequest, menu_id: int) -> HttpResponse:
    menu = get_visible_or_404(WeeklyMenu, request.user, Action.VIEW, pk=menu_id)
    try:
        services.publish_menu(request.user, menu_id)
    except FieldError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Menu published."))
    return redirect(_url(menu.canteen_id, menu.week_start))


@require_POST
def remove_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_visible_or_404(MenuItem, request.user, Action.VIEW, related=("menu",), pk=item_id)
    menu = services.remove_item(request.user, item_id)
    messages.success(request, _("Dish removed."))
    return redirect(_url(menu.canteen_id, item.menu.week_start))
