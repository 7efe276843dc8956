from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from brightkitchen.core.processes import exec_process, worker_command


class Command(BaseCommand):
    help = "Run a Celery worker. Run as many as you like, on as many machines as share the broker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        exec_process(worker_command(options["concurrency"]))
