"""Who is acting, and from where, for the code running now (a web request or a background task).

The audit log reads this; it is set by `AuditActorMiddleware` for requests and by `acting_as` for
tasks and management commands.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    username: str = ""
    ip: str | None = None
    user_agent: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    source: str = "system"  # "web", "api", "task", "command", "system"


_current_actor: ContextVar[Actor] = ContextVar("brightkitchen_actor", default=Actor())  # noqa: B039 (frozen)


def current_actor() -> Actor:
    return _current_actor.get()


@contextlib.contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current_actor.set(actor)
    try:
        yield actor
    finally:
        _current_actor.reset(token)


def replace_actor(actor: Actor) -> None:
    """Swap the actor for the rest of the enclosing `acting_as` block (used once an API token is
    resolved, after the middleware has already set an anonymous actor)."""
    _current_actor.set(actor)
