"""Issue 13 §5: API tokens (stored hashed, shown once, expiry, rotation, read-only scope), the admin behind
the sign-in throttle, re-authentication for sensitive actions, and the session lifetime."""

from __future__ import annotations

import datetime
import hashlib
import json
import time
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from brightkitchen.accounts import reauth
from brightkitchen.accounts.models import ApiToken, User
from brightkitchen.audit.models import AuditAction, AuditLogEntry
from brightkitchen.conftest import PASSWORD, World
from brightkitchen.schools.models import Canteen

pytestmark = pytest.mark.django_db


def _bearer(token: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _post_json(client: Client, url: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


def _age_sign_in(client: Client, seconds: int) -> None:
    """Make the client's sign-in `seconds` old (as if signed in that long ago)."""
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time()) - seconds
    session.save()


def _error(response: Any) -> dict[str, Any]:
    detail = response.json()["detail"]
    assert len(detail) == 1
    return dict(detail[0])


def test_a_token_is_shown_once_and_only_its_hash_is_stored(world: World) -> None:
    client = world.client("regulator_a")
    created = _post_json(client, "/api/v1/tokens", {"name": "巡查App", "expires_in_days": 30})
    assert created.status_code == 201
    token = created.json()["token"]
    secret = token.split("_", 2)[2]
    row = ApiToken.objects.get(key_id=created.json()["key_id"])
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    # The secret is in no column of the row, and in no audit entry (the hash is not either).
    stored = [str(v) for v in ApiToken.objects.filter(pk=row.pk).values().get().values()]
    assert not any(secret in v for v in stored)
    audit = json.dumps(list(AuditLogEntry.objects.values("before", "after", "object_repr")), default=str)
    assert secret not in audit and row.secret_hash not in audit
    # Never shown again: not in the list, not on the page.
    listed = client.get("/api/v1/tokens")
    assert listed.status_code == 200 and secret not in listed.content.decode()
    assert "token" not in listed.json()[0]
    assert secret not in client.get("/accounts/tokens/").content.decode()
    # The expiry is honoured: usable until then, 401 after.
    assert row.expires_at is not None
    assert abs(row.expires_at - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(
        minutes=1
    )
    assert Client().get("/api/v1/me", **_bearer(token)).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Client().get("/api/v1/me", **_bearer(token)).status_code == 401


def test_rotation_replaces_a_token_and_the_old_one_stops_at_once(world: World) -> None:
    client = world.client("regulator_a")
    old = world.token_a_value
    old_row = ApiToken.objects.get(key_id=world.token_a_key_id)
    ApiToken.objects.filter(pk=old_row.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=5), scope=ApiToken.Scope.READ
    )
    assert Client().get("/api/v1/me", **_bearer(old)).status_code == 200
    rotated = _post_json(client, f"/api/v1/tokens/{old_row.key_id}/rotate", {})
    assert rotated.status_code == 201, rotated.content
    new = rotated.json()
    assert new["key_id"] != old_row.key_id and new["name"] == old_row.name and new["scope"] == "read"
    assert Client().get("/api/v1/me", **_bearer(old)).status_code == 401
    assert Client().get("/api/v1/me", **_bearer(new["token"])).status_code == 200
    new_row = ApiToken.objects.get(key_id=new["key_id"])
    assert new_row.expires_at == ApiToken.objects.get(pk=old_row.pk).expires_at  # no longer life
    # A revoked token cannot be rotated back to life; another user's token is not found.
    assert _post_json(client, f"/api/v1/tokens/{old_row.key_id}/rotate", {}).status_code == 404
    other = world.client("regulator_b")
    assert _post_json(other, f"/api/v1/tokens/{new_row.key_id}/rotate", {}).status_code == 404
    # The page does the same and shows the new token once.
    page = client.post(f"/accounts/tokens/{new_row.key_id}/rotate/")
    assert page.status_code == 200
    third = page.context["new_token"]
    assert third.startswith("bk_") and third in page.content.decode()
    assert Client().get("/api/v1/me", **_bearer(new["token"])).status_code == 401
    assert Client().get("/api/v1/me", **_bearer(third)).status_code == 200


def test_a_read_only_token_reads_and_is_refused_every_change(world: World) -> None:
    client = world.client("regulator_a")
    made = _post_json(client, "/api/v1/tokens", {"name": "大屏只读", "scope": "read"})
    assert made.status_code == 201 and made.json()["scope"] == "read"
    token = made.json()["token"]
    canteen = world.canteens["a"]
    grade_before = Canteen.objects.get(pk=canteen.pk).risk_grade
    reader = Client()
    assert reader.get("/api/v1/me", **_bearer(token)).status_code == 200
    assert reader.get("/api/v1/tokens", **_bearer(token)).status_code == 200
    entries = AuditLogEntry.objects.count()
    refused = [
        reader.patch(
            f"/api/v1/canteens/{canteen.pk}",
            data={"risk_grade": "C"},
            content_type="application/json",
            **_bearer(token),
        ),
        _post_json(reader, "/api/v1/tokens", {"name": "再来一个", "password": PASSWORD}, **_bearer(token)),
        reader.delete(f"/api/v1/tokens/{world.token_a_key_id}", **_bearer(token)),
    ]
    for response in refused:
        assert response.status_code == 403, response.content
        assert _error(response) | {"msg": ""} == {
            "loc": ["header", "Authorization"],
            "msg": "",
            "type": "read_only_token",
        }
    assert AuditLogEntry.objects.count() == entries  # nothing changed
    assert Canteen.objects.get(pk=canteen.pk).risk_grade == grade_before
    assert ApiToken.objects.get(key_id=world.token_a_key_id).revoked_at is None
    # The same user's read-and-write token may change what the role may change.
    writer = _post_json(client, "/api/v1/tokens", {"name": "读写", "scope": "read_write"}).json()["token"]
    changed = Client().patch(
        f"/api/v1/canteens/{canteen.pk}",
        data={"risk_grade": "C"},
        content_type="application/json",
        **_bearer(writer),
    )
    assert changed.status_code == 200 and Canteen.objects.get(pk=canteen.pk).risk_grade == "C"
    # An unknown scope is a 422 naming the field; the page offers the choice (read only by default).
    bad = _post_json(client, "/api/v1/tokens", {"name": "x", "scope": "admin"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "scope"
    page = client.get("/accounts/tokens/")
    assert 'name="scope" value="read"' in page.content.decode()
    client.post("/accounts/tokens/", {"name": "页面只读", "scope": "read"})
    client.post("/accounts/tokens/", {"name": "页面读写", "scope": "read_write"})
    scopes = dict(ApiToken.objects.filter(name__startswith="页面").values_list("name", "scope"))
    assert scopes == {"页面只读": "read", "页面读写": "read_write"}


def test_creating_a_token_after_an_old_sign_in_asks_for_the_password(world: World) -> None:
    client = Client(REMOTE_ADDR="10.0.8.1")
    assert (
        client.post("/accounts/login/", {"username": "regulator_a", "password": PASSWORD}).status_code == 302
    )
    assert reauth.SESSION_KEY in client.session
    # Fresh from the sign-in: no question asked.
    assert client.post("/accounts/tokens/", {"name": "刚登录"}).context["new_token"]
    _age_sign_in(client, django_settings.REAUTH_MAX_AGE_S + 1)
    count = ApiToken.objects.count()
    # The page sends to the confirmation and back; nothing is made meanwhile.
    refused = client.post("/accounts/tokens/", {"name": "太久了"})
    assert refused.status_code == 302
    assert refused["Location"] == "/accounts/confirm-password/?next=%2Faccounts%2Ftokens%2F"
    assert ApiToken.objects.count() == count
    assert client.get("/accounts/tokens/").status_code == 200  # reading needs nothing
    key_id = ApiToken.objects.filter(user__username="regulator_a", revoked_at__isnull=True).first()
    assert key_id is not None
    rotate = client.post(f"/accounts/tokens/{key_id.key_id}/rotate/")
    assert rotate.status_code == 302 and rotate["Location"].startswith("/accounts/confirm-password/")
    assert ApiToken.objects.get(pk=key_id.pk).revoked_at is None
    # The API answers 403 naming the password; a wrong one is refused and audited as a failed sign-in.
    api = _post_json(client, "/api/v1/tokens", {"name": "太久了"})
    assert api.status_code == 403 and _error(api)["loc"] == ["body", "password"]
    assert _error(api)["type"] == "reauth_required"
    wrong = _post_json(client, "/api/v1/tokens", {"name": "太久了", "password": "guess"})
    assert wrong.status_code == 403 and _error(wrong)["type"] == "reauth_failed"
    assert AuditLogEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 1
    assert ApiToken.objects.count() == count
    # The right password in the body passes (for that request).
    right = _post_json(client, "/api/v1/tokens", {"name": "确认过", "password": PASSWORD})
    assert right.status_code == 201
    # The confirm page: a wrong password is a 400 on the field, the right one goes back to `next`.
    page = client.post("/accounts/confirm-password/", {"password": "guess", "next": "/accounts/tokens/"})
    assert page.status_code == 400 and "password" in page.context["form"].errors
    confirmed = client.post(
        "/accounts/confirm-password/", {"password": PASSWORD, "next": "https://evil.example/"}
    )
    assert confirmed.status_code == 302 and confirmed["Location"] == "/"  # never off the site
    assert client.post("/accounts/tokens/", {"name": "确认后"}).context["new_token"]
    # Guessing the password on the confirm page meets the sign-in throttle (3 failures: then it waits).
    _age_sign_in(client, django_settings.REAUTH_MAX_AGE_S + 1)
    for _ in range(3):  # the last success reset this pair's count
        assert client.post("/accounts/confirm-password/", {"password": "guess"}).status_code == 400
    waiting = client.post("/accounts/confirm-password/", {"password": PASSWORD})
    assert waiting.status_code == 429 and waiting["Retry-After"]
    throttled = _post_json(client, "/api/v1/tokens", {"name": "x", "password": PASSWORD})
    assert throttled.status_code == 429 and _error(throttled)["loc"] == ["body", "password"]


def test_a_token_creating_a_token_always_needs_the_password(world: World) -> None:
    reader = Client()
    token = world.token_a_value  # read and write
    bare = _post_json(reader, "/api/v1/tokens", {"name": "令牌造令牌"}, **_bearer(token))
    assert bare.status_code == 403 and _error(bare)["loc"] == ["body", "password"]
    rotate = _post_json(reader, f"/api/v1/tokens/{world.token_a_key_id}/rotate", {}, **_bearer(token))
    assert rotate.status_code == 403
    ok = _post_json(reader, "/api/v1/tokens", {"name": "令牌造令牌", "password": PASSWORD}, **_bearer(token))
    assert ok.status_code == 201


def test_changing_users_in_the_admin_after_an_old_sign_in_asks_for_the_password(world: World) -> None:
    client = world.client("operator")
    target = world.users["regulator_a"]
    password_url = f"/admin/accounts/user/{target.pk}/password/"
    _age_sign_in(client, django_settings.REAUTH_MAX_AGE_S + 1)
    # Reading is free; any change is sent to the confirmation and not made.
    assert client.get(password_url).status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    new_password = "Another-Pass-2026"
    form = {"password1": new_password, "password2": new_password}
    refused = client.post(password_url, form)
    assert refused.status_code == 302 and refused["Location"].startswith("/accounts/confirm-password/?next=")
    assert not User.objects.get(pk=target.pk).check_password(new_password)
    added = client.post("/admin/accounts/user/add/", {"username": "newcomer", **form})
    assert added.status_code == 302 and "/accounts/confirm-password/" in added["Location"]
    assert not User.objects.filter(username="newcomer").exists()
    bulk = client.post(
        "/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"}
    )
    assert bulk.status_code == 302 and "/accounts/confirm-password/" in bulk["Location"]
    assert client.post(f"/admin/accounts/user/{target.pk}/delete/", {"post": "yes"}).status_code == 302
    assert User.objects.filter(pk=target.pk).exists()
    # After confirming, the change goes through.
    back = client.post("/accounts/confirm-password/", {"password": PASSWORD, "next": password_url})
    assert back.status_code == 302 and back["Location"] == password_url
    done = client.post(password_url, form)
    assert done.status_code == 302 and "/confirm-password/" not in done["Location"]
    assert User.objects.get(pk=target.pk).check_password(new_password)


def test_sessions_last_twelve_hours_and_an_expired_one_is_refused(world: World) -> None:
    assert django_settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert django_settings.SESSION_COOKIE_HTTPONLY and django_settings.SESSION_COOKIE_SAMESITE == "Lax"
    client = Client()
    signed_in = client.post("/accounts/login/", {"username": "regulator_a", "password": PASSWORD})
    cookie = signed_in.cookies[django_settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 12 * 60 * 60 and cookie["httponly"]
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    session = Session.objects.get(session_key=cookie.value)
    assert abs(session.expire_date - (timezone.now() + datetime.timedelta(hours=12))) < datetime.timedelta(
        minutes=1
    )
    # Past its expiry the session is no sign-in any more, even with the cookie still sent.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    page = client.get("/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/me").status_code == 401


def test_a_brute_force_against_the_admin_meets_the_sign_in_throttle(world: World) -> None:
    address = "10.0.9.1"
    failures = AuditLogEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count
    # The admin's own login checks no password at all, not even the right one: it sends to the platform's.
    for password in ["guess1", "guess2", "guess3", "guess4", PASSWORD]:
        response = Client().post(
            "/admin/login/?next=/admin/", {"username": "operator", "password": password}, REMOTE_ADDR=address
        )
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert failures() == 0  # no password was checked, so none failed
    assert Client().get("/admin/", REMOTE_ADDR=address).status_code == 302
    # Where it sends them, the guesses meet the throttle: after three, even the right password waits.
    target = "/accounts/login/?next=/admin/"
    statuses = [
        Client()
        .post(target, {"username": "operator", "password": f"guess{n}"}, REMOTE_ADDR=address)
        .status_code
        for n in range(3)
    ]
    assert statuses == [400, 400, 400] and failures() == 3
    waiting = Client().post(target, {"username": "operator", "password": PASSWORD}, REMOTE_ADDR=address)
    assert waiting.status_code == 429 and waiting["Retry-After"]
    # From elsewhere the operator still signs in and lands in the admin.
    operator = Client()
    good = operator.post(target, {"username": "operator", "password": PASSWORD}, REMOTE_ADDR="10.0.9.2")
    assert good.status_code == 302 and good["Location"] == "/admin/"
    assert operator.get("/admin/").status_code == 200


def test_the_admins_own_password_form_leads_to_the_users_password_page(world: World) -> None:
    # Django's admin form would check the old password outside the sign-in throttle.
    client = world.client("operator")
    operator = world.users["operator"]
    own_page = f"/admin/accounts/user/{operator.pk}/password/"
    for method in (client.get, client.post):
        response = method(
            "/admin/password_change/", {"old_password": "guess"} if method == client.post else {}
        )
        assert response.status_code == 302 and response["Location"] == own_page
    assert not User.objects.get(pk=operator.pk).check_password("guess")
    assert world.client(None).get("/admin/password_change/").status_code == 302  # to the sign-in first
