from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from brightkitchen.accounts import services
from brightkitchen.accounts.forms import LoginForm, TokenForm
from brightkitchen.core.errors import FieldError


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
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in(request, form.cleaned_data["username"], form.cleaned_data["password"])
        except services.LoginThrottled:
            form.add_error(None, _("Too many failed attempts. Wait a quarter of an hour and try again."))
            status = 429
        else:
            if user is not None:
                login(request, user)
                return redirect(next_url or resolve_url("core:home"))
            form.add_error(None, _("The user name or password is wrong."))
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


def tokens_view(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _row, new_token = services.create_token(
                services.signed_in_user(request),
                form.cleaned_data["name"],
                form.cleaned_data["expires_in_days"],
            )
        except FieldError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            form = TokenForm()
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
