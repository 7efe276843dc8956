"""The OpenID Connect provider of the sign-in tests: panva's oidc-provider (OpenID Certified), run with
Node on loopback from testbed/oidc (its node_modules come from `make install-dev`: npm ci)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brightkitchen.testbed.streams import free_port

HERE = Path(__file__).with_name("oidc")
START_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    client_id: str
    client_secret: str


def available() -> bool:
    return shutil.which("node") is not None and (HERE / "node_modules" / "oidc-provider").is_dir()


@contextmanager
def oidc_provider(
    redirect_uris: Sequence[str],
    accounts: Mapping[str, Mapping[str, Any]],
    *,
    post_logout_redirect_uris: Sequence[str] = (),
    id_token_ttl_s: int = 3600,
    jwks: Mapping[str, Any] | None = None,
    client_id: str = "brightkitchen",
    client_secret: str = "test-client-secret",
) -> Iterator[RunningProvider]:
    if not available():
        raise RuntimeError(
            "the OIDC provider is not installed: run `make install-dev` (npm ci in testbed/oidc)"
        )
    port = free_port()
    config = {
        "port": port,
        "accounts": accounts,
        "idTokenTtl": id_token_ttl_s,
        **({"jwks": jwks} if jwks else {}),  # the signing keys (private), when a test must sign tokens too
        "clients": [
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uris": list(redirect_uris),
                "post_logout_redirect_uris": list(post_logout_redirect_uris),
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
            },
            # Another relying party of the same provider: its tokens are not for the platform.
            {
                "client_id": "other-app",
                "client_secret": "other-secret",
                "redirect_uris": list(redirect_uris),
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
            },
        ],
    }
    process = subprocess.Popen(
        ["node", str(HERE / "provider.mjs"), json.dumps(config)],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(
                    f"{issuer}/.well-known/openid-configuration", timeout=1
                ) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else ""
                    raise RuntimeError(f"the OIDC provider did not start: {output[-2000:]}") from None
                time.sleep(0.1)
        yield RunningProvider(issuer, client_id, client_secret)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
