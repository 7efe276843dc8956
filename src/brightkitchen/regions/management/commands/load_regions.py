from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from brightkitchen.core.context import Actor, acting_as
from brightkitchen.regions.services import load_regions


class Command(BaseCommand):
    help = "Load the official region tree (province → city → county) from pca-code.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=None, help="Path to pca-code.json")

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(Actor(username="load_regions", source="command")):
            result = load_regions(options["file"])
        self.stdout.write(
            f"regions: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        )
