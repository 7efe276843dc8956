import shlex
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from brightkitchen.bench import report
from brightkitchen.bench.registry import BenchError, discover


class Command(BaseCommand):
    help = "Measure the platform against a naive baseline in the same run and print the ratios."

    def add_arguments(self, parser: CommandParser) -> None:
        suites = parser.add_subparsers(dest="suite", required=True, metavar="suite")
        for name, benchmark in discover().items():
            suite = suites.add_parser(name, help=benchmark.help, description=benchmark.help)
            suite.add_argument(
                "--no-record", action="store_true", help="do not write the figures to docs/benchmarks.md"
            )
            benchmark.add_arguments(suite)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["suite"]
        out, recorder = report.teed(self.stdout)
        try:
            discover()[name].run(out, options)
        except BenchError as exc:
            raise CommandError(str(exc)) from exc
        if not options["no_record"]:
            command = shlex.join(
                ["brightkitchen", *sys.argv[sys.argv.index("bench") :]]
                if "bench" in sys.argv
                else ["brightkitchen", "bench", name]
            )
            written = report.write_section(name, command, recorder.getvalue())
            self.stdout.write(f"figures written to {written}")
