"""The id_token checks of the sign-in, against the real provider's published keys (panva's
oidc-provider on loopback, given a signing key this test holds too, so it can make the tokens a
forger or a careless provider would send): another client's audience, an expired token, a token
whose payload was changed, one signed with another key, another issuer and a wrong nonce are all
refused; the provider's own kind of token passes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from authlib.jose import JsonWebKey, jwt
from django.test import override_settings
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)

from brightkitchen.accounts import oidc
from brightkitchen.testbed import oidc_provider

KEY = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "test-key"})
OTHER_KEY = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "test-key"})


@pytest.fixture(scope="module")
def provider() -> Iterator[oidc_provider.RunningProvider]:
    private = KEY.as_dict(is_private=True)
    with oidc_provider.oidc_provider(
        ["http://127.0.0.1:9/callback/"], {}, jwks={"keys": [private]}
    ) as running:
        yield running


@pytest.fixture
def client(provider: oidc_provider.RunningProvider) -> Iterator[Any]:
    config = [
        {
            "name": "gov",
            "label": "政务服务网",
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "client_secret": provider.client_secret,
        }
    ]
    with override_settings(OIDC_PROVIDERS=json.dumps(config)):
        yield oidc.client_for("gov")


def _token(provider: oidc_provider.RunningProvider, key: Any = KEY, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": provider.client_id,
        "sub": "county-a-regulator",
        "iat": now,
        "exp": now + 300,
        "nonce": "the-nonce",
        **changes,
    }
    return str(jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key).decode())


def _parse(client: Any, id_token: str, nonce: str = "the-nonce") -> Any:
    return client.parse_id_token({"id_token": id_token, "access_token": "at"}, nonce=nonce)


def test_a_token_of_the_provider_for_this_platform_passes(
    client: Any, provider: oidc_provider.RunningProvider
) -> None:
    assert _parse(client, _token(provider))["sub"] == "county-a-regulator"


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "other-app"},  # meant for another relying party of the same provider
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},  # expired
        {"iss": "http://127.0.0.1:1"},  # another issuer
    ],
    ids=["wrong-audience", "expired", "wrong-issuer"],
)
def test_a_token_with_a_wrong_claim_is_refused(
    client: Any, provider: oidc_provider.RunningProvider, changes: dict[str, Any]
) -> None:
    with pytest.raises(JoseError) as refused:
        _parse(client, _token(provider, **changes))
    assert isinstance(refused.value, InvalidClaimError | ExpiredTokenError | MissingClaimError)


def test_a_tampered_or_foreign_signed_token_is_refused(
    client: Any, provider: oidc_provider.RunningProvider
) -> None:
    header, payload, signature = _token(provider).split(".")
    forged_payload = _token(provider, sub="province-regulator").split(".")[1]
    with pytest.raises(BadSignatureError):
        _parse(client, ".".join([header, forged_payload, signature]))
    with pytest.raises(BadSignatureError):
        _parse(client, _token(provider, key=OTHER_KEY))


def test_a_token_for_another_sign_in_is_refused(client: Any, provider: oidc_provider.RunningProvider) -> None:
    with pytest.raises(InvalidClaimError):
        _parse(client, _token(provider), nonce="another-nonce")
