from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import AuditedModel
from brightkitchen.core.roles import CANTEEN_ROLES, REGION_ROLES, Role
from brightkitchen.core.scoping import ScopedQuerySet, ScopeRule

# Which kind of organisation each role acts for.
ROLE_ORGANISATION_KIND: dict[Role, str | None] = {
    Role.OPERATOR: "operator",
    Role.REGULATOR: "regulator",
    Role.EDUCATION_BUREAU: "education_bureau",
    Role.PRINCIPAL: "school",
    Role.CANTEEN_MANAGER: "school",
    Role.CANTEEN_STAFF: "school",
    Role.SUPPLIER: "supplier",
    Role.PUBLIC: None,
}


class ScopedUserManager(UserManager["User"]):
    def get_queryset(self) -> ScopedQuerySet[User]:
        return ScopedQuerySet(self.model, using=self._db)

    def visible_to(self, user: Any, action: Any = "view") -> ScopedQuerySet[User]:
        return self.get_queryset().visible_to(user, action)


class User(AbstractUser, AuditedModel):
    """A person who signs in. Everyone but the public acts for one organisation."""

    display_name = models.CharField(_("name"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, default=Role.PUBLIC)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    canteen = models.ForeignKey(
        "schools.Canteen",
        verbose_name=_("canteen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_accounts",
    )

    objects: ClassVar[ScopedUserManager] = ScopedUserManager()
    scope_rule = ScopeRule(
        region="organisation__region__code",
        school="organisation_id",
        canteen="canteen_id",
        supplier="organisation_id",
        view_roles=frozenset({Role.REGULATOR, Role.EDUCATION_BUREAU, Role.PRINCIPAL, Role.CANTEEN_MANAGER}),
        change_roles=frozenset({Role.OPERATOR}),
    )
    audit_exclude = frozenset({"created_at", "updated_at", "password", "last_login"})

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        role = Role(self.role)
        expected_kind = ROLE_ORGANISATION_KIND[role]
        if expected_kind is None:
            if self.organisation_id is not None:
                raise ValidationError({"organisation": _("A public user acts for no organisation.")})
            return
        if self.organisation is None:
            raise ValidationError({"organisation": _("This role needs an organisation.")})
        if self.organisation.kind != expected_kind:
            raise ValidationError({"organisation": _("This organisation does not fit the role.")})
        if role in CANTEEN_ROLES:
            if self.canteen is None:
                raise ValidationError({"canteen": _("Canteen users need a canteen.")})
            if self.canteen.school_id != self.organisation_id:
                raise ValidationError({"canteen": _("The canteen must belong to the user's school.")})

    @property
    def is_operator(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == Role.OPERATOR)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        # Operators run the platform: every model permission, in the admin too. Everyone else acts
        # through the scoped pages and API, never through model permissions.
        return self.is_operator or super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_operator or super().has_module_perms(app_label)

    @property
    def role_label(self) -> str:
        label = Role(self.role).label
        if Role(self.role) in REGION_ROLES and self.organisation is not None:
            level = self.organisation.region.get_level_display()
            return str(_("%(level)s %(role)s") % {"level": level, "role": label})
        return str(label)


TOKEN_PREFIX = "bk_"


def hash_token_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(AuditedModel):
    """A bearer token for machines and apps. Only a hash is stored; the token is shown once. A read-only
    token may only read (GET, HEAD, OPTIONS); core.api.TokenAuth refuses anything else with 403."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    key_id = models.CharField(_("key id"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Tokens made before scopes existed keep the rights they had (read and write).
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, default=Scope.READ_WRITE)

    scope_rule = ScopeRule(view_roles=frozenset(), change_roles=frozenset())
    audit_exclude = frozenset({"created_at", "updated_at", "secret_hash", "last_used_at"})

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}{self.key_id}_…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def read_only(self) -> bool:
        return self.scope == ApiToken.Scope.READ

    @staticmethod
    def new_key() -> tuple[str, str, str]:
        """A fresh (key id, secret, full token)."""
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        return key_id, secret, f"{TOKEN_PREFIX}{key_id}_{secret}"


class SecurityNotice(AuditedModel):
    """Something about their own account a user must hear of (repeated failed sign-ins), shown once at
    their next sign-in. Only ever read by its own user."""

    class Kind(models.TextChoices):
        FAILED_SIGN_INS = "failed_sign_ins", _("Failed sign-ins")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="security_notices"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    address = models.CharField(_("address"), max_length=64, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    scope_rule = ScopeRule(view_roles=frozenset(), change_roles=frozenset())

    class Meta:
        verbose_name = _("security notice")
        verbose_name_plural = _("security notices")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id}"

    @property
    def message(self) -> str:
        return str(
            _(
                "%(count)s failed sign-ins to your account, the last from %(address)s, on %(when)s. If it "
                "was not you, tell your administrator; a picture puzzle is asked for at sign-in for a while."
            )
            % {
                "count": self.failures,
                "address": self.address or "?",
                "when": timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M"),
            }
        )


class Invitation(AuditedModel):
    """A one-time link that lets an imported (or invited) person choose their password: only the hash of
    its secret is stored, it expires, and it works once."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="invitations"
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    scope_rule = ScopeRule(view_roles=frozenset(), change_roles=frozenset())
    audit_exclude = frozenset({"created_at", "updated_at", "secret_hash"})

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.expires_at:%Y-%m-%d}"

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now() and self.user.is_active


class OidcIdentity(AuditedModel):
    """A person of an identity provider (issuer, subject) linked to their platform account."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="identities"
    )
    issuer = models.CharField(_("identity provider"), max_length=300)
    subject = models.CharField(_("subject"), max_length=255)

    scope_rule = ScopeRule(view_roles=frozenset(), change_roles=frozenset())

    class Meta:
        verbose_name = _("linked identity")
        verbose_name_plural = _("linked identities")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
