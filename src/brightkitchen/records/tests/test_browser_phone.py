"""End to end on a phone, in a real browser: Debian's Chromium, driven by Playwright, against the live server.

County A's canteen manager signs in on a 390×844 touch screen, records the morning check of the kitchen
(saved: shown on the page and in the database), then a lunch sample with a photo from the file input.
The photo carries EXIF GPS; the stored one carries no EXIF at all. The sample is listed with its 48-hour
countdown, and a double tap plus a resubmit of the same form (same submission key) store one sample.
The pages only ever talk to the local server and never scroll sideways.

All database setup happens before the browser starts and every database check after it stopped: Django
refuses database queries while Playwright's event loop runs in this thread.

Screenshots go to pytest's tmp dir, or to $BRIGHTKITCHEN_SCREENSHOT_DIR when set (to look at them).
Chromium comes from `./scripts/bootstrap-system dev` (run by `make test`); Playwright never downloads one.
"""

from __future__ import annotations

import datetime
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from brightkitchen.conftest import PASSWORD, build_world
from brightkitchen.core.browser import CHROMIUM, CHROMIUM_ARGS
from brightkitchen.core.tests.test_browser import (
    LOCAL_HOSTS,
    TIMEOUT_MS,
    _load_regions_if_flushed,
)
from brightkitchen.records.models import SampleRetention
from brightkitchen.schedule.models import MealPlan, Term
from brightkitchen.staff.models import HealthCertificate, MorningCheck, Position, StaffMember

pytestmark = pytest.mark.browser

PHONE = (390, 844)  # width, height in CSS pixels
DISH = "番茄炒蛋"
TEMPERATURES = {"张师傅": "36.5", "李阿姨": "37.4"}  # the second one has a fever: off duty


@dataclass(frozen=True)
class Site:
    """What the browser test needs, read from the database before the browser starts."""

    url: str
    canteen: int
    staff: dict[str, int]  # name -> id
    stored_at: str  # for the datetime-local input
    today: str


@pytest.fixture(autouse=True)
def _region_tree_kept(django_db_blocker: Any) -> Iterator[None]:
    """As in core/tests/test_browser.py: set up before `transactional_db`, so it is torn down after the
    flush and puts the region tree back for the tests that follow."""
    yield
    with django_db_blocker.unblock():
        _load_regions_if_flushed()


@pytest.fixture(autouse=True)
def _chromium_installed() -> None:
    """Fail (not skip) at once without Chromium: these tests are part of every run of `make test`."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: run `./scripts/bootstrap-system dev` "
            "(or `make test`, which runs it) to install it with apt-get.",
            pytrace=False,
        )


@pytest.fixture
def site(transactional_db: Any, live_server: Any, settings: Any, tmp_path: Path) -> Site:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _load_regions_if_flushed()
    world = build_world()
    canteen = world.canteens["a"]
    today = timezone.localdate()
    # Today is a service day whatever the weekday: a term for the province, and lunch every day of the
    # week in this canteen (today may be a Saturday or Sunday).
    Term.objects.create(
        region_id="14",
        name="测试学期",
        starts_on=today - datetime.timedelta(days=120),
        ends_on=today + datetime.timedelta(days=120),
    )
    MealPlan.objects.update_or_create(canteen=canteen, defaults={"lunch": True, "weekdays": "1234567"})
    staff: dict[str, int] = {}
    for i, name in enumerate(TEMPERATURES):
        person = StaffMember.objects.create(canteen=canteen, name=name, position=Position.COOK)
        HealthCertificate.objects.create(
            canteen=canteen,
            staff=person,
            number=f"JKB{i:04d}",
            issued_on=today - datetime.timedelta(days=60),
        )
        staff[name] = person.pk
    stored_at = timezone.localtime() - datetime.timedelta(minutes=5)
    if stored_at.date() != today:  # just after midnight: the sample is stored on the day of its meal
        stored_at = timezone.localtime()
    return Site(
        url=live_server.url,
        canteen=canteen.pk,
        staff=staff,
        stored_at=stored_at.strftime("%Y-%m-%dT%H:%M"),
        today=today.isoformat(),
    )


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    chosen = os.environ.get("BRIGHTKITCHEN_SCREENSHOT_DIR")
    path = Path(chosen) if chosen else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def _jpeg_with_gps(path: Path) -> Path:
    image = Image.new("RGB", (1024, 768), (220, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (37.0, 52.0, 0.0), 3: "E", 4: (112.0, 33.0, 0.0)}  # GPSInfo: Taiyuan
    image.save(path, format="JPEG", exif=exif)
    with Image.open(path) as check:
        assert check.getexif().get(0x8825), "the test photo should carry GPS"
    return path


def _no_horizontal_scroll(page: Any, what: str) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{what}: the page is {widths[0]}px wide in a {widths[1]}px window"


def test_manager_records_morning_check_and_sample_on_a_phone(
    site: Site, screenshot_dir: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import ViewportSize, sync_playwright

    photo = _jpeg_with_gps(tmp_path / "sample.jpg")
    requested: list[str] = []
    sample_posts: list[str] = []
    failed: set[str] = set()
    shot = screenshot_dir / "phone-records"
    samples_url = f"{site.url}/records/canteens/{site.canteen}/samples/"

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = chromium.new_context(
                viewport=ViewportSize(width=PHONE[0], height=PHONE[1]),
                is_mobile=True,
                has_touch=True,
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
            )
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.on(
                "request",
                lambda request: (
                    sample_posts.append(request.url)
                    if request.method == "POST" and "/samples/" in request.url
                    else None
                ),
            )
            page.on(
                "response",
                lambda r: (
                    failed.add(f"{r.status} {r.url}")
                    if r.status >= 400 and r.request.resource_type != "document"
                    else None
                ),
            )

            # Sign in, sent on to the morning check (as from a bookmark on the kitchen phone).
            check_path = f"/staff/canteen/{site.canteen}/morning-check/"
            response = page.goto(f"{site.url}/accounts/login/?next={check_path}")
            assert response is not None and response.status == 200
            _no_horizontal_scroll(page, "login page")
            page.locator("input[name=username]").fill("manager_a")
            page.locator("input[name=password]").fill(PASSWORD)
            with page.expect_navigation() as navigation:
                page.locator("form button[type=submit]").tap()
            response = navigation.value
            assert response is not None and response.status == 200
            assert urlsplit(page.url).path == check_path, f"after signing in the browser is at {page.url}"
            assert "manager_a" in page.locator("[data-testid=who]").inner_text()

            # The morning check: one temperature per person, one submit.
            _no_horizontal_scroll(page, "morning check")
            for name, temperature in TEMPERATURES.items():
                page.locator(f"input[name=t_{site.staff[name]}]").fill(temperature)
            page.screenshot(path=f"{shot}-1-morning-check.png", full_page=True)
            with page.expect_navigation():
                page.locator("button.mc-submit").tap()
            assert urlsplit(page.url).path == check_path
            for name, temperature in TEMPERATURES.items():
                row = page.locator(f"li[data-staff='{site.staff[name]}'] [data-testid=checked]")
                assert temperature in row.inner_text()
            assert page.locator("button.mc-submit").count() == 0  # everybody is checked
            fever_row = page.locator(f"li[data-staff='{site.staff['李阿姨']}'] .badge.bad")
            assert fever_row.count() == 1
            page.screenshot(path=f"{shot}-2-morning-check-saved.png", full_page=True)
            _no_horizontal_scroll(page, "morning check, saved")

            # Sample retention: dish, weight, time and a photo from the file input.
            response = page.goto(samples_url)
            assert response is not None and response.status == 200
            _no_horizontal_scroll(page, "sample retention")
            form = page.locator("#add form")
            # The day is filled in: <input type=date> only takes YYYY-MM-DD (a zh-hans "2026/11/22" shows
            # empty, and the browser then refuses to send the form).
            assert form.locator("input[name=date]").input_value() == site.today, "the sample's date is empty"
            form.locator("select[name=meal]").select_option("lunch")
            form.locator("input[name=dish]").fill(DISH)
            form.locator("input[name=weight_g]").fill("150")
            form.locator("input[name=stored_at]").fill(site.stored_at)
            form.locator("input[name=photo]").set_input_files(str(photo))
            fields = {
                name: form.locator(f"input[name={name}]").input_value()
                for name in ("csrfmiddlewaretoken", "submission_key", "date", "sampled_by")
            }
            page.screenshot(path=f"{shot}-3-sample-form.png", full_page=True)
            invalid = form.evaluate(
                "f => [...f.elements].filter(e => !e.checkValidity())"
                ".map(e => e.name + ': ' + e.validationMessage)"
            )
            assert not invalid, f"the browser refuses the form: {invalid}"
            # The double tap: the second tap lands while the first submit is under way. The browser may
            # abort the first navigation for the second (CI saw ERR_ABORTED when waiting on the first), so
            # wait for what the last one shows: the sample listed.
            form.locator("button.primary").dblclick()
            listed = page.locator("section[data-meal=lunch] li[data-sample]")
            listed.first.wait_for()
            page.wait_for_load_state()
            assert urlsplit(page.url).path == urlsplit(samples_url).path
            assert listed.count() == 1, f"{listed.count()} samples listed after a double tap"
            assert DISH in listed.inner_text()
            countdown = listed.locator("[data-testid=countdown] time")
            assert countdown.count() == 1
            assert countdown.get_attribute("data-countdown")
            assert countdown.inner_text().strip()
            page.screenshot(path=f"{shot}-4-sample-listed.png", full_page=True)
            _no_horizontal_scroll(page, "sample retention, listed")

            # The same form sent again (poor Wi-Fi resubmits it): still one sample.
            resubmit = page.request.post(
                samples_url,
                multipart={
                    **fields,
                    "meal": "lunch",
                    "dish": DISH,
                    "weight_g": "150",
                    "stored_at": site.stored_at,
                    "storage_label": "",
                    "photo": {"name": "sample.jpg", "mimeType": "image/jpeg", "buffer": photo.read_bytes()},
                },
                headers={"Referer": samples_url},
            )
            assert sample_posts, "the double tap sent no form"
            assert resubmit.ok, f"the resubmit answered {resubmit.status}"
            page.reload()
            assert page.locator("section[data-meal=lunch] li[data-sample]").count() == 1
            context.close()
        finally:
            chromium.close()

    # The browser has stopped: the database may be asked again.
    checks = {c.staff_id: c for c in MorningCheck.objects.filter(canteen_id=site.canteen)}
    assert {c.staff_id: str(c.temperature) for c in checks.values()} == {
        site.staff[name]: t for name, t in TEMPERATURES.items()
    }
    assert checks[site.staff["李阿姨"]].result == "off_duty"
    assert checks[site.staff["张师傅"]].result == "fit"
    assert all(c.recorded_by is not None and c.recorded_by.username == "manager_a" for c in checks.values())
    assert checks[site.staff["张师傅"]].temperature == Decimal("36.5")

    samples = list(SampleRetention.objects.filter(canteen_id=site.canteen))
    assert len(samples) == 1, f"{len(samples)} samples stored"
    sample = samples[0]
    assert (sample.dish, sample.weight_g, sample.meal) == (DISH, 150, "lunch")
    assert str(sample.submission_key) == fields["submission_key"]
    with default_storage.open(sample.photo) as f:
        stored = f.read()
    with Image.open(io.BytesIO(stored)) as saved:
        assert not saved.getexif(), "the stored photo still carries EXIF"
    assert b"PhoneMaker" not in stored

    elsewhere = [
        url
        for url in requested
        if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).hostname not in LOCAL_HOSTS
    ]
    assert not elsewhere, f"the pages asked other hosts for: {elsewhere}"
    assert not failed, f"stylesheets, images or scripts the pages could not load: {sorted(failed)}"
