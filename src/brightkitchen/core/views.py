from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.i18n import set_language

from brightkitchen.core.scoping import Scope, scope_of

# What the start page shows a region user (the region, its summary, the licences expiring): filled by the
# app that keeps schools (schools.views.home_context, from its AppConfig.ready()), so core imports no
# domain app.
_home_context: Callable[[HttpRequest, Scope], dict[str, object]] | None = None


def set_home_context(provider: Callable[[HttpRequest, Scope], dict[str, object]]) -> None:
    global _home_context
    _home_context = provider


def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: region users see their region's summary; school users go to their school."""
    scope = scope_of(request.user)
    if scope.school_id is not None:
        return redirect("schools:file", school_id=scope.school_id)
    if scope.canteen_id is not None:
        return redirect("schedule:today")  # what is due today and still missing, not the long file
    context: dict[str, object] = {"scope": scope}
    if (scope.everything or scope.region_prefix) and _home_context is not None:
        context.update(_home_context(request, scope))
    return render(request, "core/home.html", context)


# Switching the interface language needs no sign-in (the login page offers it).
language = login_not_required(set_language)
