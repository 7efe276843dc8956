"""Abstract bases every domain model builds on."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.scoping import ScopedModel


def json_value(value: Any) -> Any:
    """A field value as it goes into the audit log's JSON."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def user_field(verbose_name: Any) -> Any:
    """The user who did something (recorded, accepted, overrode...): kept as empty when the account is
    deleted, and no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


def submission_key_field(*, editable: bool = True) -> Any:
    """The client's key for a create (a UUID per rendered form or app request): a resubmit with the same
    key returns the first row (core.idempotency.create_once) instead of creating another."""
    return models.UUIDField(_("submission key"), null=True, blank=True, unique=True, editable=editable)


class AuditedModel(ScopedModel):
    """A model whose every create, change and delete is written to the audit log.

    The values as loaded from the database are kept on the instance, so the log shows before and
    after without an extra query. Bulk operations (`bulk_create`, `QuerySet.update`) bypass it; use
    them only in seeders and migrations, which record one summary entry instead.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Fields never written to the log (secrets, noise).
    audit_exclude: ClassVar[frozenset[str]] = frozenset({"created_at", "updated_at"})

    class Meta:
        abstract = True

    # The values as last loaded or saved; the audit log compares against them.
    _audit_loaded: dict[str, Any] | None = None

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Self:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._audit_loaded = instance.audit_snapshot()
        return instance

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            field.attname: json_value(getattr(self, field.attname))
            for field in self._meta.concrete_fields
            if field.name not in self.audit_exclude and field.attname in self.__dict__
        }

    def audit_anchor(self) -> tuple[str | None, int | None, int | None]:
        """(region code, school id, canteen id) this row belongs to, following the scope rule's paths,
        so the audit log is scoped with the same rule as the row itself."""
        rule = type(self).scope_rule
        return (
            _follow(self, rule.region),
            _follow(self, rule.school),
            _follow(self, rule.canteen),
        )


def _follow(instance: Any, path: str | None) -> Any:
    if not path:
        return None
    value: Any = instance
    parts = path.split("__")
    for i, part in enumerate(parts):
        if part == "pk":
            value = value.pk
            continue
        # "fk__code" where code is what the key points at: read the key column, no query.
        if i == len(parts) - 2 and isinstance(value, models.Model):
            field = _concrete_field(value, part)
            if isinstance(field, models.ForeignKey) and field.target_field.name == parts[-1]:
                return getattr(value, field.attname)
        try:
            value = getattr(value, part)
        except (AttributeError, models.ObjectDoesNotExist):
            return None
        if value is None:
            return None
        if isinstance(value, models.Manager):  # a to-many path names no single anchor
            return None
    return value


class WorkerHeartbeat(models.Model):
    """Last time each Celery worker ran the scheduled heartbeat task (operational data, not domain)."""

    worker = models.CharField(_("worker"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class IdempotencyKey(models.Model):
    """A replayable answer to a create request that carried an Idempotency-Key header, so a resubmit
    over poor Wi-Fi returns the first answer instead of creating a duplicate."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    route = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


def _concrete_field(instance: models.Model, name: str) -> Any:
    try:
        return instance._meta.get_field(name)
    except Exception:
        return None
