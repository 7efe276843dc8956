"""The dining-hall display and the video wall: a display link opens the canteen's public cameras without
signing in, shows live pictures of a real camera, and stops at once when revoked; the wall pages
through the jurisdiction's cameras only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from brightkitchen.cameras import credentials, grants, health, services
from brightkitchen.cameras.models import Camera, DisplayToken, KeyPoint, SourceKind
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
