"""The dining-hall display and the video wall: a display link opens the canteen's public cameras without
signing in, shows live pictures of a real camera, and stops at once when revoked; the wall pages
through the jurisdiction's cameras only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from brightkitchen.cameras import credentials, grants, health, services
from brightkitchen.cameras.models import DISPLAY_TOKEN_BYTES, Camera, DisplayToken, KeyPoint, SourceKind
from brightkitchen.cameras.tests.factories import NAME, cameras
from brightkitchen.conftest import World
from brightkitchen.core.errors import FieldError
from brightkitchen.testbed.streams import RtspTestServer

pytestmark = pytest.mark.django_db


def test_display_link_shows_public_cameras_until_revoked(
    world: World, rtsp_server: RtspTestServer, settings: Any
) -> None:
    cache.clear()
    settings.RELAY_URL = "http://relay.example:8001"
    url = rtsp_server.url("good")
    public = Camera.objects.create(
        canteen=world.canteens["a"],
        name="烹饪区公开",
        key_point=KeyPoint.COOKING,
        source_kind=SourceKind.RTSP,
        source_secret=credentials.encrypt(url),
        display_url=credentials.redact(url),
        is_public=True,
    )
    hidden = Camera.objects.create(
        canteen=world.canteens["a"],
        name="仓库不公开",
        key_point=KeyPoint.STOREROOM,
        source_kind=SourceKind.RTSP,
        source_secret=credentials.encrypt(url),
        display_url=credentials.redact(url),
    )
    link = services.create_display_token(world.users["manager_a"], world.canteens["a"].pk, label="东墙")
    screen = Client()
    page = screen.get(f"/cameras/display/{link.token}/")
    text = page.content.decode()
    assert page.status_code == 200 and "烹饪区公开" in text and "仓库不公开" not in text
    assert "rtsp://" not in text and "127.0.0.1" not in text
    # The public camera plays live, with a grant for it alone; the other is not on the screen at all.
    assert f'data-whep="http://relay.example:8001/whep/{public.pk}"' in text
    assert f"/whep/{hidden.pk}" not in text
    grant = text.split('data-grant="')[1].split('"')[0]
    assert grants.verify(grant, public.pk, grants.relay_key()).source_url == url
    # The screen gets the picture the workers took of the real camera (never taken in the request).
    assert screen.get(f"/cameras/display/{link.token}/", {"camera": public.pk}).status_code == 202
    assert health.check_camera(public.pk) is not None
    picture = screen.get(f"/cameras/display/{link.token}/", {"camera": public.pk})
    assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg"
    assert screen.get(f"/cameras/display/{link.token}/", {"camera": hidden.pk}).status_code == 404
    assert screen.get("/cameras/display/not-a-token/").status_code == 404
    services.revoke_display_token(world.users["manager_a"], link.pk)
    assert screen.get(f"/cameras/display/{link.token}/").status_code == 404


def test_display_links_refusals(world: World) -> None:
    with pytest.raises(FieldError) as exc:
        services.create_display_token(world.users["manager_a"], world.canteens["a"].pk, label="  ")
    assert exc.value.field == "label"
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(Http404):
        services.create_display_token(world.users["manager_b"], world.canteens["a"].pk, label="东墙")
    with pytest.raises(PermissionDenied):
        services.create_display_token(world.users["staff_a"], world.canteens["a"].pk, label="东墙")
    link = services.create_display_token(world.users["regulator_a"], world.canteens["a"].pk, label="东墙")
    with pytest.raises(Http404):
        services.revoke_display_token(world.users["regulator_b"], link.pk)
    assert DisplayToken.objects.get(pk=link.pk).revoked_at is None


def test_the_wall_shows_the_jurisdiction_a_page_at_a_time(world: World) -> None:
    cameras(world)
    page = world.client("regulator_a").get("/cameras/wall/", {"grid": "2", "rotate": "20"})
    text = page.content.decode()
    assert page.status_code == 200 and NAME["a"] in text and NAME["b"] not in text
    assert 'content="20;url=?grid=2&amp;rotate=20&amp;page=1' in text
    assert "wall-grid grid-2" in text
    bad = world.client("regulator_a").get("/cameras/wall/", {"grid": "9", "rotate": "x"})
    assert bad.status_code == 200 and "wall-grid grid-3" in bad.content.decode()  # defaults, not an error


def test_display_links_carry_256_random_bits_from_secrets(world: World, monkeypatch: Any) -> None:
    import secrets

    asked: list[int | None] = []
    real = secrets.token_urlsafe

    def watched(nbytes: int | None = None) -> str:
        asked.append(nbytes)
        return real(nbytes)

    monkeypatch.setattr(secrets, "token_urlsafe", watched)
    links = [
        services.create_display_token(world.users["manager_a"], world.canteens["a"].pk, label=f"屏{n}")
        for n in range(20)
    ]
    # Every link's token comes from `secrets`, with at least 16 bytes (128 bits); 32 in fact.
    assert len(asked) == 20 and all(n is not None and n >= 16 for n in asked)
    assert DISPLAY_TOKEN_BYTES * 8 >= 256
    tokens = [link.token for link in links]
    assert len(set(tokens)) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", t) for t in tokens)  # 43 base64url characters: 258 bits


def test_a_revoked_or_wrong_link_answers_the_same_404_and_leaks_nothing(world: World) -> None:
    cache.clear()
    link = services.create_display_token(world.users["manager_a"], world.canteens["a"].pk, label="东墙大屏")
    screen = Client(REMOTE_ADDR="10.0.6.1")
    shown = screen.get(f"/cameras/display/{link.token}/")
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]  # never kept by a cache
    services.revoke_display_token(world.users["manager_a"], link.pk)
    revoked = screen.get(f"/cameras/display/{link.token}/")
    assert revoked.status_code == 404
    assert screen.get(f"/cameras/display/{link.token}/", {"camera": "1"}).status_code == 404
    guess = "x" * len(link.token)
    wrong = screen.get(f"/cameras/display/{guess}/")
    assert wrong.status_code == 404

    # Nothing tells a revoked link from one that never existed, nor names the canteen or the screen.
    def shape(response: Any, token: str) -> str:  # the page less the caller's own token and CSRF token
        text = response.content.decode().replace(token, "T")
        return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", text)

    assert shape(revoked, link.token) == shape(wrong, guess)
    text = revoked.content.decode()
    for secret in (world.canteens["a"].name, world.schools["a"].name, "东墙大屏"):
        assert secret not in text
    assert set(revoked.headers) == set(wrong.headers)


def test_guessing_display_links_is_throttled_per_address(world: World, settings: Any) -> None:
    cache.clear()
    settings.DISPLAY_LINK_MAX_MISSES = 5
    link = services.create_display_token(world.users["manager_a"], world.canteens["a"].pk, label="东墙")
    guesser = Client(REMOTE_ADDR="10.0.7.1")
    misses = [guesser.get(f"/cameras/display/guess-{n:040d}/").status_code for n in range(5)]
    assert misses == [404] * 5
    refused = guesser.get("/cameras/display/guess-again/")
    assert refused.status_code == 429 and refused["Retry-After"] == str(settings.DISPLAY_LINK_MISS_WINDOW_S)
    # Even a right link is refused from there, so the answer tells the guesser nothing; forwarding
    # headers from an untrusted peer make no new address (core.middleware.client_ip).
    assert guesser.get(f"/cameras/display/{link.token}/").status_code == 429
    forged = guesser.get(
        f"/cameras/display/{link.token}/", HTTP_X_FORWARDED_FOR="10.0.7.99", HTTP_X_REAL_IP="10.0.7.98"
    )
    assert forged.status_code == 429
    # Other addresses, and a screen that only ever opens its own link, are not affected.
    screen = Client(REMOTE_ADDR="10.0.7.2")
    assert [screen.get(f"/cameras/display/{link.token}/").status_code for _ in range(8)] == [200] * 8
    # Behind a trusted proxy the client's own address counts, not the proxy's.
    settings.TRUSTED_PROXIES = ["10.0.7.250/32"]
    proxied = Client(REMOTE_ADDR="10.0.7.250", HTTP_X_FORWARDED_FOR="10.0.7.3")
    assert proxied.get(f"/cameras/display/{link.token}/").status_code == 200


def test_display_tokens_are_never_written_to_the_audit_log(world: World) -> None:
    from brightkitchen.audit.models import AuditLogEntry

    manager = world.client("manager_a")
    canteen_id = world.canteens["a"].pk
    before = AuditLogEntry.objects.count()
    made = manager.post(f"/cameras/canteens/{canteen_id}/display-links/", {"label": "西墙"})
    assert made.status_code == 302
    link = DisplayToken.objects.get(label="西墙")
    assert Client().get(f"/cameras/display/{link.token}/").status_code == 200
    manager.post(f"/cameras/canteens/{canteen_id}/display-links/", {"revoke": str(link.pk)})
    assert DisplayToken.objects.get(pk=link.pk).revoked_at is not None
    entries = AuditLogEntry.objects.order_by("pk")[before:]
    assert {e.action for e in entries} >= {"create", "update"}  # the link's changes are audited ...
    dumped = [str(v) for e in AuditLogEntry.objects.values() for v in e.values()]
    assert not any(link.token in v for v in dumped)  # ... without its token
