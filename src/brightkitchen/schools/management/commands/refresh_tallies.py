import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from brightkitchen.core.days import today
from brightkitchen.schools.models import Canteen
from brightkitchen.schools.tallies import refresh_tallies


class Command(BaseCommand):
    help = (
        "Rebuild the completeness tallies of the canteens in a region from their records, after records "
        "were written or repaired outside the application (the application keeps them up to date itself)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", default="", help="region code prefix (default: every canteen)")
        parser.add_argument("--months", type=int, default=13, help="months back from this one (default 13)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["months"] < 1:
            raise CommandError("--months must be at least 1")
        end = today()
        start = end.replace(day=1)
        for _ in range(options["months"] - 1):
            start = (start - datetime.timedelta(days=1)).replace(day=1)
        canteens = Canteen.objects.filter(school__organisation__region__code__startswith=options["region"])
        started = time.perf_counter()
        refresh_tallies(canteens, start, end)
        self.stdout.write(
            f"tallies rebuilt for {canteens.count()} canteens, {start:%Y-%m} to {end:%Y-%m}, "
            f"in {time.perf_counter() - started:.1f} s"
        )
