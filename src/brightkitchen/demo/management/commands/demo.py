import os
import shutil
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from brightkitchen.cameras import demo_data as camera_demo
from brightkitchen.cameras import grants
from brightkitchen.core.processes import relay_command, scheduler_command, web_command, worker_command
from brightkitchen.demo.seeding import DemoReport, seed_demo
from brightkitchen.demo.supervisor import Child, Supervisor, wait_for_port
from brightkitchen.demo.tables import text_table
from brightkitchen.testbed.outbound import loopback_cameras_allowed
from brightkitchen.testbed.streams import RtspTestServer, gstreamer_missing

READY_TIMEOUT_S = 60
DEFAULT_SETTINGS = "brightkitchen.config.settings"


class Command(BaseCommand):
    help = (
        "Run the platform with the Jinzhong (晋中市) demo data on this machine: migrate, load regions, seed, "
        "then start the web server, a worker and the scheduler until Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="host:port of the web server")
        parser.add_argument("--workers", type=int, default=2, help="web server processes")
        parser.add_argument("--no-serve", action="store_true", help="Only migrate and seed, start nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_regions", stdout=self.stdout)
        report = seed_demo()
        created = ", ".join(f"{n} {model}" for model, n in sorted(report.created.items()))
        self.stdout.write(f"demo data: created {created or 'nothing (already seeded)'}")
        if options["no_serve"]:
            self._logins(report)
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        # The demo cameras stream from this machine: the demo's processes may connect to loopback.
        with loopback_cameras_allowed():
            code = self._serve(options["bind"], options["workers"], report)
        if code:
            raise CommandError("a platform process stopped unexpectedly", returncode=code)

    def _serve(self, bind: str, workers: int, report: DemoReport) -> int:
        self._bind = bind
        host, _, port = bind.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError(f"--bind must be host:port, not {bind!r}")
        children = [
            Child("web", web_command(bind, workers, threads=4)),
            Child("worker", worker_command(concurrency=2)),
            Child("scheduler", scheduler_command()),
        ]
        missing = gstreamer_missing()
        if missing:
            self.stdout.write(f"the demo cameras will show offline: {missing}")
        else:
            # The demo cameras' streams: live H.264 test pictures, a few blurred, dark, frozen or blank.
            server = RtspTestServer(
                port=camera_demo.DEMO_PORT, mounts=camera_demo.DEMO_MOUNTS, encode_once=True
            )
            children.append(Child("cameras", server.command()))
        relay = urlsplit(grants.relay_urls()[0])  # the demo runs one relay
        children.append(Child("relay", relay_command(f"{relay.hostname}:{relay.port or 8001}")))
        # The children open their own connections; ours would only hold SQLite's file open.
        connections.close_all()
        with Supervisor(children, self._child_env(), log=self.stdout.write) as supervisor:
            supervisor.start()
            if wait_for_port(host.strip("[]"), int(port), READY_TIMEOUT_S, supervisor.healthy):
                self.stdout.write(self.style.SUCCESS(f"\nBrightKitchen is running at http://{bind}/"))
                self._logins(report)
                self.stdout.write("Press Ctrl-C to stop.\n")
            elif supervisor.healthy():
                self.stdout.write(f"the web server is not answering on {bind} yet; still waiting")
            return supervisor.wait()

    def _child_env(self) -> dict[str, str]:
        # A fresh metrics directory per run: files left by dead processes would add stale counts.
        metrics_dir = settings.DATA_DIR / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS),
            "BRIGHTKITCHEN_DATA_DIR": str(settings.DATA_DIR),
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
            "PYTHONUNBUFFERED": "1",
            # Its own web address is never a camera (the policy refuses PLATFORM_ADDRESSES).
            "PLATFORM_ADDRESSES": os.environ.get("PLATFORM_ADDRESSES", self._bind),
        }

    def _logins(self, report: DemoReport) -> None:
        rows = [(login.username, login.password, login.role, login.organisation) for login in report.logins]
        self.stdout.write(text_table(("username", "password", "role", "organisation"), rows))
