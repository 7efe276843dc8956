"""Command lines of the platform's long-running processes, shared by the `serve`/`worker`/`scheduler`
commands and by `demo`, which starts all three."""

from __future__ import annotations

import os
import sys

from django.conf import settings


def web_command(bind: str, workers: int, threads: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "brightkitchen.config.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--access-logfile",
        "-",
        "--timeout",
        "60",
        "--graceful-timeout",
        "20",
    ]


def worker_command(concurrency: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "brightkitchen.config",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        str(concurrency),
        "--hostname",
        f"worker-{os.getpid()}@%h",
    ]


def scheduler_command() -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "brightkitchen.config",
        "beat",
        "--loglevel",
        "INFO",
        "--schedule",
        str(settings.CELERY_BEAT_SCHEDULE_FILENAME),
    ]


def exec_process(argv: list[str]) -> None:
    """Replace this process, so signals from a supervisor reach the real server."""
    sys.stdout.flush()
    os.execvp(argv[0], argv)


def relay_command(bind: str) -> list[str]:
    """The live-view relay (WHEP): needs only the shared secret, no database."""
    return [sys.executable, "-m", "brightkitchen", "relay", "--bind", bind]
