"""Signing what the platform sends to other systems, in the Standard Webhooks format
(https://www.standardwebhooks.com): a receiver checks the headers with any Standard Webhooks library.

    webhook-id: the message's id (the same on every retry, so a receiver can drop a repeat)
    webhook-timestamp: seconds since the epoch when it was sent (a receiver refuses old ones: replay)
    webhook-signature: "v1," + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))

The secret is "whsec_" + base64 of the key, as the format's libraries read it. This module imports no
domain app: webhooks now, upward docking later sign the same way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
KEY_BYTES = 32


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _key(secret: str) -> bytes:
    if not secret.startswith(PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    return base64.b64decode(secret[len(PREFIX) :])


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }
