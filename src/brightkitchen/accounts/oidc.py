"""Sign-in with a government identity provider (OpenID Connect, authorization code flow with PKCE), through
Authlib: the state, the nonce, the code verifier, the id_token's signature (the provider's published
keys), issuer, audience and expiry are all checked by the library, not here.

Providers come from OIDC_PROVIDERS (JSON: a list of {"name", "label", "issuer", "client_id",
"client_secret", "scope"}). A provider's person is matched to a platform account by (issuer, subject):
the first sign-in links it, either through an invitation the person opened (accounts.services.invite)
or by an e-mail address the provider says is verified and that exactly one active account has. Nobody
gets an account from a sign-in: organisation and role are the platform's.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from brightkitchen.accounts.models import OidcIdentity, User
from brightkitchen.core.roles import Role

logger = logging.getLogger(__name__)

SESSION_INVITATION = "oidc_invitation"  # an invitation secret the person opened before signing in
SESSION_ID_TOKEN = "oidc_id_token"  # for the provider's logout (id_token_hint)
SESSION_PROVIDER = "oidc_provider"


@dataclass(frozen=True)
class ProviderConfig:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    scope: str = "openid email profile"


class SignInRefused(Exception):
    """The provider's answer cannot sign anyone in; the message says why, for the error page."""


def providers() -> dict[str, ProviderConfig]:
    raw = settings.OIDC_PROVIDERS
    found: dict[str, ProviderConfig] = {}
    for item in json.loads(raw) if isinstance(raw, str) else raw:
        config = ProviderConfig(**item)
        found[config.name] = config
    return found


_REGISTRIES: dict[str, tuple[ProviderConfig, Any]] = {}


def client_for(name: str) -> Any:
    """The Authlib client of a configured provider (its discovery document is read once per process)."""
    config = providers().get(name)
    if config is None:
        return None
    cached = _REGISTRIES.get(name)
    if cached is None or cached[0] != config:
        oauth = OAuth()
        oauth.register(
            name=config.name,
            client_id=config.client_id,
            client_secret=config.client_secret,
            server_metadata_url=config.issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": config.scope, "code_challenge_method": "S256", "timeout": 10},
        )
        cached = (config, oauth.create_client(config.name))
        _REGISTRIES[name] = cached
    return cached[1]


def account_for(issuer: str, claims: dict[str, Any], invitation_secret: str | None) -> User:
    """The platform account of the provider's person: linked before, or linked now (an invitation, a
    verified e-mail of exactly one active account). SignInRefused otherwise."""
    from brightkitchen.accounts import services

    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused("the provider named no subject")
    linked = OidcIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if linked is not None:
        if not linked.user.is_active:
            raise SignInRefused("this account is deactivated")
        return linked.user
    user: User | None = None
    if invitation_secret:
        invitation = services.invitation_for(invitation_secret)
        if invitation is not None:
            user = invitation.user
            invitation.used_at = timezone.now()
            invitation.save(update_fields=["used_at", "updated_at"])
    if user is None and claims.get("email_verified") is True and claims.get("email"):
        matches = list(
            User.objects.filter(email__iexact=str(claims["email"]), is_active=True).exclude(role=Role.PUBLIC)[
                :2
            ]
        )
        if len(matches) == 1:
            user = matches[0]
    if user is None:
        raise SignInRefused("no platform account is linked to this identity")
    try:
        with transaction.atomic():
            OidcIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    except IntegrityError as exc:  # a concurrent first sign-in linked it already
        raise SignInRefused("this identity was just linked; sign in again") from exc
    return user
