"""Side effects leave a transaction only after it commits.

`after_commit(task.delay, ...)` is the one way to queue background work from domain code: inside an
atomic block the call waits for the commit (and is dropped on rollback); outside one it runs at once.

The change is committed by then, so nothing that happens after it may fail the request: a callable that
raises (the broker down while a task is queued) is logged and the others still run. What was not queued
is caught up by the periodic sweeps (alerts, risk, tallies), which every queued task only brings
forward. Queue tasks with ids, not objects: the task reads the rows when it runs.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

# The retry policy of every task that carries a change's side effects (`@shared_task(name=...,
# **SIDE_EFFECT_RETRY)`): a task that raises is logged by the worker and run again after a growing,
# jittered delay (about 1, 2, 4, 8, 16 s, at most 10 min), five times; after that the scheduled sweep
# catches up. core/tests/test_task_retry.py holds a real worker to it.
SIDE_EFFECT_RETRY: dict[str, Any] = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


def after_commit(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(functools.partial(_logged, func, args, kwargs))


def _logged(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        func(*args, **kwargs)
    except Exception:
        logger.exception("after commit: %s failed; the periodic sweep will catch up", _name(func))


def _name(func: Callable[..., Any]) -> str:
    owner = getattr(func, "__self__", None)  # a task's bound delay: name the task
    return str(getattr(owner, "name", None) or getattr(func, "__qualname__", None) or func)


@contextmanager
def tasks_run_at_once() -> Iterator[None]:
    """Celery's eager mode while the block runs: a task queued with .delay runs at once, in this process,
    and its errors propagate. For tests and benchmarks that follow a change through its tasks without a
    worker; never in the platform itself."""
    conf = current_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    try:
        yield
    finally:
        conf.task_always_eager, conf.task_eager_propagates = saved
