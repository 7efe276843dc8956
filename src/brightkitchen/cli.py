"""`brightkitchen` console command: Django's management commands plus the platform's own
(`demo`, `seed`, `bench`, `serve`, `worker`, `scheduler`, `load_regions`)."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brightkitchen.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["brightkitchen", *sys.argv[1:]])


if __name__ == "__main__":
    main()
