"""A side-effect task that raises is logged and retried by a real worker (issue 12 §2): the worker is the
production command line on the configured broker, the task carries the policy every side-effect task
uses (core.events.SIDE_EFFECT_RETRY), and it fails twice before it succeeds."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from brightkitchen.core.events import SIDE_EFFECT_RETRY
from brightkitchen.core.processes import worker_command
from brightkitchen.core.tests.test_operations import _database_url_for_subprocess
from brightkitchen.testbed.flaky_tasks import fail_then_succeed

pytestmark = pytest.mark.django_db(transaction=True)

FAILURES = 2


def test_a_task_that_raises_is_logged_and_retried_until_it_succeeds(tmp_path: Path) -> None:
    assert SIDE_EFFECT_RETRY["max_retries"] > FAILURES
    attempts = tmp_path / "attempts.txt"
    log_path = tmp_path / "worker.log"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "PROMETHEUS_MULTIPROC_DIR")},
        "DATABASE_URL": _database_url_for_subprocess(),
        "BROKER_URL": settings.CELERY_BROKER_URL,
        "BRIGHTKITCHEN_DATA_DIR": str(tmp_path / "data"),
        "BRIGHTKITCHEN_TESTING": "1",
    }
    argv = [
        *worker_command(1),
        *("--pool", "solo", "--without-mingle", "--without-gossip", "-n", f"retry-{os.getpid()}@%h"),
        *("-I", "brightkitchen.testbed.flaky_tasks"),
    ]
    with log_path.open("wb") as log:
        worker = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            fail_then_succeed.delay(str(attempts), FAILURES)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                if attempts.exists() and "done" in attempts.read_text():
                    break
                assert worker.poll() is None, log_path.read_text(errors="replace")[-3000:]
                time.sleep(0.3)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    worker_log = log_path.read_text(errors="replace")
    assert attempts.exists(), f"the worker never ran the task\n{worker_log[-3000:]}"
    lines = attempts.read_text().splitlines()
    assert lines == ["attempt 1", "attempt 2", "attempt 3", "done"], worker_log[-3000:]
    # The worker logged each failure with the retry it scheduled, and the worker itself lived on.
    assert worker_log.count("Retry in") == FAILURES, worker_log[-3000:]
    assert "FlakyFailure" in worker_log
