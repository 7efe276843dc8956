"""The shared read routes (core.read_routes) read in the document as hand-written ones would: the app's
operation id, the path's own id name, the thumbnail switch, the read errors; and a route it cannot make
is refused when the app is loaded, not at the first request. What they answer, and to whom, is held by
the route matrix (test_route_scoping) and each app's tests."""

from __future__ import annotations

import pytest
from ninja import Router

from brightkitchen.core.read_routes import add_detail_route, add_file_route
from brightkitchen.hygiene.api import HygieneOut
from brightkitchen.hygiene.models import HygieneRecord
from brightkitchen.testbed.openapi_check import served_document


def test_generated_routes_read_like_hand_written_ones() -> None:
    paths = served_document().document["paths"]
    one = paths["/api/v1/hygiene/records/{record_id}"]["get"]
    assert one["operationId"] == "brightkitchen_hygiene_api_get_record"
    assert [(p["name"], p["in"]) for p in one["parameters"]] == [("record_id", "path")]
    assert sorted(one["responses"]) == ["200", "401", "404", "422"]
    photo = paths["/api/v1/dispatch/attachments/{attachment_id}"]["get"]
    assert photo["operationId"] == "brightkitchen_dispatch_api_attachment"
    assert [(p["name"], p["in"]) for p in photo["parameters"]] == [
        ("attachment_id", "path"),
        ("thumbnail", "query"),
    ]
    assert "image/*" in photo["responses"]["200"]["content"]


def test_a_route_it_cannot_make_is_refused_at_load_time() -> None:
    router = Router()
    with pytest.raises(ValueError, match="exactly one id"):
        add_file_route(router, "/x/{a}/y/{b}", HygieneRecord, name="two_ids", summary="")
    with pytest.raises(ValueError, match="source"):
        add_detail_route(router, "/x/{a}", HygieneOut, name="nothing", summary="")
    with pytest.raises(ValueError, match="not both"):
        add_detail_route(
            router,
            "/x/{a}",
            HygieneOut,
            name="both",
            summary="",
            source=HygieneRecord,
            read=lambda r, pk: HygieneOut.of(HygieneRecord.objects.get(pk=pk)),
        )
