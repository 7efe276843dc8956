"""Every list endpoint with a range filter refuses an inverted range (from after to) with a 400 naming
the field, instead of answering an empty list (core.api.DateRangeFilter). The endpoints are found in
the OpenAPI document, so a new list with a range is covered without being named here."""

from __future__ import annotations

from typing import Any

import pytest

from brightkitchen.conftest import World

pytestmark = pytest.mark.django_db

PAIRS = [("date_from", "date_to"), ("period_from", "period_to"), ("since", "until")]


def _ranged_lists(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    found = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        names = {p["name"] for p in get.get("parameters", []) if p["in"] == "query"}
        found += [(path, start, end) for start, end in PAIRS if start in names and end in names]
    return found


def test_inverted_ranges_are_a_400_naming_the_field_on_every_list(world: World) -> None:
    client = world.client("regulator_a")
    document = client.get("/api/v1/openapi.json").json()
    ranged = _ranged_lists(document)
    assert len(ranged) >= 8, (
        ranged
    )  # samples, meals, hygiene, purchases, self-checks, checks, trainings, audit
    for path, start, end in ranged:
        later, earlier = ("2026-03-10", "2026-03-01")
        if start == "since":
            later, earlier = "2026-03-10T00:00:00Z", "2026-03-01T00:00:00Z"
        url = "/api/v1" + path if not path.startswith("/api/v1") else path
        response = client.get(url, {start: later, end: earlier})
        assert response.status_code == 400, (path, response.content)
        assert response.json()["detail"][0]["loc"] == ["query", start], path
        assert client.get(url, {start: earlier, end: later}).status_code == 200, path
        assert client.get(url, {start: later, end: later}).status_code == 200, path  # one day is a range
