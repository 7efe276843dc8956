"""Generic change logging for every `AuditedModel` (admin, API, pages and tasks alike)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from brightkitchen.audit import services
from brightkitchen.audit.models import AuditAction
from brightkitchen.core.middleware import actor_for
from brightkitchen.core.models import AuditedModel


@receiver(pre_save, dispatch_uid="audit_pre_save")
def _load_before(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    # An instance built in memory with an existing pk (not loaded from the database) has no
    # "before" values yet: read them now so the update is still logged with what it replaced.
    if raw or not isinstance(instance, AuditedModel) or instance._state.adding:
        return
    if getattr(instance, "_audit_loaded", None) is None and instance.pk is not None:
        stored = type(instance)._base_manager.filter(pk=instance.pk).first()
        instance._audit_loaded = stored.audit_snapshot() if stored else None


@receiver(post_save, dispatch_uid="audit_post_save")
def _log_save(sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not raw and isinstance(instance, AuditedModel):
        services.record_save(instance, created)


@receiver(post_delete, dispatch_uid="audit_post_delete")
def _log_delete(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, AuditedModel):
        services.record_delete(instance)


@receiver(user_logged_in, dispatch_uid="audit_login")
def _log_login(sender: type, request: Any, user: Any, **kwargs: Any) -> None:
    # The request's actor was fixed before sign-in (anonymous); the one signing in is the actor here.
    actor = actor_for(request, source="web") if request is not None else None
    services.record(AuditAction.LOGIN, user, actor=actor)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _log_login_failed(sender: type, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    services.record(AuditAction.LOGIN_FAILED, None, description=str(credentials.get("username", ""))[:150])
