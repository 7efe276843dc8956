"""Re-authentication for sensitive actions: creating or rotating an API token, changing users in the admin.

The session remembers when its user last proved their password (at sign-in, and at each confirmation on
the confirm page). A sensitive action needs that moment to be at most `REAUTH_MAX_AGE_S` old; otherwise a
page sends the user to `accounts:reauth` and back, and the API asks for the password in the request body.
A bearer token has no sign-in: creating a token with a token always needs the password.

Confirming goes through `services.sign_in` (the same throttle per account-and-address pair and per
address, and a failure is audited as a failed sign-in); the CAPTCHA is not asked, since the caller is
already signed in to that very account.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from brightkitchen.core.errors import FieldError

SESSION_KEY = "bk_authenticated_at"


def stamp(request: HttpRequest) -> None:
    """The session's user has just proved their password."""
    request.session[SESSION_KEY] = int(time.time())


def stamp_on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """`user_logged_in` receiver (connected in AccountsConfig.ready()): every way into a session (the
    sign-in page, the test client's force_login) counts as a fresh proof of the password. Django's login()
    has no other hook; this is sign-in plumbing, not domain logic."""
    if request is not None and hasattr(request, "session"):
        stamp(request)


def age_s(request: HttpRequest) -> float | None:
    """Seconds since the session's user last proved their password (None: never, in this session)."""
    at = request.session.get(SESSION_KEY)
    if not isinstance(at, int | float):
        return None
    return time.time() - at


def is_recent(request: HttpRequest) -> bool:
    age = age_s(request)
    return age is not None and 0 <= age <= settings.REAUTH_MAX_AGE_S


def confirm(request: HttpRequest, password: str) -> bool:
    """Check the signed-in user's password (throttled like a sign-in). Raises services.LoginThrottled while
    the caller must wait. Does not stamp the session: the confirm page does that."""
    from brightkitchen.accounts import services

    user = services.signed_in_user(request)
    checked = services.sign_in(request, user.get_username(), password, captcha_ok=True)
    return checked is not None and checked.pk == user.pk


def confirm_url(request: HttpRequest) -> str:
    return reverse("accounts:reauth") + "?" + urlencode({"next": request.get_full_path()})


def refusal(request: HttpRequest) -> HttpResponse | None:
    """For a page: a redirect to the confirm page when the sign-in is too old, else None."""
    if is_recent(request):
        return None
    return HttpResponseRedirect(confirm_url(request))


def require_recent_auth(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page whose changes (anything but GET and HEAD) need a recent password: with an older sign-in the
    user confirms it on the confirm page first and comes back to the page."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            refused = refusal(request)
            if refused is not None:
                return refused
        return view(request, *args, **kwargs)

    return guarded


def require_for_api(request: HttpRequest, password: str | None) -> None:
    """For an API operation: passes when the session's sign-in is recent, or the body's `password` is the
    caller's. Otherwise a 403 naming `password` (429 while the caller must wait, as for a sign-in). A
    request made with a bearer token always needs the password."""
    from brightkitchen.accounts import services
    from brightkitchen.core.api import via_token

    if not via_token(request) and is_recent(request):
        return
    if not password:
        raise FieldError(
            "password",
            _("Confirm your password for this: your sign-in is more than %(minutes)s minutes old.")
            % {"minutes": max(1, settings.REAUTH_MAX_AGE_S // 60)},
            code="reauth_required",
            status=403,
        )
    try:
        ok = confirm(request, password)
    except services.LoginThrottled as exc:
        raise FieldError(
            "password",
            _("Too many failed attempts from here. Wait %(seconds)s seconds and try again.")
            % {"seconds": exc.retry_after},
            code="throttled",
            status=429,
        ) from None
    if not ok:
        raise FieldError("password", _("The password is wrong."), code="reauth_failed", status=403)
