"""The REST API root (/api/v1/): authentication, error shapes, idempotent creates.

Every error names the field at fault: `{"detail": [{"loc": ["body", "field"], "msg": "...", "type": "..."}]}`.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import BaseModel, ConfigDict, TypeAdapter, model_validator
from pydantic import ValidationError as PydanticValidationError

from brightkitchen.core.context import replace_actor
from brightkitchen.core.errors import FieldError
from brightkitchen.core.middleware import actor_for
from brightkitchen.core.openapi import state_refusals


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; unsafe methods also need the CSRF token."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated else None


@dataclass(frozen=True)
class BearerGrant:
    """What a valid bearer token gives: its owner, and whether it may only read."""

    user: Any
    read_only: bool


# What a bearer token gives (None for an unknown, revoked or expired one): set by the app that keeps the
# tokens (accounts, in its AppConfig.ready()), so core imports no domain app.
_token_resolver: Callable[[str], BearerGrant | None] | None = None

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def set_token_resolver(resolver: Callable[[str], BearerGrant | None]) -> None:
    global _token_resolver
    _token_resolver = resolver


class TokenAuth(HttpBearer):
    """`Authorization: Bearer bk_<id>_<secret>` for machines and apps. A read-only token gets 403 naming
    the Authorization header on anything but GET, HEAD and OPTIONS, before the operation runs."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if _token_resolver is None:
            return None
        grant = _token_resolver(token)
        if grant is None:
            return None
        if grant.read_only and (request.method or "").upper() not in SAFE_METHODS:
            raise FieldError(
                "Authorization",
                _("This token may only read; make a read-and-write token for changes."),
                code="read_only_token",
                status=403,
                where="header",
            )
        request.user = grant.user
        request.via_token = True  # type: ignore[attr-defined]
        replace_actor(actor_for(request, source="api"))
        return grant.user


def via_token(request: HttpRequest) -> bool:
    """Whether the request was authenticated by a bearer token (not by the browser session)."""
    return bool(getattr(request, "via_token", False))


class InputSchema(Schema):
    """Base of every request body: an unknown field is an error naming it, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


# Every date the API accepts lies in this window: date arithmetic on it (a week later, a month before) cannot
# overflow, and a typo such as 0001-01-01 or 9999-12-31 gets a 422 naming the field instead of a 500.
EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2099, 12, 31)

# The largest id a request may name: well inside a signed 64-bit key, so no lookup overflows a database.
MAX_ID = 2**62


def id_field(default: Any = ..., **kwargs: Any) -> Any:
    """An id in a request's query or body: a whole number from 1 to MAX_ID, else a 422 naming the field."""
    return Field(default, ge=1, le=MAX_ID, **kwargs)


# JSON Schema cannot bound a date's format, so the document states the window as the pattern of its years
# (2000-2099 are exactly the years 20xx).
DAY_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
Day = Annotated[
    datetime.date, Field(ge=EARLIEST_DAY, le=LATEST_DAY, json_schema_extra={"pattern": DAY_PATTERN})
]


def decimal_field(default: Any = ..., *, digits: int, places: int, **bounds: Any) -> Any:
    """A decimal in a request, as its model column holds it (`digits` in all, `places` after the point):
    the document states the step (multipleOf) and, unless `le`/`lt` is given, the largest value the digits
    allow, so a number it calls valid is never refused for its digits."""
    step = decimal.Decimal(1).scaleb(-places)
    if "le" not in bounds and "lt" not in bounds:
        bounds["le"] = decimal.Decimal(1).scaleb(digits - places) - step
    # The step as a Decimal (pydantic's stub says float): a float 0.1 would make 0.3 fail the check.
    bounds["multiple_of"] = step
    return Field(default, max_digits=digits, decimal_places=places, **bounds)


def check_range(start_field: str, start: Any, end_field: str, end: Any, where: str = "query") -> None:
    """A range whose start lies after its end is a 400 naming the start field, never a silently empty
    answer. The one check for every list filter (DateRangeFilter) and page filter with a range."""
    if start is not None and end is not None and start > end:
        raise FieldError(
            start_field,
            _("%(start)s must not be after %(end)s.") % {"start": start_field, "end": end_field},
            code="inverted_range",
            where=where,
        )


class DateRangeFilter(Schema):
    """Base of list filters with date ranges: `date_ranges` names each (from, to) pair of fields."""

    date_ranges: ClassVar[tuple[tuple[str, str], ...]] = (("date_from", "date_to"),)

    @model_validator(mode="after")
    def _ranges_in_order(self) -> Self:
        for start_field, end_field in self.date_ranges:
            check_range(start_field, getattr(self, start_field), end_field, getattr(self, end_field))
        return self


# The OpenAPI description of a route that answers a file (a photo, its thumbnail, a PDF) rather than JSON:
# `response={200: None, ...}, openapi_extra=FILE_RESPONSE`.
FILE_RESPONSE: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The file (a photo, its thumbnail or a PDF)",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in ("image/*", "application/pdf")
            },
        }
    }
}


class ErrorItem(Schema):
    loc: list[str]
    msg: str
    type: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


# The error answers of a route that changes data, for its `response=` (each one the ErrorOut shape).
ERRORS: dict[int, type[Schema]] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)
# What a list route answers besides its page: a filter the server refuses (400: a range whose start lies
# after its end; 422: a value of the wrong shape), or not signed in.
LIST_ERRORS: dict[int, type[Schema]] = dict.fromkeys((400, 401, 422), ErrorOut)


class StrictParser(Parser):
    """Refuses NUL characters in query strings and JSON bodies with a 422 naming the field: no
    database stores them (PostgreSQL text cannot hold them), so they are never valid input."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        _refuse_nul(data, ["body"])
        return data

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> Any:
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_nul(parsed, ["query"])
        return parsed


def _refuse_nul(value: Any, loc: list[str]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise NinjaValidationError(
                [{"loc": loc, "msg": _("Text may not contain NUL characters."), "type": "null_character"}]
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(item, [*loc, str(key)])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, [*loc, str(index)])


class EmbeddedJsonError(Exception):
    """A form field that carries a JSON document (an inspection's results, a patrol's findings) whose
    content is not valid: a 400 naming each place in it. The OpenAPI document can describe such a field
    only as text (its content schema is an annotation), so this is a rule beyond the schema, not a 422."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        super().__init__(items)
        self.items = items


JsonT = TypeVar("JsonT")


def parse_json_field(adapter: TypeAdapter[JsonT], raw: str, field: str) -> JsonT:
    """The value of the form field `field` holding JSON, validated by `adapter`; EmbeddedJsonError if not."""
    try:
        return adapter.validate_json(raw)
    except PydanticValidationError as exc:
        raise EmbeddedJsonError(
            [
                {
                    "loc": ["form", field, *(str(p) for p in error["loc"])],
                    "msg": error["msg"],
                    "type": error["type"],
                }
                for error in exc.errors()
            ]
        ) from None


class UnicodeJSONRenderer(JSONRenderer):
    """Chinese text as itself, not \\u escapes: half the bytes and readable in any client."""

    json_dumps_params = {"ensure_ascii": False}


def docs_gate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI document and its page: for anyone when settings.API_DOCS_PUBLIC (the default: they
    describe the routes and schemas, never data, and every operation needs a session or a token), else
    for signed-in users only; others get 404, as for anything they may not see."""

    @functools.wraps(view)
    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.API_DOCS_PUBLIC and not request.user.is_authenticated:
            raise Http404
        return view(request, *args, **kwargs)

    return gated


class BrightKitchenAPI(NinjaAPI):
    """The document states what the server refuses (core.openapi), so a request it calls valid is never
    answered 422."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        state_refusals(document)
        return document


api = BrightKitchenAPI(
    title="BrightKitchen API",
    version="1",
    description=(
        "明厨亮灶 school-canteen supervision platform. Every answer is limited to the caller's jurisdiction."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    renderer=UnicodeJSONRenderer(),
    parser=StrictParser(),
    docs_decorator=docs_gate,
)


def error_response(request: HttpRequest, status: int, loc: list[str], msg: str, type_: str) -> HttpResponse:
    return api.create_response(request, {"detail": [{"loc": loc, "msg": msg, "type": type_}]}, status=status)


@api.exception_handler(FieldError)
def _field_error(request: HttpRequest, exc: FieldError) -> HttpResponse:
    return error_response(request, exc.status, [exc.where, exc.field], exc.message, exc.code)


@api.exception_handler(ValidationError)
def _django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    items = (
        [
            {"loc": ["body", field], "msg": "; ".join(messages), "type": "invalid"}
            for field, messages in exc.message_dict.items()
        ]
        if hasattr(exc, "error_dict")
        else [{"loc": ["body"], "msg": "; ".join(exc.messages), "type": "invalid"}]
    )
    return api.create_response(request, {"detail": items}, status=400)


@api.exception_handler(EmbeddedJsonError)
def _embedded_json_error(request: HttpRequest, exc: EmbeddedJsonError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.items}, status=400)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, ["path"], _("Not found."), "not_found")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, ["path"], _("You may not do this."), "permission_denied")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # For example an unparsable JSON body: keep the one error shape.
    return error_response(request, exc.status_code, ["body"], str(exc.message), "invalid")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, 401, ["header", "Authorization"], _("Sign in or send an API token."), "unauthorized"
    )


# What `idempotent` answers: the status and the created object's JSON dump (`model_dump(mode="json")`, or
# on a resubmit the first answer's stored dump, replayed verbatim), not the schema instance: the route's
# `response=` still validates it against the schema.
IdempotentAnswer = Status[dict[str, Any]]


def idempotent(
    request: HttpRequest, payload: BaseModel, create: Callable[[], tuple[int, BaseModel]]
) -> IdempotentAnswer:
    status, body = _idempotent(request, payload, create)
    return Status(status, body)


def _idempotent(
    request: HttpRequest, payload: BaseModel, create: Callable[[], tuple[int, BaseModel]]
) -> tuple[int, dict[str, Any]]:
    """Run `create` once per Idempotency-Key: a resubmit with the same key and body gets the first answer;
    the same key with another body is refused (422). Without the header, `create` simply runs."""
    from brightkitchen.core.models import IdempotencyKey

    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return _dump(create())
    if len(key) > 100:
        raise FieldError("Idempotency-Key", _("The key is longer than 100 characters."))
    route = f"{request.method} {request.path}"
    digest = hashlib.sha256(
        (route + json.dumps(payload.model_dump(mode="json"), sort_keys=True)).encode()
    ).hexdigest()
    user_id = int(request.user.pk or 0)  # only authenticated operations get here
    previous = IdempotencyKey.objects.filter(user_id=user_id, key=key).first()
    if previous is not None:
        return _replay(previous, digest)
    try:
        with transaction.atomic():
            status, body = _dump(create())
            IdempotencyKey.objects.create(
                user_id=user_id, key=key, route=route, request_hash=digest, status=status, body=body
            )
    except IntegrityError:
        # Two resubmits raced; the first one's answer stands.
        previous = IdempotencyKey.objects.filter(user_id=user_id, key=key).first()
        if previous is None:
            raise
        return _replay(previous, digest)
    return status, body


def _dump(result: tuple[int, BaseModel]) -> tuple[int, dict[str, Any]]:
    status, body = result
    return status, body.model_dump(mode="json")


def _replay(previous: Any, digest: str) -> tuple[int, dict[str, Any]]:
    if previous.request_hash != digest:
        raise FieldError(
            "Idempotency-Key",
            _("This key was already used for a different request."),
            code="idempotency_mismatch",
            status=422,
        )
    return previous.status, previous.body


class Pagination(LimitOffsetPagination):
    """limit/offset pages; the offset is bounded so absurd values get a 422, not a database error."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        offset: int = Field(0, ge=0, le=10_000_000)


Row = TypeVar("Row")


class MappedQuerySet(Generic[Row]):
    """A queryset whose rows are mapped through `fn` when sliced, so pagination counts and slices in SQL
    and the endpoint still builds its output schema explicitly. `MappedQuerySet[SampleOut]`: its pages are
    lists of SampleOut; a `@paginate` route returns it and the paginator slices it."""

    def __init__(self, qs: QuerySet[Any], fn: Callable[[Any], Row]) -> None:
        self.qs, self.fn = qs, fn

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, item: slice) -> list[Row]:
        # Sort and skip narrow rows (ids), then load only the page's full rows: sorting whole joined
        # rows for a deep page spilled to disk on PostgreSQL (100 ms -> 28 ms at offset 11,000).
        ids = list(self.qs.values_list("pk", flat=True)[item])
        rows = {row.pk: row for row in self.qs.order_by().filter(pk__in=ids)}
        return [self.fn(rows[pk]) for pk in ids]


def apply_nulls(model: type[Model], changes: dict[str, Any]) -> dict[str, Any]:
    """In a PATCH, an explicit null clears a nullable field and empties a text or choice field; for a
    field that can be neither, it is an error naming that field."""
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if value is None:
            field = model._meta.get_field(name)
            if not getattr(field, "null", False):
                if not getattr(field, "blank", False):
                    raise FieldError(name, _("This field cannot be empty."))
                value = ""
        out[name] = value
    return out
