"""Canteen staff and their health: who works in the kitchen, their health certificates (健康证), training,
and the daily morning check (晨检) before work.

Rules (SPEC §2.2; domain-rules §1.3, 《学校食品安全与营养健康管理规定》 and its 操作规范):
- a staff member holds a valid health certificate before working; it is renewed every year, and alerts
  start 30 days before it expires. A certificate expiring today is still valid today, expired tomorrow;
- every working day before work each staff member on duty is checked: temperature and symptoms (fever,
  diarrhoea, a skin wound or infection, a sore throat). Any symptom, or a temperature of 37.3 °C or more,
  takes the person off duty until the cause is found and cured.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import ScopedManager, ScopeRule
from brightkitchen.schools.models import CanteenRecord

CERTIFICATE_VALID_YEARS = 1
CERTIFICATE_EXPIRY_WARNING_DAYS = 30
FEVER_THRESHOLD = Decimal("37.3")  # °C: at or above it a person is off duty
TEMPERATURE_MIN = Decimal("34.0")
TEMPERATURE_MAX = Decimal("43.0")

# Staff records, certificates and training are kept by the canteen's manager and the principal; every
# canteen user may file a morning check (CanteenRecord's default).
_MANAGED = ScopeRule(
    region="canteen__school__organisation__region__code",
    school="canteen__school_id",
    canteen="canteen_id",
    change_roles=frozenset({Role.OPERATOR, Role.PRINCIPAL, Role.CANTEEN_MANAGER}),
)


class Position(models.TextChoices):
    COOK = "cook", _("Cook")
    HELPER = "helper", _("Kitchen helper")
    SAFETY_MANAGER = "safety_manager", _("Food-safety manager")
    SAFETY_DIRECTOR = "safety_director", _("Food-safety director")
    OTHER = "other", _("Other")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expires within 30 days")
    EXPIRED = "expired", _("Expired")
    MISSING = "missing", _("No health certificate")


class CheckResult(models.TextChoices):
    FIT = "fit", _("Fit for duty")
    OFF_DUTY = "off_duty", _("Off duty")
    # Healthy, but without a valid health certificate on the day: 不得上岗 (食品安全法 第四十五条).
    UNCERTIFIED = "uncertified", _("Not allowed on duty: no valid health certificate")


def default_expiry(issued_on: datetime.date) -> datetime.date:
    """One year after issue (a certificate issued on 29 February runs to 28 February)."""
    try:
        return issued_on.replace(year=issued_on.year + CERTIFICATE_VALID_YEARS)
    except ValueError:
        return issued_on.replace(year=issued_on.year + CERTIFICATE_VALID_YEARS, day=28)


def certificate_status(expires_on: datetime.date | None, on: datetime.date) -> CertificateStatus:
    """Status of the current certificate (latest expiry among those issued by `on`)."""
    if expires_on is None:
        return CertificateStatus.MISSING
    if expires_on < on:
        return CertificateStatus.EXPIRED
    if expires_on <= on + datetime.timedelta(days=CERTIFICATE_EXPIRY_WARNING_DAYS):
        return CertificateStatus.EXPIRING
    return CertificateStatus.VALID


class StaffMember(CanteenRecord):
    name = models.CharField(_("name"), max_length=40)
    position = models.CharField(_("position"), max_length=16, choices=Position.choices, default=Position.COOK)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick when the person leaves."))
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sign-in account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_member",
        help_text=_("The person's own account on the platform, when they sign in."),
    )

    objects = ScopedManager()
    scope_rule = _MANAGED

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["canteen_id", "name", "id"]
        indexes = [models.Index(fields=["canteen", "active"], name="staff_canteen_active_idx")]

    def __str__(self) -> str:
        return self.name


class HealthCertificate(CanteenRecord):
    """One health certificate (健康证明); a person holds a new one every year. The current one is the one
    with the latest expiry among those already issued."""

    staff = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="certificates"
    )
    number = models.CharField(_("certificate number"), max_length=40)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(
        _("expires on"), blank=True, db_index=True, help_text=_("One year after issue if left empty.")
    )
    photo = models.CharField(_("photo"), max_length=200, blank=True)
    thumbnail = models.CharField(_("thumbnail"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_rule = _MANAGED

    class Meta:
        verbose_name = _("health certificate")
        verbose_name_plural = _("health certificates")
        ordering = ["staff_id", "-expires_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("issued_on")),
                name="certificate_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.issued_on} – {self.expires_on})"

    def clean(self) -> None:
        if self.issued_on and not self.expires_on:
            self.expires_on = default_expiry(self.issued_on)
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError({"expires_on": _("The expiry date must be after the issue date.")})
        if self.issued_on and self.issued_on > timezone.localdate():
            raise ValidationError({"issued_on": _("The issue date cannot be in the future.")})
        if self.staff_id and self.canteen_id and self.staff.canteen_id != self.canteen_id:
            raise ValidationError({"staff": _("This person works in another canteen.")})

    def save(self, *args: object, **kwargs: object) -> None:
        if self.issued_on and not self.expires_on:
            self.expires_on = default_expiry(self.issued_on)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def status(self, on: datetime.date) -> CertificateStatus:
        return certificate_status(self.expires_on, on)


class TrainingRecord(CanteenRecord):
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="trainings"
    )
    title = models.CharField(_("title"), max_length=120)
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))],
    )
    photo = models.CharField(_("certificate photo"), max_length=200, blank=True)
    thumbnail = models.CharField(_("thumbnail"), max_length=200, blank=True)

    record_day_field = "date"
    objects = ScopedManager()
    scope_rule = _MANAGED

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["staff_id", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date})"

    def clean(self) -> None:
        if self.staff_id and self.canteen_id and self.staff.canteen_id != self.canteen_id:
            raise ValidationError({"staff": _("This person works in another canteen.")})


class MorningCheck(CanteenRecord):
    """The check of one staff member before work on one day (晨检)."""

    staff = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="morning_checks"
    )
    date = models.DateField(_("date"), db_index=True)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    temperature = models.DecimalField(
        _("temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(TEMPERATURE_MIN), MaxValueValidator(TEMPERATURE_MAX)],
    )
    fever = models.BooleanField(_("fever"), default=False)
    diarrhoea = models.BooleanField(_("diarrhoea"), default=False)
    skin_wound = models.BooleanField(_("skin wound or infection"), default=False)
    sore_throat = models.BooleanField(_("sore throat"), default=False)
    other_symptoms = models.CharField(_("other symptoms"), max_length=200, blank=True)
    # Whether the person held a valid health certificate on the day (set by the service that records the
    # check): without one a healthy person is still checked, and kept off duty.
    certified = models.BooleanField(_("valid health certificate"), default=True)
    result = models.CharField(_("result"), max_length=16, choices=CheckResult.choices, editable=False)

    record_day_field = "date"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("morning check")
        verbose_name_plural = _("morning checks")
        ordering = ["-date", "staff_id"]
        constraints = [models.UniqueConstraint(fields=["staff", "date"], name="morning_check_once_a_day")]
        indexes = [models.Index(fields=["canteen", "date"], name="morning_check_canteen_date_idx")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.date} {self.result}"

    @property
    def has_symptom(self) -> bool:
        return bool(
            self.fever or self.diarrhoea or self.skin_wound or self.sore_throat or self.other_symptoms.strip()
        )

    def derive_result(self) -> CheckResult:
        """Any symptom, or a temperature at or above 37.3 °C, takes the person off duty; a healthy person
        without a valid health certificate may not work either."""
        if self.has_symptom or (
            self.temperature is not None and Decimal(self.temperature) >= FEVER_THRESHOLD
        ):
            return CheckResult.OFF_DUTY
        if not self.certified:
            return CheckResult.UNCERTIFIED
        return CheckResult.FIT

    def clean(self) -> None:
        self.result = self.derive_result()
        if self.staff_id and self.canteen_id and self.staff.canteen_id != self.canteen_id:
            raise ValidationError({"staff": _("This person works in another canteen.")})
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("A morning check cannot be recorded for a future day.")})

    def save(self, *args: object, **kwargs: object) -> None:
        self.result = self.derive_result()
        super().save(*args, **kwargs)  # type: ignore[arg-type]
