from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from brightkitchen.accounts import captcha, oidc, reauth, services
from brightkitchen.accounts.forms import ConfirmPasswordForm, ImportForm, InvitationForm, LoginForm, TokenForm
from brightkitchen.accounts.models import ApiToken
from brightkitchen.core.errors import FieldError
from brightkitchen.core.forms import show_field_error

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@csrf_protect
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = LoginForm(request.POST or None)
    status = 200
    retry_after = 0
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        asked = bool(data["captcha_key"])
        captcha_ok = asked and captcha.check(data["captcha_key"], data["captcha"])
        try:
            user = services.sign_in(request, data["username"], data["password"], captcha_ok=captcha_ok)
        except services.LoginThrottled as exc:
            retry_after = exc.retry_after
            form.add_error(
                None,
                _("Too many failed attempts from here. Wait %(seconds)s seconds and try again.")
                % {"seconds": retry_after},
            )
            status = 429
        except services.PasswordSignInOff:
            form.add_error(
                None, _("Your organisation signs in with the government identity provider: use its button.")
            )
            status = 403
        except services.CaptchaRequired:
            form.add_error(
                "captcha",
                _("The answer is wrong; try the new picture.")
                if asked
                else _("This account had several failed sign-ins: enter the sum in the picture as well."),
            )
            status = 400
        else:
            if user is not None:
                login(request, user)
                for notice in services.take_unread_notices(user):
                    messages.warning(request, notice.message)
                return redirect(next_url or resolve_url("core:home"))
            form.add_error(None, _("The user name or password is wrong."))
            status = 400
    elif request.method == "POST":
        status = 400
    captcha_key = ""
    username = form.data.get("username", "") if form.is_bound else ""
    if username and services.captcha_needed(str(username)):
        captcha_key = captcha.new_challenge()
        shown = request.POST.copy()  # the new picture's key, and no stale answer
        shown["captcha_key"] = captcha_key
        shown["captcha"] = ""
        form.data = shown
    response = render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": next_url,
            "captcha_key": captcha_key,
            "identity_providers": list(oidc.providers().values()),
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@login_not_required
@never_cache
def captcha_view(request: HttpRequest, key: str) -> HttpResponse:
    """The picture of a sign-in CAPTCHA challenge (404 once used or expired)."""
    png = captcha.render(key)
    if png is None:
        raise Http404
    return HttpResponse(png, content_type="image/png")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Signs out here; someone who signed in through the identity provider is offered its sign-out too
    (RP-initiated logout, which comes back to the sign-in page)."""
    id_token = request.session.get(oidc.SESSION_ID_TOKEN)
    provider = request.session.get(oidc.SESSION_PROVIDER)
    logout(request)
    if id_token and provider:
        client = oidc.client_for(str(provider))
        try:
            end = client.load_server_metadata().get("end_session_endpoint") if client is not None else None
        except Exception:  # the provider is down: signed out here, which is what matters
            logger.warning("identity provider %s unreachable at logout", provider)
            end = None
        if end:
            # A page with the provider's sign-out link rather than a redirect: the sign-out form may only
            # lead to the platform itself (CSP form-action 'self').
            back = request.build_absolute_uri(reverse("accounts:login"))
            query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": back})
            label = oidc.providers()[str(provider)].label
            context = {"provider_logout": f"{end}?{query}", "provider_label": label}
            return render(request, "accounts/signed_out.html", context)
    return redirect("accounts:login")


@login_not_required
@never_cache
def oidc_start_view(request: HttpRequest, name: str) -> HttpResponse:
    """Sends the person to the identity provider (state, nonce and PKCE verifier kept in the session)."""
    client = oidc.client_for(name)
    if client is None:
        raise Http404
    callback = request.build_absolute_uri(reverse("accounts:oidc_callback", args=[name]))
    try:
        return client.authorize_redirect(request, callback)  # type: ignore[no-any-return]
    except Exception:
        logger.exception("identity provider %s unreachable", name)
        return _sign_in_refused(
            request, _("The identity provider cannot be reached now. Try again later."), 503
        )


@login_not_required
@never_cache
def oidc_callback_view(request: HttpRequest, name: str) -> HttpResponse:
    """Back from the provider: the code is exchanged (PKCE), the id_token checked by Authlib (signature,
    issuer, audience, expiry, nonce), the state checked against the session (a replayed or forged
    callback is refused), and the person matched to their account."""
    client = oidc.client_for(name)
    if client is None:
        raise Http404
    if "error" in request.GET:
        return _sign_in_refused(request, _("The identity provider did not sign you in."), 400)
    try:
        token = client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise oidc.SignInRefused("the provider sent no id_token")
        if "email" not in claims:
            # Providers may keep the id_token to its subject and give the other claims at userinfo.
            extra = dict(client.userinfo(token=token))
            if extra.get("sub") != claims.get("sub"):
                raise oidc.SignInRefused("userinfo names another subject than the id_token")
            claims = {**extra, **claims}
        issuer = str(client.load_server_metadata()["issuer"])
        user = oidc.account_for(issuer, claims, request.session.pop(oidc.SESSION_INVITATION, None))
    except oidc.SignInRefused as exc:
        logger.warning("sign-in through %s refused: %s", name, exc)
        return _sign_in_refused(
            request,
            _(
                "No account of this platform is linked to your identity. Ask the platform's operator for "
                "an invitation."
            ),
            403,
        )
    except Exception as exc:  # a tampered, expired or foreign token, a replayed state, a provider down
        logger.warning("sign-in through %s failed: %s: %s", name, type(exc).__name__, exc)
        return _sign_in_refused(
            request, _("The sign-in could not be completed. Start again from the sign-in page."), 400
        )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[oidc.SESSION_ID_TOKEN] = token.get("id_token", "")
    request.session[oidc.SESSION_PROVIDER] = name
    return redirect("core:home")


def _sign_in_refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "accounts/sign_in_refused.html", {"message": message}, status=status)


@never_cache
@reauth.require_recent_auth
def tokens_view(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _row, new_token = services.create_token(
                services.signed_in_user(request),
                form.cleaned_data["name"],
                form.cleaned_data["expires_in_days"],
                form.cleaned_data["scope"] or ApiToken.Scope.READ,
            )
        except FieldError as exc:
            show_field_error(form, exc)
        else:
            form = TokenForm()
    return _tokens_page(request, form, new_token)


def _tokens_page(request: HttpRequest, form: TokenForm, new_token: str | None) -> HttpResponse:
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": services.tokens_of(request.user), "new_token": new_token},
        status=400 if request.method == "POST" and not form.is_valid() and new_token is None else 200,
    )


@require_POST
def revoke_token_view(request: HttpRequest, key_id: str) -> HttpResponse:
    services.revoke_token(request.user, key_id)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


@never_cache
@require_POST
def rotate_token_view(request: HttpRequest, key_id: str) -> HttpResponse:
    """Replace a token (the old one stops working at once); the new one is shown once, on this answer."""
    refused = reauth.refusal(request)
    if refused is not None:  # back to the token list after confirming, not to this POST-only address
        return redirect(reverse("accounts:reauth") + "?" + urlencode({"next": reverse("accounts:tokens")}))
    _row, new_token = services.rotate_token(request.user, key_id)
    messages.success(request, _("The token was replaced; the old one no longer works."))
    return _tokens_page(request, TokenForm(), new_token)


@never_cache
def reauth_view(request: HttpRequest) -> HttpResponse:
    """Confirm your password before a sensitive action, then go back to it (`next`, on this site only)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = ConfirmPasswordForm(request.POST or None)
    status = 200
    retry_after = 0
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                ok = reauth.confirm(request, form.cleaned_data["password"])
            except services.LoginThrottled as exc:
                retry_after = exc.retry_after
                form.add_error(
                    "password",
                    _("Too many failed attempts from here. Wait %(seconds)s seconds and try again.")
                    % {"seconds": retry_after},
                )
                status = 429
            else:
                if ok:
                    reauth.stamp(request)
                    return redirect(next_url or resolve_url("core:home"))
                form.add_error("password", _("The password is wrong."))
    response = render(request, "accounts/reauth.html", {"form": form, "next": next_url}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@login_not_required
@never_cache
@csrf_protect
def invitation_view(request: HttpRequest, secret: str) -> HttpResponse:
    """An invited person chooses their password here, once; then they are signed in."""
    invitation = services.invitation_for(secret)
    if invitation is None:
        return render(request, "accounts/invitation.html", {"invalid": True}, status=404)
    via = request.GET.get("via", "")
    if via in oidc.providers():
        # Accepted by signing in with the identity provider: the account is linked to that identity.
        request.session[oidc.SESSION_INVITATION] = secret
        return redirect("accounts:oidc_start", via)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(secret, form.cleaned_data["password"])
        except FieldError as exc:
            show_field_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your password is set. Welcome."))
            return redirect("core:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/invitation.html", {"form": form, "invited": invitation.user}, status=status
    )


def import_view(request: HttpRequest) -> HttpResponse:
    """Operators import officials and canteen staff from a spreadsheet; each new account's invitation
    link is shown once, to be sent to its person."""
    from brightkitchen.accounts import imports

    user = services.signed_in_user(request)
    if not user.is_operator:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[imports.RowError] = []
    invited: list[tuple[Any, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            users = imports.import_users(imports.read_sheet(form.cleaned_data["sheet"]))
        except imports.ImportRefused as exc:
            errors = exc.errors
        else:
            base = str(settings.PLATFORM_URL).rstrip("/")
            invited = [(u, base + services.invite(u)) for u in users]
    status = 400 if request.method == "POST" and not invited else 200
    context = {"form": form, "errors": errors, "invited": invited}
    return render(request, "accounts/import.html", context, status=status)
