"""`bench notifications` runs on a small world: every alert's e-mail and webhook arrive, the figures and
ratios are printed, and nothing the run made is left behind."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from brightkitchen.accounts.models import User
from brightkitchen.alerts.models import Alert
from brightkitchen.conftest import build_world
from brightkitchen.core.tests.test_browser import (  # noqa: F401  (an autouse fixture)
    _load_regions_if_flushed,
    _region_tree_kept,
)
from brightkitchen.notifications.models import Delivery, WebhookEndpoint


@pytest.mark.django_db(transaction=True)  # the bench commits: its deliveries are queued on commit
def test_the_bench_prints_both_paths_and_cleans_up() -> None:
    _load_regions_if_flushed()  # an earlier transactional test may have emptied the region tree
    build_world()
    users = User.objects.count()
    out = StringIO()
    call_command("bench", "notifications", "--messages", "3", stdout=out)
    text = out.getvalue()
    assert "e-mail: commit → SMTP accepted" in text and "webhook: commit → receiver" in text
    assert text.count("ratio baseline/project") == 2
    assert not Alert.objects.filter(kind="bench_notifications").exists()
    assert not Delivery.objects.exists() and not WebhookEndpoint.objects.exists()
    assert User.objects.count() == users
