"""Mounts every domain app's router on the one API: an app with an `api.py` that defines `router`
is picked up, in INSTALLED_APPS order."""

import importlib

from django.apps import apps

from brightkitchen.core.api import api


def _mount_app_routers() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("brightkitchen.") or config.label == "core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.api":
                raise
            continue
        api.add_router("/", module.router)


_mount_app_routers()

__all__ = ["api"]
