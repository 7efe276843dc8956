from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import AuditedModel
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import ScopedManager, ScopeRule


class OrganisationKind(models.TextChoices):
    REGULATOR = "regulator", _("Market-supervision bureau")
    EDUCATION_BUREAU = "education_bureau", _("Education bureau")
    SCHOOL = "school", _("School")
    SUPPLIER = "supplier", _("Supplier")
    OPERATOR = "operator", _("Platform operator")


class Organisation(AuditedModel):
    """Any body a user acts for, placed at a node of the region tree."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="organisations"
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Off: the organisation's people sign in through the government identity provider only (OIDC_PROVIDERS).
    password_sign_in = models.BooleanField(
        _("password sign-in"),
        default=True,
        help_text=_(
            "Off: its people sign in with the government identity provider only, not with a password."
        ),
    )

    objects = ScopedManager()
    scope_rule = ScopeRule(
        region="region__code",
        school="pk",
        canteen="school__canteens",
        supplier="pk",
        change_roles=frozenset({Role.OPERATOR}),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["region", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "region", "name"], name="organisation_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
