"""The OpenAPI document describes every answer: each operation has a success response with a schema (JSON
or, for a file, binary), a route that needs sign-in declares its 401, one that takes input its 422, and
every error response it declares is an ErrorOut."""

from __future__ import annotations

from typing import Any

import pytest

from brightkitchen.core.api_routes import api


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    doc = api.get_openapi_schema()
    return [(method, path, op) for path, ops in doc["paths"].items() for method, op in ops.items()]


def test_the_document_has_the_operations() -> None:
    assert len(_operations()) > 100


@pytest.mark.parametrize(
    ("method", "path", "op"), _operations(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_operation_declares_its_responses(method: str, path: str, op: dict[str, Any]) -> None:
    responses = {str(code): r for code, r in op["responses"].items()}
    successes = [code for code in responses if code.startswith("2")]
    assert successes, f"{method} {path}: no 2xx response"
    for code in successes:
        content = responses[code].get("content")
        assert code == "204" or content, f"{method} {path} {code}: no schema"
        for media, body in (content or {}).items():
            assert body.get("schema"), f"{method} {path} {code} {media}: no schema"
    for code, response in responses.items():
        if code.startswith("4"):
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            assert schema.get("$ref", "").endswith("/ErrorOut"), f"{method} {path} {code}: not ErrorOut"
    if op.get("security"):
        assert "401" in responses, f"{method} {path}: needs sign-in but declares no 401"
    if op.get("parameters") or op.get("requestBody"):
        assert "422" in responses, f"{method} {path}: takes input but declares no 422"
