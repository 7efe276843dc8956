"""The operator decides whether the OpenAPI document and its page are public (API_DOCS_PUBLIC, on by
default: they describe routes and schemas, never data)."""

from __future__ import annotations

from typing import Any

import pytest

from brightkitchen.conftest import World

pytestmark = pytest.mark.django_db

DOCS = ("/api/v1/openapi.json", "/api/v1/docs")


def test_public_by_default(world: World) -> None:
    for path in DOCS:
        assert world.client(None).get(path).status_code == 200, path


def test_switched_off_only_signed_in_users_read_them(world: World, settings: Any) -> None:
    settings.API_DOCS_PUBLIC = False
    for path in DOCS:
        assert world.client(None).get(path).status_code == 404, path
        assert world.client("public").get(path).status_code == 200, path
    document = world.client("manager_a").get(DOCS[0]).json()
    assert document["info"]["title"] == "BrightKitchen API"
