"""A task that fails a given number of times before it succeeds, under the retry policy of the platform's
side-effect tasks (core.events.SIDE_EFFECT_RETRY). Only a test worker imports it (`celery worker -I
brightkitchen.testbed.flaky_tasks`); it keeps its attempts in a file the test reads."""

from __future__ import annotations

from pathlib import Path

from celery import shared_task

from brightkitchen.core.events import SIDE_EFFECT_RETRY


class FlakyFailure(RuntimeError):
    """The failure the task raises on its first attempts."""


@shared_task(
    name="brightkitchen.testbed.flaky_tasks.fail_then_succeed", ignore_result=True, **SIDE_EFFECT_RETRY
)
def fail_then_succeed(attempts_file: str, failures: int) -> None:
    path = Path(attempts_file)
    attempts = len(path.read_text().splitlines()) + 1 if path.exists() else 1
    with path.open("a") as out:
        out.write(f"attempt {attempts}\n")
    if attempts <= failures:
        raise FlakyFailure(f"attempt {attempts} of {failures + 1} fails on purpose")
    with path.open("a") as out:
        out.write("done\n")
