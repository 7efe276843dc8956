"""Fixed-window counters in the shared cache (Redis in production, files in the embedded run), so
every web process sees the same counts. Used for sign-in failures and, later, public forms."""

from __future__ import annotations

import hashlib

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
