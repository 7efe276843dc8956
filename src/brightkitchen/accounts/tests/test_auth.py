from __future__ import annotations

import datetime
import io
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from brightkitchen.accounts import captcha, services, tasks
from brightkitchen.accounts.models import ApiToken, SecurityNotice
from brightkitchen.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def test_login_lands_on_the_start_page_and_refuses_bad_passwords(world: World) -> None:
    client = world.client(None)
    bad = client.post("/accounts/login/", {"username": "regulator_a", "password": "nope"})
    assert bad.status_code == 400
    good = client.post("/accounts/login/", {"username": "regulator_a", "password": PASSWORD})
    assert good.status_code == 302 and good["Location"] == "/"


def _login(username: str, password: str, address: str, **extra: str) -> Any:
    return Client().post(
        "/accounts/login/", {"username": username, "password": password, **extra}, REMOTE_ADDR=address
    )


def test_an_attacker_with_wrong_passwords_from_another_address_cannot_lock_out_the_right_user(
    world: World,
) -> None:
    for _ in range(5):
        _login("regulator_a", "guess", "10.0.0.9")
    good = _login("regulator_a", PASSWORD, "10.0.0.10")
    assert good.status_code == 302 and good["Location"] == "/"


def test_failures_from_one_pair_wait_growing_delays(world: World) -> None:
    statuses = [_login("regulator_a", "guess", "10.0.0.9").status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    # The pair waits now, however right the password; the same account from elsewhere does not.
    waiting = _login("regulator_a", PASSWORD, "10.0.0.9")
    assert waiting.status_code == 429 and waiting["Retry-After"] == "1"
    assert _login("regulator_a", "guess", "10.0.0.11").status_code == 400
    # A forwarding header from an untrusted client does not make a new pair (core.middleware.client_ip).
    forged = Client().post(
        "/accounts/login/",
        {"username": "regulator_a", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
        HTTP_X_FORWARDED_FOR="10.7.7.7",
        HTTP_X_REAL_IP="10.7.7.8",
    )
    assert forged.status_code == 429
    time.sleep(1.1)
    assert _login("regulator_a", "guess", "10.0.0.9").status_code == 400  # the fourth failure
    assert _login("regulator_a", PASSWORD, "10.0.0.9")["Retry-After"] == "2"  # twice as long
    assert [services.pair_delay_s(n) for n in range(2, 8)] == [0, 1, 2, 4, 8, 16]
    assert services.pair_delay_s(40) == 900


def test_repeated_failures_on_an_account_ask_for_the_captcha_and_the_right_answer_signs_in(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for n in range(5):  # a guesser spread over five addresses, one try each
            assert _login("regulator_a", "guess", f"10.0.1.{n}").status_code == 400
    assert len(queued) == 1  # the owner is told once, after commit, when the CAPTCHA starts
    # The right password alone is not refused with a lockout: the page asks for the picture's sum.
    asked = _login("regulator_a", PASSWORD, "10.0.0.10")
    assert asked.status_code == 400
    key = asked.context["captcha_key"]
    assert key and "captcha" in asked.context["form"].errors
    picture = Client().get(f"/accounts/captcha/{key}.png")
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(picture.content)).size == (180, 60)
    # A wrong answer uses the picture up; the right one with the right password gets in.
    wrong = _login("regulator_a", PASSWORD, "10.0.0.10", captcha_key=key, captcha="0")
    assert wrong.status_code == 400 and "captcha" in wrong.context["form"].errors
    assert _login("regulator_a", PASSWORD, "10.0.0.10", captcha_key=key, captcha="0").status_code == 400
    key = wrong.context["captcha_key"]
    answer = captcha.answer_of(key)
    assert answer is not None
    # A guesser solving the picture still needs the password.
    guess = _login("regulator_a", "guess", "10.0.0.12", captcha_key=key, captcha=answer)
    assert guess.status_code == 400 and not guess.context["form"]["captcha"].errors
    key = guess.context["captcha_key"]
    client = Client()
    good = client.post(
        "/accounts/login/",
        {
            "username": "regulator_a",
            "password": PASSWORD,
            "captcha_key": key,
            "captcha": captcha.answer_of(key),
        },
        REMOTE_ADDR="10.0.0.10",
    )
    assert good.status_code == 302
    # Another account is not asked for anything.
    assert _login("regulator_b", PASSWORD, "10.0.0.10").status_code == 302
    # The queued task leaves the owner a notice (once, however often it runs), shown at the next sign-in.
    for callback in queued:
        callback()
    assert tasks.warn_of_failed_sign_ins(world.users["regulator_a"].pk, 5, "10.0.1.4") is True
    notices = SecurityNotice.objects.filter(user=world.users["regulator_a"])
    assert notices.count() == 1 and notices.get().address == "10.0.1.4"
    home = client.get("/")
    assert home.status_code == 200  # the earlier sign-in's page; the notice waits for the next sign-in
    next_time = Client()
    answer_key = _login("regulator_a", PASSWORD, "10.0.0.10").context["captcha_key"]
    signed_in = next_time.post(
        "/accounts/login/",
        {
            "username": "regulator_a",
            "password": PASSWORD,
            "captcha_key": answer_key,
            "captcha": captcha.answer_of(answer_key),
        },
        REMOTE_ADDR="10.0.0.10",
        follow=True,
    )
    shown = [str(m) for m in signed_in.context["messages"]]
    assert any("10.0.1.4" in m for m in shown)
    assert notices.get().read_at is not None


def test_password_spraying_from_one_address_is_refused_for_that_address(world: World, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    for name in ["regulator_b", "principal_a", "principal_b", "canteen_manager_a"]:
        _login(name, "guess", "10.0.2.1")
    assert _login("regulator_a", PASSWORD, "10.0.2.1").status_code == 429
    assert _login("regulator_a", PASSWORD, "10.0.2.2").status_code == 302


def test_the_admin_has_no_sign_in_form_of_its_own(world: World) -> None:
    # Django's admin login would check passwords outside the throttle; it sends to the platform's page.
    response = Client().post("/admin/login/?next=/admin/", {"username": "operator", "password": "guess"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert world.client("regulator_a").get("/admin/").status_code in (302, 403)


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
