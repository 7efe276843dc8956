import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from brightkitchen.accounts import reauth, services
from brightkitchen.accounts.models import ApiToken
from brightkitchen.core.api import ERRORS, LIST_ERRORS, ErrorOut, InputSchema
from brightkitchen.core.scoping import scope_of

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    organisation: str | None
    region_code: str | None
    canteen_id: int | None
    jurisdiction: str


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The signed-in user and their jurisdiction")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    scope = scope_of(user)
    org = user.organisation  # type: ignore[union-attr]
    if scope.everything:
        jurisdiction = "all"
    elif scope.region_prefix:
        jurisdiction = f"region:{scope.region_prefix}"
    elif scope.school_id is not None:
        jurisdiction = f"school:{scope.school_id}"
    elif scope.canteen_id is not None:
        jurisdiction = f"canteen:{scope.canteen_id}"
    elif scope.supplier_id is not None:
        jurisdiction = f"supplier:{scope.supplier_id}"
    else:
        jurisdiction = "none"
    return MeOut(
        username=user.get_username(),
        display_name=user.display_name,  # type: ignore[union-attr]
        role=user.role,  # type: ignore[union-attr]
        role_label=user.role_label,  # type: ignore[union-attr]
        organisation=org.name if org else None,
        region_code=org.region_id if org else None,
        canteen_id=user.canteen_id,  # type: ignore[union-attr]
        jurisdiction=jurisdiction,
    )


class TokenIn(InputSchema):
    name: str = Field(min_length=1, max_length=80)
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)
    scope: Literal["read", "read_write"] = Field(
        default="read",
        description="read: GET only (anything else is 403); read_write: everything your role may do.",
    )
    password: str | None = Field(
        default=None,
        max_length=200,
        description=(
            "Your password: needed when your sign-in is older than REAUTH_MAX_AGE_S (default 10 minutes), "
            "and always when the request is made with a token."
        ),
    )


class ConfirmIn(InputSchema):
    password: str | None = Field(
        default=None, max_length=200, description=TokenIn.model_fields["password"].description
    )


class TokenOut(Schema):
    key_id: str
    name: str
    scope: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None

    @staticmethod
    def of(row: ApiToken) -> "TokenOut":
        return TokenOut(
            key_id=row.key_id,
            name=row.name,
            scope=row.scope,
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )


class NewTokenOut(TokenOut):
    token: str = Field(description="The full token. Shown only in this answer; store it now.")


@router.get("/tokens", response={200: list[TokenOut], **LIST_ERRORS}, summary="Your API tokens")
def list_tokens(request: HttpRequest) -> list[TokenOut]:
    return [TokenOut.of(t) for t in services.tokens_of(request.user)]


# 400: a field the service refuses (a blank name) or no JSON body; 403: the password is needed (or wrong),
# or a read-only token; 429: too many wrong passwords from here.
_NEW_TOKEN_ERRORS = dict.fromkeys((400, 401, 403, 422, 429), ErrorOut)


@router.post(
    "/tokens",
    response={201: NewTokenOut, **_NEW_TOKEN_ERRORS},
    summary="Create an API token for yourself",
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[NewTokenOut]:
    # Not idempotent on purpose: replaying would mean storing the secret.
    user = services.signed_in_user(request)
    reauth.require_for_api(request, payload.password)
    row, token = services.create_token(user, payload.name, payload.expires_in_days, payload.scope)
    return Status(201, NewTokenOut(token=token, **TokenOut.of(row).model_dump()))


@router.post(
    "/tokens/{key_id}/rotate",
    response={201: NewTokenOut, 404: ErrorOut, **_NEW_TOKEN_ERRORS},
    summary="Replace one of your API tokens with a new one (the old one stops working at once)",
)
def rotate_token(request: HttpRequest, key_id: str, payload: ConfirmIn) -> Status[NewTokenOut]:
    services.signed_in_user(request)
    reauth.require_for_api(request, payload.password)
    row, token = services.rotate_token(request.user, key_id)
    return Status(201, NewTokenOut(token=token, **TokenOut.of(row).model_dump()))


@router.delete(
    "/tokens/{key_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Revoke one of your API tokens",
)
def revoke_token(request: HttpRequest, key_id: str) -> Status[None]:
    services.revoke_token(request.user, key_id)
    return Status(204, None)


class DeactivatedOut(Schema):
    username: str
    is_active: bool
    tokens_revoked: int


@router.post(
    "/users/{user_id}/deactivate",
    response={200: DeactivatedOut, **ERRORS},
    summary="End an account at once: no more sign-in, its sessions and API tokens stop working (operators)",
)
def deactivate_user(request: HttpRequest, user_id: int) -> DeactivatedOut:
    user = services.deactivate(services.signed_in_user(request), user_id)
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=False).count()
    return DeactivatedOut(username=user.username, is_active=user.is_active, tokens_revoked=revoked)
