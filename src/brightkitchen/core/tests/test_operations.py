"""Health, metrics, side effects after commit, and a real worker consuming from the configured broker."""

from __future__ import annotations

import os
import subprocess
import time
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction

from brightkitchen.conftest import World
from brightkitchen.core.events import after_commit
from brightkitchen.core.models import WorkerHeartbeat
from brightkitchen.core.processes import worker_command
from brightkitchen.core.tasks import record_heartbeat


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(world: World) -> None:
    response = world.client(None).get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["database"] == "ok" and body["broker"] == "ok"
    assert body["worker"] in ("ok", "stale")


@pytest.mark.django_db
def test_metrics_only_for_allowed_addresses_or_token(world: World, settings: Any) -> None:
    client = world.client(None)
    local = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert local.status_code == 200
    text = local.content.decode()
    assert "brightkitchen_canteens 2.0" in text and "brightkitchen_http_requests_total" in text
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 403
    settings.METRICS_TOKEN = "scrape-secret"
    assert (
        client.get(
            "/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer scrape-secret"
        ).status_code
        == 200
    )
    assert (
        client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer wrong").status_code
        == 403
    )


@pytest.mark.django_db(transaction=True)
def test_after_commit_runs_only_when_the_transaction_commits() -> None:
    ran: list[str] = []

    def roll_back() -> None:
        with transaction.atomic():
            after_commit(ran.append, "rolled back")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        roll_back()
    assert ran == []
    with transaction.atomic():
        after_commit(ran.append, "committed")
        assert ran == []  # not before the commit
    assert ran == ["committed"]


def _database_url_for_subprocess() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_sent_through_the_broker(tmp_path: Any) -> None:
    """The task goes through the real broker (Redis or RabbitMQ in CI, SQLite by default) to a separate
    worker process, which writes to the test database."""
    WorkerHeartbeat.objects.all().delete()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_subprocess(),
        "BROKER_URL": settings.CELERY_BROKER_URL,
        "BRIGHTKITCHEN_DATA_DIR": str(tmp_path),
    }
    # The production worker command line, in one process (solo pool) so the test is quick to stop.
    argv = [*worker_command(1), "--pool", "solo", "--without-mingle", "--without-gossip"]
    worker = subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        with transaction.atomic():
            after_commit(record_heartbeat.delay)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not WorkerHeartbeat.objects.exists():
            assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else "worker died"
            time.sleep(0.5)
        assert WorkerHeartbeat.objects.exists(), "the worker did not run the task within 60 s"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
