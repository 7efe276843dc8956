from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from brightkitchen.accounts.models import ApiToken
from brightkitchen.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def test_login_lands_on_the_start_page_and_refuses_bad_passwords(world: World) -> None:
    client = world.client(None)
    bad = client.post("/accounts/login/", {"username": "regulator_a", "password": "nope"})
    assert bad.status_code == 400
    good = client.post("/accounts/login/", {"username": "regulator_a", "password": PASSWORD})
    assert good.status_code == 302 and good["Location"] == "/"


def test_login_is_rate_limited_per_user_name(world: World) -> None:
    client = world.client(None)
    for _ in range(5):
        client.post(
            "/accounts/login/", {"username": "regulator_a", "password": "guess"}, REMOTE_ADDR="10.0.0.9"
        )
    # Even the right password is refused while the limit holds, from another address too.
    blocked = world.client(None).post(
        "/accounts/login/", {"username": "regulator_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.10"
    )
    assert blocked.status_code == 429
    other_user = world.client(None).post(
        "/accounts/login/", {"username": "regulator_b", "password": PASSWORD}, REMOTE_ADDR="10.0.0.10"
    )
    assert other_user.status_code == 302


def test_login_redirect_stays_on_this_site(world: World) -> None:
    response = world.client(None).post(
        "/accounts/login/?next=https://evil.example/", {"username": "regulator_a", "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_token_works_until_revoked_or_expired(world: World) -> None:
    client = world.client(None)
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {world.token_a_value}"}
    assert client.get("/api/v1/me", **auth).json()["jurisdiction"] == "region:140702"
    token = ApiToken.objects.get(pk=world.token_a.pk)  # type: ignore[union-attr]
    assert world.token_a_value.split("_")[-1] not in token.secret_hash
    token.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    token.save()
    assert client.get("/api/v1/me", **auth).status_code == 401
    token.expires_at = None
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/v1/me", **auth).status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer nonsense", "Bearer bk_abc", "Bearer bk_000000000000_wrong", "Basic x"]
)
def test_bad_tokens_are_401(world: World, header: str) -> None:
    assert world.client(None).get("/api/v1/me", HTTP_AUTHORIZATION=header).status_code == 401


def test_session_api_writes_need_csrf(world: World) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["regulator_a"])
    response = client.patch(
        f"/api/v1/canteens/{world.canteens['a'].pk}",
        data={"risk_grade": "C"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_token_page_shows_a_new_token_once(world: World) -> None:
    client = world.client("regulator_a")
    response = client.post("/accounts/tokens/", {"name": "巡查App"})
    token = response.context["new_token"]
    assert token.startswith("bk_") and token in response.content.decode()
    assert token not in client.get("/accounts/tokens/").content.decode()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
