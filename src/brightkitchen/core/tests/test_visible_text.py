"""No page shows a code where a word belongs: every page a role reaches from its navigation (and the pages
those link to, one step further), in Chinese and in English, is read as a person sees it (the text, not
the markup) and fails on a stored choice value (`cabinet`, `pending`, `off_duty`: the label is what a
user reads) or an ISO timestamp (`2026-12-01T08:00:00+00:00`: a time is shown in the reader's time
zone, as 2026-12-01 16:00).

The world holds a record of every kind (the apps' test factories), so the pages have rows to show."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from brightkitchen.conftest import World

pytestmark = pytest.mark.django_db

ROLES = ("regulator_a", "edu_a", "principal_a", "manager_a", "staff_a", "city_regulator", "supplier_a")
LANGUAGES = ("zh-hans", "en")
MAX_PAGES = 60  # per role and language: the navigation's pages and what they link to
ISO_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# Links that are not pages to read: files, actions, the admin, signing out, another language.
SKIP = re.compile(
    r"(/photo|/snapshot|/file|\.jpg|\.png|\.pdf|\.csv|\.xlsx|/export|/admin/|/logout|/i18n/|/api/)"
)


class _Text(HTMLParser):
    """The text a person reads (no scripts, styles or attributes), and the page's links."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template", "code"):  # <code>: machine text on purpose (an address)
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "code") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _choice_values() -> set[str]:
    """Every stored value of a choice field that reads as a code: lower-case ASCII with an underscore or
    of four letters and more (`a`, `b`, `zh` and digits are words or numbers in any language)."""
    values: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("brightkitchen."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and field.choices:
                for value, _label in field.flatchoices:
                    text = str(value)
                    if re.fullmatch(r"[a-z][a-z0-9_]*", text) and ("_" in text or len(text) >= 4):
                        values.add(text)
    return values


def _pages(client: Client, start: list[str]) -> Iterator[tuple[str, str]]:
    """(url, visible text) of the start pages and the pages they link to (same site, GET, no files)."""
    seen: set[str] = set()
    queue = list(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        yield url, " ".join(parser.parts)
        for href in parser.links:
            parts = urlsplit(href)
            if not parts.scheme and not parts.netloc and parts.path.startswith("/") and url in start:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


@pytest.fixture
def full_world(world: World) -> World:
    """The world with a record of every kind, made by the apps' own test factories."""
    from django.utils import timezone

    from brightkitchen.alerts.models import Alert
    from brightkitchen.cameras.tests.factories import cameras
    from brightkitchen.dispatch.tests.factories import tasks
    from brightkitchen.hygiene.tests.factories import hygiene
    from brightkitchen.incidents.tests.factories import incidents
    from brightkitchen.inspections.tests.factories import inspections
    from brightkitchen.menus.tests.factories import menus
    from brightkitchen.patrols.tests.factories import patrols
    from brightkitchen.purchases.tests.factories import deliveries
    from brightkitchen.records.tests.factories import records
    from brightkitchen.rectifications.tests.factories import notices
    from brightkitchen.risk.tests.factories import assessments
    from brightkitchen.selfcheck.tests.factories import selfchecks
    from brightkitchen.staff.tests.fixtures import staff_fixture

    for make in (
        cameras,
        tasks,
        hygiene,
        incidents,
        inspections,
        menus,
        patrols,
        deliveries,
        records,
        notices,
        assessments,
        selfchecks,
        staff_fixture,
    ):
        make(world)
    now = timezone.now()
    Alert.objects.create(
        kind="licence_expiring",
        canteen=world.canteens["a"],
        subject_key="licence",
        severity="warning",
        message=f"{world.canteens['a'].name}：食品经营许可证即将到期",
        opened_at=now,
        last_seen_at=now,
    )
    return world


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("who", ROLES)
def test_no_code_and_no_iso_time_in_what_a_page_says(full_world: World, who: str, language: str) -> None:
    from brightkitchen.core.nav import navigation_for

    codes = _choice_values()
    client = full_world.client(who)
    client.cookies["django_language"] = language
    user = full_world.users[who]
    start = ["/"] + [url for group in navigation_for(user) for _entry, url in group.items]
    found: list[str] = []
    for url, text in _pages(client, start):
        for match in ISO_TIMESTAMP.finditer(text):
            found.append(f"{url}: ISO time {text[max(0, match.start() - 30) : match.end() + 10]!r}")
        prose = re.sub(r"\b[a-z]+://\S+", " ", text)  # a stream address in a help text is an example to type
        words = set(re.findall(r"[a-z][a-z0-9_]*", prose))
        for code in sorted(codes & words):
            if language == "en" and "_" not in code:
                continue  # an English label may be the same word as its value (lunch, cook)
            at = re.search(rf"\b{re.escape(code)}\b", prose)
            context = prose[max(0, at.start() - 30) : at.end() + 30] if at else ""
            found.append(f"{url}: code {code!r} in {context!r}")
    assert not found, "\n".join(found)
