from __future__ import annotations

import datetime
import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.accounts.models import TOKEN_PREFIX, ApiToken, User, hash_token_secret
from brightkitchen.core import ratelimit
from brightkitchen.core.errors import FieldError
from brightkitchen.core.middleware import client_ip

LOGIN_BUCKET = "login-failures"


class LoginThrottled(Exception):
    pass


def sign_in(request: HttpRequest, username: str, password: str) -> User | None:
    """Check a password, refusing early while this user name or client address has too many recent
    failures (so guessing is slow whichever one an attacker varies)."""
    idents = [f"user:{username.lower()}", f"ip:{client_ip(request)}"]
    if ratelimit.exceeded(LOGIN_BUCKET, idents, settings.LOGIN_MAX_FAILURES):
        raise LoginThrottled
    user = authenticate(request, username=username, password=password)
    if user is None:
        for ident in idents:
            ratelimit.hit(LOGIN_BUCKET, ident, settings.LOGIN_FAILURE_WINDOW_S)
        return None
    ratelimit.reset(LOGIN_BUCKET, idents[0])
    return user if isinstance(user, User) else None


def signed_in_user(request: HttpRequest) -> User:
    """The request's user where only signed-in users can arrive (after the login middleware or API auth)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def user_for_token(token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    key_id, _sep, secret = token[len(TOKEN_PREFIX) :].partition("_")
    if not key_id or not secret:
        return None
    row = ApiToken.objects.select_related("user").filter(key_id=key_id).first()
    if row is None or not row.is_usable or not row.user.is_active:
        return None
    if not hmac.compare_digest(row.secret_hash, hash_token_secret(secret)):
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


@transaction.atomic
def create_token(user: User, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name:
        raise FieldError("name", _("Give the token a name."))
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise FieldError("expires_in_days", _("Between 1 and 3650 days."))
    key_id, secret, token = ApiToken.new_key()
    expires_at = timezone.now() + datetime.timedelta(days=expires_in_days) if expires_in_days else None
    row = ApiToken.objects.create(
        user=user, name=name, key_id=key_id, secret_hash=hash_token_secret(secret), expires_at=expires_at
    )
    return row, token


def tokens_of(user: Any) -> Any:
    """A user's own tokens (tokens are never visible to anyone else, operators included)."""
    return ApiToken.objects.filter(user_id=user.pk)


@transaction.atomic
def revoke_token(user: Any, key_id: str) -> ApiToken:
    from django.http import Http404

    row = tokens_of(user).filter(key_id=key_id, revoked_at__isnull=True).first()
    if row is None:
        raise Http404
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_at", "updated_at"])
    return row  # type: ignore[no-any-return]
