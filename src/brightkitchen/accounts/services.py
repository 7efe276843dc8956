from __future__ import annotations

import datetime
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.accounts.models import (
    TOKEN_PREFIX,
    ApiToken,
    Invitation,
    SecurityNotice,
    User,
    hash_token_secret,
)
from brightkitchen.core import ratelimit
from brightkitchen.core.api import BearerGrant
from brightkitchen.core.errors import FieldError
from brightkitchen.core.events import after_commit
from brightkitchen.core.middleware import client_ip

# Failed sign-ins are counted three ways (core.ratelimit, shared cache, LOGIN_FAILURE_WINDOW_S):
# - per (account, address) pair: after LOGIN_DELAY_AFTER failures each further try from that pair waits a
#   delay that doubles per failure (LOGIN_DELAY_BASE_S, at most LOGIN_DELAY_MAX_S);
# - per account, from any address: after LOGIN_CAPTCHA_AFTER failures the account asks for the offline
#   CAPTCHA (accounts.captcha) with the password; the right password with the right answer still signs in,
#   so nobody can lock another person out, and the owner is told (a notice, queued after commit);
# - per address, over all accounts: LOGIN_MAX_FAILURES_PER_ADDRESS failures (password spraying) refuse
#   that address only.
PAIR_BUCKET = "login-pair"
ACCOUNT_BUCKET = "login-account"
ADDRESS_BUCKET = "login-address"


class LoginThrottled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = max(1, retry_after)


class PasswordSignInOff(Exception):
    """The right password of an account whose organisation signs in through the identity provider only."""


class CaptchaRequired(Exception):
    """The account has had too many failed sign-ins: the CAPTCHA is missing or wrong."""


def _account_ident(username: str) -> str:
    return username.strip().lower()


def captcha_needed(username: str) -> bool:
    return ratelimit.hits(ACCOUNT_BUCKET, _account_ident(username)) >= settings.LOGIN_CAPTCHA_AFTER


def pair_delay_s(failures: int) -> int:
    """How long the pair waits after its `failures`-th failure (0 while under LOGIN_DELAY_AFTER)."""
    over = failures - settings.LOGIN_DELAY_AFTER
    if over < 0:
        return 0
    return int(min(settings.LOGIN_DELAY_MAX_S, settings.LOGIN_DELAY_BASE_S * 2 ** min(over, 30)))


def sign_in(request: HttpRequest, username: str, password: str, captcha_ok: bool = False) -> User | None:
    """Check a password. Raises LoginThrottled while this account-and-address pair (or this address) must
    wait, CaptchaRequired when the account asks for the CAPTCHA and `captcha_ok` is false."""
    address = client_ip(request) or "unknown"
    account = _account_ident(username)
    pair = f"{account}|{address}"
    wait = ratelimit.blocked_for(PAIR_BUCKET, pair)
    if wait:
        raise LoginThrottled(wait)
    if ratelimit.exceeded(ADDRESS_BUCKET, [address], settings.LOGIN_MAX_FAILURES_PER_ADDRESS):
        raise LoginThrottled(settings.LOGIN_FAILURE_WINDOW_S)
    if captcha_needed(username) and not captcha_ok:
        raise CaptchaRequired
    user = authenticate(request, username=username, password=password)
    if user is None:
        window = settings.LOGIN_FAILURE_WINDOW_S
        ratelimit.hit(ADDRESS_BUCKET, address, window)
        delay = pair_delay_s(ratelimit.hit(PAIR_BUCKET, pair, window))
        if delay:
            ratelimit.block(PAIR_BUCKET, pair, delay)
        if ratelimit.hit(ACCOUNT_BUCKET, account, window) == settings.LOGIN_CAPTCHA_AFTER:
            _warn_owner(account, address)
        return None
    ratelimit.reset(PAIR_BUCKET, pair)
    organisation = getattr(user, "organisation", None)
    if organisation is not None and not organisation.password_sign_in:
        raise PasswordSignInOff
    return user if isinstance(user, User) else None


def _warn_owner(account: str, address: str) -> None:
    """Tell the account's owner (once per window, when the CAPTCHA starts being asked for)."""
    from brightkitchen.accounts import tasks

    owner = User.objects.filter(username__iexact=account, is_active=True).values_list("pk", flat=True).first()
    if owner is not None:
        after_commit(tasks.warn_of_failed_sign_ins.delay, owner, settings.LOGIN_CAPTCHA_AFTER, address)


def record_failed_sign_ins(user_id: int, failures: int, address: str) -> SecurityNotice | None:
    """The notice the owner sees at the next sign-in (and any account channel sends). Idempotent per
    window: a retried task adds no second notice."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    since = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_S)
    existing = SecurityNotice.objects.filter(
        user=user, kind=SecurityNotice.Kind.FAILED_SIGN_INS, created_at__gte=since
    ).first()
    if existing is not None:
        return existing
    return SecurityNotice.objects.create(
        user=user, kind=SecurityNotice.Kind.FAILED_SIGN_INS, failures=failures, address=address
    )


def take_unread_notices(user: User) -> list[SecurityNotice]:
    """The user's unread security notices, marked read (shown once, after sign-in)."""
    notices = list(SecurityNotice.objects.filter(user=user, read_at__isnull=True).order_by("created_at"))
    if notices:
        SecurityNotice.objects.filter(pk__in=[n.pk for n in notices]).update(read_at=timezone.now())
    return notices


def signed_in_user(request: HttpRequest) -> User:
    """The request's user where only signed-in users can arrive (after the login middleware or API auth)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def grant_for_token(token: str) -> BearerGrant | None:
    """What a bearer token gives (core.api.TokenAuth): its owner and whether it may only read; None for an
    unknown, wrong, revoked or expired token or an inactive owner."""
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
    return BearerGrant(user=row.user, read_only=row.read_only)


def user_for_token(token: str) -> User | None:
    grant = grant_for_token(token)
    return grant.user if grant is not None else None


def _scope(scope: str) -> str:
    if scope not in ApiToken.Scope.values:
        raise FieldError("scope", _("Choose read only or read and write."))
    return scope


@transaction.atomic
def create_token(
    user: User,
    name: str,
    expires_in_days: int | None = None,
    scope: str = ApiToken.Scope.READ_WRITE,
) -> tuple[ApiToken, str]:
    """A new token; the full token is returned once and only its hash is stored. Callers that act for a
    person (the token page, the API) confirm the password first (accounts.reauth)."""
    name = name.strip()
    if not name:
        raise FieldError("name", _("Give the token a name."))
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise FieldError("expires_in_days", _("Between 1 and 3650 days."))
    scope = _scope(scope)
    key_id, secret, token = ApiToken.new_key()
    expires_at = timezone.now() + datetime.timedelta(days=expires_in_days) if expires_in_days else None
    row = ApiToken.objects.create(
        user=user,
        name=name,
        key_id=key_id,
        secret_hash=hash_token_secret(secret),
        expires_at=expires_at,
        scope=scope,
    )
    return row, token


@transaction.atomic
def rotate_token(user: Any, key_id: str) -> tuple[ApiToken, str]:
    """Replace one of the user's usable tokens: a new token with the same name, scope and expiry, and the
    old one revoked in the same transaction (it stops working at once). 404 for a token that is not the
    user's, or is revoked or expired."""
    from django.http import Http404

    old = tokens_of(user).select_for_update().filter(key_id=key_id, revoked_at__isnull=True).first()
    if old is None or not old.is_usable:
        raise Http404
    old.revoked_at = timezone.now()
    old.save(update_fields=["revoked_at", "updated_at"])
    key_id_new, secret, token = ApiToken.new_key()
    row = ApiToken.objects.create(
        user_id=old.user_id,
        name=old.name,
        key_id=key_id_new,
        secret_hash=hash_token_secret(secret),
        expires_at=old.expires_at,
        scope=old.scope,
    )
    return row, token


def tokens_of(user: Any) -> QuerySet[ApiToken]:
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
    return row


# --- accounts at scale: invitations, deactivation --------------------------------------------------

INVITATION_DAYS = 14


def invite(user: User, days: int = INVITATION_DAYS) -> str:
    """A one-time link for `user` to choose their password (earlier unused links stop working); only its
    hash is stored. Returns the path of the link (the caller adds the platform's address)."""
    from django.urls import reverse

    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    Invitation.objects.create(
        user=user, secret_hash=hash_token_secret(secret), expires_at=now + datetime.timedelta(days=days)
    )
    return reverse("accounts:invitation", args=[secret])


def invitation_for(secret: str) -> Invitation | None:
    row = Invitation.objects.select_related("user").filter(secret_hash=hash_token_secret(secret)).first()
    return row if row is not None and row.usable else None


@transaction.atomic
def accept_invitation(secret: str, password: str) -> User:
    """Sets the invited person's password and spends the link; FieldError for a weak password, and for a
    link that is unknown, used, expired or whose account was deactivated."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    row = invitation_for(secret)
    if row is None:
        raise FieldError("invitation", _("This invitation link is used, expired or unknown."), status=404)
    try:
        validate_password(password, row.user)
    except ValidationError as exc:
        raise FieldError("password", " ".join(exc.messages)) from exc
    claimed = Invitation.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not claimed:  # the same link used twice at once
        raise FieldError("invitation", _("This invitation link is used, expired or unknown."), status=404)
    row.user.set_password(password)
    row.user.save()
    return row.user


@transaction.atomic
def deactivate(operator: User, user_id: int) -> User:
    """Ends an account at once: it can no longer sign in, its open sessions stop working (Django's
    authentication refuses an inactive user on their next request) and its API tokens and unused
    invitations are revoked. Operators only."""
    if not operator.is_operator:
        raise PermissionDenied
    from brightkitchen.core.scoping import Action, get_visible_or_404

    user = get_visible_or_404(User, operator, Action.CHANGE, pk=user_id)
    if user.pk == operator.pk:
        raise FieldError("user", _("You cannot deactivate yourself."))
    now = timezone.now()
    user.is_active = False
    user.save()
    for token in ApiToken.objects.filter(user=user, revoked_at__isnull=True):
        token.revoked_at = now
        token.save(update_fields=["revoked_at", "updated_at"])
    Invitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    return user
