"""Fixed-window counters in the shared cache (Redis in production, files in the embedded run), so
every web process sees the same counts. Used for sign-in failures (per address, per account and
per account-and-address pair, with growing delays), display-link guesses and public forms."""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import cache


def _key(bucket: str, ident: str) -> str:
    return "rl:" + bucket + ":" + hashlib.sha256(ident.encode()).hexdigest()[:32]


def hits(bucket: str, ident: str) -> int:
    value = cache.get(_key(bucket, ident), 0)
    return int(value)


def hit(bucket: str, ident: str, window_s: int) -> int:
    key = _key(bucket, ident)
    if cache.add(key, 1, timeout=window_s):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_s)
        return 1


def reset(bucket: str, ident: str) -> None:
    cache.delete(_key(bucket, ident))


def exceeded(bucket: str, idents: list[str], limit: int) -> bool:
    return any(hits(bucket, ident) >= limit for ident in idents)


def block(bucket: str, ident: str, seconds: int) -> None:
    """Refuse `ident` for the next `seconds` (a growing delay: the caller decides how long)."""
    cache.set(_key("until:" + bucket, ident), time.time() + seconds, timeout=seconds + 1)


def blocked_for(bucket: str, ident: str) -> int:
    """Whole seconds left of a block set with `block` (0 when none)."""
    until = cache.get(_key("until:" + bucket, ident))
    if until is None:
        return 0
    return max(0, math.ceil(float(until) - time.time()))
