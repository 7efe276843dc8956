from __future__ import annotations

from celery import shared_task

from brightkitchen.accounts import services
from brightkitchen.core.context import Actor, acting_as


@shared_task(name="brightkitchen.accounts.tasks.warn_of_failed_sign_ins", ignore_result=True)
def warn_of_failed_sign_ins(user_id: int, failures: int, address: str) -> bool:
    """Tell an account's owner that its sign-in failed repeatedly (queued after commit by
    services.sign_in when the account starts asking for the CAPTCHA). Idempotent: one notice per window."""
    with acting_as(Actor(username="sign-in-guard", source="task")):
        return services.record_failed_sign_ins(user_id, failures, address) is not None
