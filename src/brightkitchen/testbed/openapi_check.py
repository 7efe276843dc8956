"""Holds the served OpenAPI document to what the project's own tests send (on in every test run: the
conftest appends `RequestBodyCheck` to the middleware).

For every request to /api/v1/ whose answer is 2xx, the request body is checked against the request-body
schema the document gives that operation: a JSON body as it is, a form or multipart body as the object
of its fields (each value taken as the first of string, number, boolean or null that the field's schema
accepts, a file as a binary string). A body the server took but the document refuses, or a content type
the document does not list, fails the test that sent it with an AssertionError naming the operation, the
body and the schema error. So the document describes at least what the platform's own clients send.

`schema_name_clashes()` lists component names that stand for two different schemas (django-ninja keeps
the last one silently, so the document would describe one of them wrongly).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema_rs
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja.openapi.schema import OpenAPISchema

API_PREFIX = "/api/v1/"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_NO_VALUE = object()


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    pattern: re.Pattern[str]
    placeholders: int
    content: dict[str, Any]  # media type -> schema; empty when the operation takes no body

    @property
    def name(self) -> str:
        return f"{self.method} {self.path} ({self.operation_id})"


class Document:
    """The served document, its operations matched by method and path, and a validator per schema."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.operations: list[Operation] = []
        for path, item in document.get("paths", {}).items():
            regex = "".join(
                "[^/]+" if part.startswith("{") else re.escape(part)
                for part in re.split(r"(\{[^}]+\})", path)
                if part
            )
            for method, op in item.items():
                if method.upper() not in BODY_METHODS:
                    continue
                content = {
                    media: spec.get("schema", {})
                    for media, spec in op.get("requestBody", {}).get("content", {}).items()
                }
                self.operations.append(
                    Operation(
                        method.upper(),
                        path,
                        op.get("operationId", ""),
                        re.compile(f"{regex}/?"),
                        path.count("{"),
                        content,
                    )
                )
        # A literal segment wins over a placeholder (/x/canteens/{id} before /x/{id}).
        self.operations.sort(key=lambda o: o.placeholders)
        self._validators: dict[str, jsonschema_rs.Validator] = {}

    def operation(self, method: str, path: str) -> Operation | None:
        for op in self.operations:
            if op.method == method and op.pattern.fullmatch(path):
                return op
        return None

    def validator(self, schema: dict[str, Any]) -> jsonschema_rs.Validator:
        """A validator of `schema` whose `#/components/...` references resolve in the document."""
        key = json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            rooted = {**schema, "components": self.document.get("components", {})}
            self._validators[key] = jsonschema_rs.Draft202012Validator(rooted)
        return self._validators[key]

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            node: Any = self.document
            for part in schema["$ref"].removeprefix("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def form_value(self, schema: dict[str, Any], raw: str) -> Any:
        """The first reading of a form field's text that its schema accepts (the text when none does)."""
        for value in _readings(raw):
            if self.validator(schema).is_valid(value):
                return value
        return raw

    def form_body(self, schema: dict[str, Any], request: HttpRequest) -> dict[str, Any]:
        properties = self.resolve(schema).get("properties", {})
        body: dict[str, Any] = {}
        for name in request.POST:
            prop = properties.get(name, {})
            values = request.POST.getlist(name)
            if self.resolve(prop).get("type") == "array":
                items = self.resolve(prop).get("items", {})
                body[name] = [self.form_value(items, v) for v in values]
            else:
                body[name] = self.form_value(prop, values[-1])
        for name in request.FILES:
            files = request.FILES.getlist(name)
            prop = self.resolve(properties.get(name, {}))
            body[name] = [f"<file {f.name}>" for f in files] if prop.get("type") == "array" else "<file>"
        return body


def _readings(raw: str) -> list[Any]:
    readings: list[Any] = [raw]
    if raw == "":
        readings.append(None)
    try:
        readings.append(int(raw))
    except ValueError:
        pass
    try:
        readings.append(float(raw))
    except ValueError:
        pass
    lowered = raw.strip().lower()
    if lowered in {"true", "on", "yes", "1"}:
        readings.append(True)
    if lowered in {"false", "off", "no", "0"}:
        readings.append(False)
    return readings


_document: Document | None = None
_clashes: dict[str, list[Any]] = {}


def served_document() -> Document:
    """The document as /api/v1/openapi.json serves it, built once per test process."""
    global _document
    if _document is None:
        from brightkitchen.core.api_routes import api

        _clashes.clear()
        original = OpenAPISchema.add_schema_definitions

        def remember(self: OpenAPISchema, definitions: dict[str, Any]) -> None:
            for name, definition in definitions.items():
                seen = _clashes.setdefault(name, [])
                if definition not in seen:
                    seen.append(definition)
            original(self, definitions)

        OpenAPISchema.add_schema_definitions = remember  # type: ignore[method-assign]
        try:
            document = api.get_openapi_schema()
        finally:
            OpenAPISchema.add_schema_definitions = original  # type: ignore[method-assign]
        _document = Document(json.loads(json.dumps(document, default=str)))
    return _document


def schema_name_clashes() -> dict[str, list[Any]]:
    """Component names given to more than one distinct schema, with the schemas."""
    served_document()
    return {name: definitions for name, definitions in _clashes.items() if len(definitions) > 1}


def check_request(document: Document, request: HttpRequest) -> None:
    """Raises AssertionError when the document's request-body schema refuses what `request` sent."""
    method = (request.method or "").upper()
    if method not in BODY_METHODS or not request.path.startswith(API_PREFIX):
        return
    op = document.operation(method, request.path)
    if op is None:
        raise AssertionError(f"{method} {request.path}: no such operation in the OpenAPI document")
    media = request.content_type or ""
    if media == "application/json":
        try:
            raw = request.body
        except RawPostDataException:
            return
        if not raw.strip():
            return
        body: Any = json.loads(raw)
    elif media in FORM_TYPES:
        if not request.POST and not request.FILES:
            return
        body = _NO_VALUE
    else:
        try:
            if not request.body.strip():
                return
        except RawPostDataException:
            pass
        body = _NO_VALUE
    if not op.content:
        return  # the operation reads no body; whatever came with the request was ignored
    schema = op.content.get(media)
    if schema is None and media in FORM_TYPES:
        # A multipart form with no file is also a valid urlencoded form, and the other way round.
        schema = next((op.content[m] for m in FORM_TYPES if m in op.content), None)
    if schema is None:
        raise AssertionError(
            f"{op.name} took a {media or 'typeless'} body, but the OpenAPI document lists only "
            f"{sorted(op.content)}"
        )
    if body is _NO_VALUE:
        body = document.form_body(schema, request)
    errors = list(document.validator(schema).iter_errors(body))
    if errors:
        detail = "; ".join(f"{'/'.join(map(str, e.instance_path)) or '(body)'}: {e.message}" for e in errors)
        raise AssertionError(
            f"{op.name} answered 2xx to a body its OpenAPI request schema refuses.\n"
            f"body: {json.dumps(body, ensure_ascii=False, default=str)[:2000]}\n"
            f"schema: {json.dumps(schema, ensure_ascii=False)[:1000]}\n"
            f"errors: {detail}"
        )


class RequestBodyCheck:
    """Test-only middleware: the body of every 2xx API request must be one the document accepts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if 200 <= response.status_code < 300 and request.path.startswith(API_PREFIX):
            check_request(served_document(), request)
        return response
