from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from brightkitchen.audit.models import AuditAction, AuditLogEntry
from brightkitchen.audit.selectors import AuditFilters, audit_entries_for
from brightkitchen.core.scoping import Action, scope_of


class AuditSearchForm(forms.Form):
    region = forms.RegexField(label=_("Region code"), required=False, regex=r"^\d{2,12}$")
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices]
    )


def audit_log(request: HttpRequest) -> HttpResponse:
    if not AuditLogEntry.scope_rule.allows(scope_of(request.user).role, Action.VIEW):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = audit_entries_for(
        request.user, AuditFilters(region=data.get("region", ""), action=data.get("action", ""))
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"form": form, "page": page})
