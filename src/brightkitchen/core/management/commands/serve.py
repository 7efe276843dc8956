import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from brightkitchen.core.processes import exec_process, web_command


class Command(BaseCommand):
    help = "Run the web server (gunicorn). Put a reverse proxy in front of it in production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        # The pages' CSS is served from STATIC_ROOT with a manifest; gathering it here (quick, and a
        # no-op when nothing changed) means a fresh machine cannot start a server that answers 500.
        call_command("collectstatic", interactive=False, verbosity=0)
        # The snapshot view connects to cameras from the web processes: they must know their own
        # address (the outbound policy refuses it). Workers on other machines take PLATFORM_ADDRESSES.
        os.environ.setdefault("PLATFORM_ADDRESSES", options["bind"])
        exec_process(web_command(options["bind"], options["workers"], options["threads"]))
