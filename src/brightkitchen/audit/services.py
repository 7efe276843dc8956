"""Writing the audit log. Domain code never calls these for ordinary saves: the receivers do."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from brightkitchen.audit.models import AuditAction, AuditLogEntry
from brightkitchen.core.context import Actor, current_actor
from brightkitchen.core.models import AuditedModel


def record(
    action: AuditAction,
    instance: models.Model | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    changed: list[str] | None = None,
    region_code: str | None = None,
    school_id: int | None = None,
    canteen_id: int | None = None,
    description: str = "",
    actor: Actor | None = None,
) -> AuditLogEntry:
    actor = actor or current_actor()
    if isinstance(instance, AuditedModel):
        region_code, school_id, canteen_id = instance.audit_anchor()
    return AuditLogEntry.objects.create(
        action=action,
        actor_id=actor.user_id,
        actor_username=actor.username,
        source=actor.source,
        ip=actor.ip,
        user_agent=actor.user_agent[:300],
        request_id=actor.request_id,
        content_type=ContentType.objects.get_for_model(instance) if instance is not None else None,
        object_id=str(instance.pk) if instance is not None else "",
        object_repr=(str(instance) if instance is not None else description)[:200],
        region_code=region_code,
        school_id=school_id,
        canteen_id=canteen_id,
        before=before,
        after=after,
        changed_fields=changed or [],
    )


def record_save(instance: AuditedModel, created: bool) -> None:
    after = instance.audit_snapshot()
    before: dict[str, Any] | None = None if created else getattr(instance, "_audit_loaded", None)
    if created:
        record(AuditAction.CREATE, instance, after=after, changed=sorted(after))
    else:
        changed = sorted(k for k in after if before is None or before.get(k) != after[k])
        if changed:
            record(
                AuditAction.UPDATE,
                instance,
                before={k: before.get(k) for k in changed} if before is not None else None,
                after={k: after[k] for k in changed},
                changed=changed,
            )
    instance._audit_loaded = after


def record_delete(instance: AuditedModel) -> None:
    before = getattr(instance, "_audit_loaded", None) or instance.audit_snapshot()
    record(AuditAction.DELETE, instance, before=before, changed=sorted(before))
