"""Short-lived grants that let a browser watch one camera through the live-view relay.

The web side, which knows the user and the camera, issues a grant; the relay (cameras/relay/, possibly
on another machine) checks it with nothing but the shared secret: no user database, no camera table.
A grant is a Fernet token (AES-CBC + HMAC-SHA256 with a creation time) holding the camera id and the
camera's upstream address, so the address travels encrypted through the browser and the browser learns
nothing from it. Fernet's time check makes the grant expire after GRANT_TTL_S.

Settings (all optional): RELAY_SECRET (shared by the web side and every relay; default derived from
SECRET_KEY), RELAY_URL (where browsers reach the relay: one address, or several separated by commas
when relays run on several machines), RELAY_GRANT_TTL_S.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

GRANT_TTL_S = 60
DEFAULT_RELAY_URL = "http://127.0.0.1:8001"
HKDF_INFO = b"brightkitchen live relay grant"


class InvalidGrant(Exception):
    """The grant is missing, forged, expired, or for another camera."""


@dataclass(frozen=True)
class Grant:
    camera_id: int
    # The address the relay opens, credentials included: never show or log it.
    source_url: str = field(repr=False)


def relay_key(secret: str | None = None) -> bytes:
    """The Fernet key of grants, derived from RELAY_SECRET (else SECRET_KEY) with HKDF-SHA256, so the
    key of the camera addresses at rest (cameras.credentials) is never handed to a relay."""
    if secret is None:
        secret = getattr(settings, "RELAY_SECRET", "") or settings.SECRET_KEY
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(secret.encode())
    return base64.urlsafe_b64encode(derived)


def relay_urls() -> list[str]:
    """Every relay browsers can reach (RELAY_URL, comma-separated)."""
    text = str(getattr(settings, "RELAY_URL", "") or DEFAULT_RELAY_URL)
    return [url.strip().rstrip("/") for url in text.split(",") if url.strip()] or [DEFAULT_RELAY_URL]


def relay_url(camera_id: int) -> str:
    """The relay that serves this camera. All viewers of a camera go to the same relay, so it keeps one
    upstream per camera however many relays there are; rendezvous hashing moves only the cameras of a
    relay added or removed, not the others."""
    urls = relay_urls()
    return max(urls, key=lambda url: hashlib.sha256(f"{camera_id}|{url}".encode()).digest())


def grant_ttl_s() -> int:
    return int(getattr(settings, "RELAY_GRANT_TTL_S", GRANT_TTL_S))


def issue(camera_id: int, source_url: str, key: bytes | None = None) -> str:
    """A grant to watch this camera, valid for grant_ttl_s() (URL-safe text)."""
    payload = json.dumps({"c": camera_id, "u": source_url}, separators=(",", ":")).encode()
    return Fernet(key or relay_key()).encrypt(payload).decode()


def verify(token: str, camera_id: int, key: bytes, ttl_s: int = GRANT_TTL_S) -> Grant:
    """The grant if it is genuine, younger than ttl_s and for this camera; otherwise InvalidGrant.
    Runs in the relay: it takes the key and ttl as arguments and reads no setting."""
    if not token:
        raise InvalidGrant("no grant")
    try:
        payload = json.loads(Fernet(key).decrypt(token.encode(), ttl=ttl_s))
        grant = Grant(camera_id=int(payload["c"]), source_url=str(payload["u"]))
    except (InvalidToken, ValueError, KeyError, TypeError):
        raise InvalidGrant("forged or expired grant") from None
    if grant.camera_id != camera_id:
        raise InvalidGrant("grant for another camera")
    return grant
