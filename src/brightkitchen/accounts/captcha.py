"""An offline CAPTCHA for sign-in: a small sum drawn as a picture by the server (Pillow), no external
service. Asked for on an account after repeated failed sign-ins (accounts.services.sign_in), so a
guesser must solve one per try while the account's owner, who knows the password, still gets in.

A challenge is a random key; its answer lives in the shared cache for `TTL_S` and is used up by the
first check, right or wrong (one guess per picture)."""

from __future__ import annotations

import io
import secrets

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

TTL_S = 600
_PREFIX = "captcha:"


def new_challenge() -> str:
    """A fresh challenge key; its picture comes from `render(key)`."""
    key = secrets.token_urlsafe(16)
    a, b = secrets.randbelow(40) + 10, secrets.randbelow(9) + 1
    cache.set(_PREFIX + key, {"question": f"{a} + {b} = ?", "answer": str(a + b)}, timeout=TTL_S)
    return key


def render(key: str) -> bytes | None:
    """The challenge's picture as PNG, None for an unknown or used key."""
    stored = cache.get(_PREFIX + key)
    if not isinstance(stored, dict):
        return None
    image = Image.new("RGB", (180, 60), (248, 248, 244))
    draw = ImageDraw.Draw(image)
    for _ in range(12):  # noise lines, so the text is not a clean crop
        points = [(secrets.randbelow(180), secrets.randbelow(60)) for _ in range(2)]
        draw.line(points, fill=(150 + secrets.randbelow(80),) * 3, width=1)
    font = ImageFont.load_default(size=30)
    x = 12
    for char in str(stored["question"]):
        draw.text((x, 10 + secrets.randbelow(12)), char, fill=(30, 30 + secrets.randbelow(60), 90), font=font)
        x += 18 if char != " " else 8
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def check(key: str, answer: str) -> bool:
    """Whether `answer` solves the challenge; the challenge is used up either way."""
    if not key:
        return False
    stored = cache.get(_PREFIX + key)
    cache.delete(_PREFIX + key)
    return isinstance(stored, dict) and answer.strip() == stored["answer"]


def answer_of(key: str) -> str | None:
    """The expected answer (for the tests, which play the person reading the picture)."""
    stored = cache.get(_PREFIX + key)
    return str(stored["answer"]) if isinstance(stored, dict) else None
