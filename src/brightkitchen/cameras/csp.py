"""The Content-Security-Policy (django-csp, configured in settings.CONTENT_SECURITY_POLICY) with the live
players' one outside connection added: the relays browsers reach (`grants.relay_urls`, read per request
because RELAY_URL is the operator's, and the tests', to change)."""

from __future__ import annotations

from dataclasses import replace

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

from brightkitchen.cameras.grants import relay_urls


class RelayCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        update = dict(parts.update or {})
        update["connect-src"] = [*update.get("connect-src", []), *relay_urls()]
        return replace(parts, update=update)
