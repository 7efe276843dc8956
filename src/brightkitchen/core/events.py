"""Side effects leave a transaction only after it commits.

`after_commit(task.delay, ...)` is the one way to queue background work from domain code: inside an
atomic block the call waits for the commit (and is dropped on rollback); outside one it runs at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db import transaction


def after_commit(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(functools.partial(func, *args, **kwargs), robust=False)
