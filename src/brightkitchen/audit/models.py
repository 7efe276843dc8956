from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import user_field
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import ScopedManager, ScopedModel, ScopeRule


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    IMPORT = "import", _("Imported")
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")


class AuditLogEntry(ScopedModel):
    """Who changed what, when, from where, with the values before and after. Never edited."""

    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    actor = user_field(_("user"))
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=16, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), null=True, blank=True, on_delete=models.PROTECT
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, null=True, blank=True)
    school_id = models.BigIntegerField(_("school id"), null=True, blank=True)
    canteen_id = models.BigIntegerField(_("canteen id"), null=True, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)

    objects = ScopedManager()
    scope_rule = ScopeRule(
        region="region_code",
        school="school_id",
        canteen="canteen_id",
        view_roles=frozenset({Role.REGULATOR}),
        change_roles=frozenset(),
    )

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["region_code", "timestamp"], name="audit_region_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_repr}"
