from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from brightkitchen.demo import bulk, guangdong
from brightkitchen.demo.tables import text_table


class Command(BaseCommand):
    help = (
        "Generate a Guangdong-sized data set (26,700 canteens) for load tests and benchmarks, "
        "or one city's share of it with --scale city."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["province", "city"], default="province")
        parser.add_argument(
            "--city", default=bulk.DEFAULT_CITY, help="City code for --scale city (default: 4419, Dongguan)"
        )
        parser.add_argument("--seed", type=int, default=44, help="Random seed (same seed, same data)")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="First delete every user, canteen, school and organisation in the region",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        prefix = guangdong.PROVINCE if scale == "province" else options["city"]
        try:
            if options["reset"]:
                removed = bulk.reset(prefix)
                self.stdout.write(
                    f"reset {prefix}: deleted {removed.canteens} canteens, {removed.schools} schools, "
                    f"{removed.organisations} organisations, {removed.users} users"
                )
            present = bulk.canteens_under(prefix)
            if present:
                self.stdout.write(
                    f"{present} canteens already exist under region {prefix}: nothing to do "
                    "(run with --reset to replace them)."
                )
                return
            result = bulk.seed_guangdong(
                scale,
                city=options["city"],
                seed=options["seed"],
                batch_size=options["batch_size"],
                progress=options["verbosity"] > 0,
            )
        except bulk.SeedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"seeded {result.prefix}: {result.organisations} organisations, {result.schools} schools, "
            f"{result.canteens} canteens in {result.seconds:.1f} s"
        )
        if result.users:
            rows = [(u.username, u.password, u.role, u.organisation) for u in result.users]
            self.stdout.write(text_table(("username", "password", "role", "organisation"), rows))
