from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from brightkitchen.accounts.services import signed_in_user
from brightkitchen.alerts.rules import kind_label
from brightkitchen.core.errors import FieldError
from brightkitchen.core.forms import show_field_error
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import Action
from brightkitchen.notifications import selectors, services
from brightkitchen.notifications.forms import SettingsForm, WebhookForm
from brightkitchen.notifications.models import ChannelChoice, WebhookEndpoint

RECENT = 20


def settings_view(request: HttpRequest) -> HttpResponse:
    """The caller's own: how they are told about alerts, and what was sent to them lately."""
    user = signed_in_user(request)
    profile = services.profile_of(user)
    choices = list(ChannelChoice.objects.filter(user=profile.user))
    form = SettingsForm(request.POST or None, choices=choices, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_profile(
                user,
                quiet_from=form.cleaned_data["quiet_from"],
                quiet_until=form.cleaned_data["quiet_until"],
                wechat_openid=form.cleaned_data["wechat_openid"],
            )
            services.set_choices(user, form.choices())
        except FieldError as exc:
            show_field_error(form, exc)
        else:
            messages.success(request, _("Your notification settings were saved."))
            return redirect("notifications:settings")
    deliveries = list(selectors.deliveries_for(user)[:RECENT])
    for row in deliveries:
        row.kind_label = kind_label(row.alert.kind)  # type: ignore[attr-defined]
    status = 400 if request.method == "POST" else 200
    return render(
        request, "notifications/settings.html", {"form": form, "deliveries": deliveries}, status=status
    )


def _may_manage(request: HttpRequest) -> bool:
    role = getattr(request.user, "role", None)
    return role is not None and WebhookEndpoint.scope_rule.allows(Role(role), Action.CHANGE)


def webhooks_view(request: HttpRequest) -> HttpResponse:
    """The caller's organisation's webhook receivers; the signing secret is shown once, when added."""
    if not _may_manage(request):
        raise PermissionDenied
    form = WebhookForm(request.POST or None)
    added = None
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_endpoint(signed_in_user(request), **form.cleaned_data)
        except FieldError as exc:
            show_field_error(form, exc)
        else:
            form = WebhookForm()
    endpoints = selectors.endpoints_for(signed_in_user(request))
    status = 400 if request.method == "POST" and added is None else 200
    context = {"form": form, "endpoints": endpoints, "added": added}
    return render(request, "notifications/webhooks.html", context, status=status)


@require_POST
def remove_webhook_view(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    services.remove_endpoint(signed_in_user(request), endpoint_id)
    messages.success(request, _("The receiver was removed."))
    return redirect("notifications:webhooks")
