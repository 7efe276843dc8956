"""The test bed's cameras stream from loopback, which the outbound-address policy (core.netpolicy)
refuses unless the operator lists it. The demo and the benchmarks list it explicitly, for their own
process and the processes they start (web, worker, relay); a production installation never does."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from django.conf import settings
from django.test import override_settings

LOOPBACK_NETWORKS = ("127.0.0.0/8", "::1/128")
VARIABLE = "OUTBOUND_ALLOWED_NETWORKS"


@contextlib.contextmanager
def loopback_cameras_allowed() -> Iterator[list[str]]:
    """Within it, the policy allows loopback cameras here and in child processes started meanwhile."""
    networks = list(dict.fromkeys([*settings.OUTBOUND_ALLOWED_NETWORKS, *LOOPBACK_NETWORKS]))
    before = os.environ.get(VARIABLE)
    os.environ[VARIABLE] = ",".join(networks)
    try:
        with override_settings(OUTBOUND_ALLOWED_NETWORKS=networks):
            yield networks
    finally:
        if before is None:
            os.environ.pop(VARIABLE, None)
        else:
            os.environ[VARIABLE] = before
