from typing import Any

from django.core.management.base import BaseCommand

from brightkitchen.core.processes import exec_process, scheduler_command


class Command(BaseCommand):
    help = "Run the Celery beat scheduler. Run exactly one per installation."

    def handle(self, *args: Any, **options: Any) -> None:
        exec_process(scheduler_command())
