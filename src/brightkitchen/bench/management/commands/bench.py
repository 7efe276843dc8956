from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from brightkitchen.bench.registry import BenchError, discover


class Command(BaseCommand):
    help = "Measure the platform against a naive baseline in the same run and print the ratios."

    def add_arguments(self, parser: CommandParser) -> None:
        suites = parser.add_subparsers(dest="suite", required=True, metavar="suite")
        for name, benchmark in discover().items():
            benchmark.add_arguments(suites.add_parser(name, help=benchmark.help, description=benchmark.help))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            discover()[options["suite"]].run(self.stdout, options)
        except BenchError as exc:
            raise CommandError(str(exc)) from exc
