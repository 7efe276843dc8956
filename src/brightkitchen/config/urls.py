from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, include, path

from brightkitchen.core.api_routes import api


def _api_urls() -> Any:
    """The API authenticates each operation itself (session or token) and answers 401, so the pages'
    login redirect must not apply to it."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns, app_name, namespace


def _app_pages() -> list[Any]:
    """Each domain app's pages at /<app label>/ (an app with a `urls.py`), in INSTALLED_APPS order."""
    import importlib.util

    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("brightkitchen.") and config.label != "core":
            if importlib.util.find_spec(f"{config.name}.urls") is not None:
                found.append(path(f"{config.label}/", include(f"{config.name}.urls")))
    return found


urlpatterns = [
    path("", include("brightkitchen.core.urls")),
    *_app_pages(),
    path("api/v1/", _api_urls()),
    path("admin/", admin.site.urls),
]

handler403 = "brightkitchen.core.errorviews.forbidden"
handler404 = "brightkitchen.core.errorviews.not_found"
