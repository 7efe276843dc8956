"""`brightkitchen relay --bind 127.0.0.1:8001`: the live-view relay (WHEP) as a process of its own.

It reads only RELAY_SECRET (or SECRET_KEY), RELAY_IDLE_CLOSE_S, RELAY_GRANT_TTL_S,
RELAY_ALLOWED_ORIGINS and RELAY_ICE_SERVERS from the settings and never touches the database, so as
many relays as needed can run on other machines with the same secret."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from brightkitchen.cameras import grants
from brightkitchen.cameras.relay.server import RelayConfig, make_app


def config_from_settings() -> RelayConfig:
    origins = getattr(settings, "RELAY_ALLOWED_ORIGINS", None) or ["*"]
    return RelayConfig(
        key=grants.relay_key(),
        idle_close_s=float(getattr(settings, "RELAY_IDLE_CLOSE_S", 10.0)),
        grant_ttl_s=grants.grant_ttl_s(),
        allowed_origins=frozenset(origins),
        ice_servers=tuple(getattr(settings, "RELAY_ICE_SERVERS", None) or ()),
    )


class Command(BaseCommand):
    help = "Run the live-view relay (WebRTC WHEP, H.264 relayed without re-encoding)."
    requires_system_checks: list[str] = []  # no database, no checks: it may run where only the secret is

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8001", help="host:port to listen on")

    def handle(self, *args: Any, **options: Any) -> None:
        host, _, port = str(options["bind"]).rpartition(":")
        if not host or not port.isdigit():
            raise CommandError("--bind takes host:port, e.g. 127.0.0.1:8001")
        logging.basicConfig(level=logging.INFO)
        web.run_app(make_app(config_from_settings()), host=host.strip("[]"), port=int(port))
