from __future__ import annotations

import datetime
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brightkitchen.core import days
from brightkitchen.core.models import AuditedModel, submission_key_field, user_field
from brightkitchen.core.roles import Role
from brightkitchen.core.scoping import ScopedManager, ScopeRule

# A licence is valid for five years (《食品经营许可管理办法》); alerts start this many days before expiry.
LICENCE_VALID_YEARS = 5
LICENCE_EXPIRY_WARNING_DAYS = 30
# Every canteen is inspected at least once a year (risk grade A: at least once, D: three to four
# times), so a dynamic grade from an inspection more than a year old is out of date.
DYNAMIC_GRADE_VALID_DAYS = 365


class SchoolType(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary school")
    SECONDARY = "secondary", _("Secondary school")
    VOCATIONAL = "vocational", _("Vocational school")
    UNIVERSITY = "university", _("University or college")


class OperationMode(models.TextChoices):
    SELF_RUN = "self_run", _("Self-run")
    CONTRACTED = "contracted", _("Contracted out")
    EXTERNAL_SUPPLY = "external_supply", _("External meal supplier")


class DynamicGrade(models.TextChoices):
    """Dynamic quantitative grade from the latest inspection, shown to the public as a face."""

    EXCELLENT = "excellent", _("Excellent (big smile)")
    GOOD = "good", _("Good (smile)")
    FAIR = "fair", _("Fair (flat face)")


class AnnualGrade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class RiskGrade(models.TextChoices):
    A = "A", _("A (lowest risk)")
    B = "B", _("B")
    C = "C", _("C")
    D = "D", _("D (highest risk)")


# Inspections a year that a canteen's risk grade calls for, as (minimum, maximum): the inspection plan
# reads it and the risk page shows it.
INSPECTIONS_PER_YEAR: dict[str, tuple[int, int]] = {
    RiskGrade.A: (1, 1),
    RiskGrade.B: (1, 2),
    RiskGrade.C: (2, 3),
    RiskGrade.D: (3, 4),
}


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expiring within 30 days")
    EXPIRED = "expired", _("Expired")
    MISSING = "missing", _("No licence on file")


class School(AuditedModel):
    """A school; its name and region are those of its organisation (same primary key)."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="school",
    )
    school_type = models.CharField(_("school type"), max_length=16, choices=SchoolType.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    principal_name = models.CharField(_("principal"), max_length=40, blank=True)
    principal_phone = models.CharField(_("principal's phone"), max_length=32, blank=True)
    students = models.PositiveIntegerField(_("students"), default=0)
    boarding = models.BooleanField(_("boarding school"), default=False)

    objects = ScopedManager()
    scope_rule = ScopeRule(
        region="organisation__region__code",
        school="pk",
        canteen="canteens",
        change_roles=frozenset({Role.OPERATOR, Role.PRINCIPAL}),
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["organisation__region", "organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def region_id(self) -> str:
        return self.organisation.region_id


licence_number_validator = RegexValidator(
    r"^JY\d{14}$", _("A food business licence number is JY followed by 14 digits."), code="licence_number"
)


class Canteen(AuditedModel):
    """One canteen of a school: the unit that is licensed, graded, filmed and supervised."""

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="canteens"
    )
    name = models.CharField(_("name"), max_length=120)
    operation_mode = models.CharField(_("operation mode"), max_length=16, choices=OperationMode.choices)
    contractor = models.CharField(
        _("contractor or meal supplier"),
        max_length=120,
        blank=True,
        help_text=_("Required when the canteen is contracted out or supplied from outside."),
    )
    diners = models.PositiveIntegerField(_("diners per day"), default=0)
    licence_number = models.CharField(
        _("food business licence number"), max_length=16, blank=True, validators=[licence_number_validator]
    )
    licence_scope = models.CharField(_("licence scope"), max_length=200, blank=True)
    licence_issued_on = models.DateField(_("licence issued on"), null=True, blank=True)
    licence_expires_on = models.DateField(_("licence expires on"), null=True, blank=True, db_index=True)
    dynamic_grade = models.CharField(
        _("dynamic grade"), max_length=16, choices=DynamicGrade.choices, blank=True
    )
    dynamic_graded_on = models.DateField(
        _("dynamic grade given on"),
        null=True,
        blank=True,
        help_text=_("The day of the inspection the dynamic grade comes from."),
    )
    annual_grade = models.CharField(_("annual grade"), max_length=1, choices=AnnualGrade.choices, blank=True)
    risk_grade = models.CharField(
        _("risk grade"), max_length=1, choices=RiskGrade.choices, default=RiskGrade.B
    )
    safety_director = models.CharField(_("food-safety director"), max_length=40, blank=True)
    safety_manager = models.CharField(_("food-safety manager"), max_length=40, blank=True)
    safety_phone = models.CharField(_("food-safety contact phone"), max_length=32, blank=True)

    objects = ScopedManager()
    scope_rule = ScopeRule(
        region="school__organisation__region__code",
        school="school_id",
        canteen="pk",
        change_roles=frozenset({Role.OPERATOR, Role.REGULATOR, Role.PRINCIPAL, Role.CANTEEN_MANAGER}),
    )

    class Meta:
        verbose_name = _("canteen")
        verbose_name_plural = _("canteens")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="canteen_unique_name_per_school"),
            models.CheckConstraint(
                condition=models.Q(licence_expires_on__isnull=True)
                | models.Q(licence_issued_on__isnull=True)
                | models.Q(licence_expires_on__gt=models.F("licence_issued_on")),
                name="canteen_licence_expires_after_issue",
            ),
        ]
        indexes = [models.Index(fields=["risk_grade"], name="canteen_risk_grade_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.operation_mode in (OperationMode.CONTRACTED, OperationMode.EXTERNAL_SUPPLY)
            and not self.contractor
        ):
            errors["contractor"] = str(_("Name the contractor or meal supplier."))
        if (
            self.licence_issued_on
            and self.licence_expires_on
            and self.licence_expires_on <= self.licence_issued_on
        ):
            errors["licence_expires_on"] = str(_("The expiry date must be after the issue date."))
        if errors:
            raise ValidationError(errors)

    def licence_status(self, today: datetime.date) -> LicenceStatus:
        return licence_status(self.licence_expires_on, today)

    @property
    def dynamic_grade_is_stale(self) -> bool:
        """The dynamic grade comes from an inspection more than `DYNAMIC_GRADE_VALID_DAYS` ago (or from
        an unknown day): it no longer says how the canteen is run today."""
        return dynamic_grade_is_stale(self.dynamic_grade, self.dynamic_graded_on, days.today())


def dynamic_grade_is_stale(grade: str, graded_on: datetime.date | None, today: datetime.date) -> bool:
    if not grade:
        return False
    return graded_on is None or graded_on < today - datetime.timedelta(days=DYNAMIC_GRADE_VALID_DAYS)


def licence_status(expires_on: datetime.date | None, today: datetime.date) -> LicenceStatus:
    if expires_on is None:
        return LicenceStatus.MISSING
    if expires_on < today:
        return LicenceStatus.EXPIRED
    if expires_on <= today + datetime.timedelta(days=LICENCE_EXPIRY_WARNING_DAYS):
        return LicenceStatus.EXPIRING
    return LicenceStatus.VALID


class CanteenRecord(AuditedModel):
    """Base of every record a canteen keeps (checks, samples, meals, deliveries…): scoped to its canteen,
    signed by who recorded it, and safe to resubmit (a form or app sends a `submission_key`; the same
    key never creates a second record — see core.idempotency.create_once)."""

    canteen = models.ForeignKey(
        Canteen, verbose_name=_("canteen"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = user_field(_("recorded by"))
    submission_key = submission_key_field(editable=False)

    scope_rule = ScopeRule(
        region="canteen__school__organisation__region__code",
        school="canteen__school_id",
        canteen="canteen_id",
        change_roles=frozenset({Role.OPERATOR, Role.PRINCIPAL, Role.CANTEEN_MANAGER, Role.CANTEEN_STAFF}),
    )
    # The field holding the day a daily record is for ("date"; a time for one kept by the hour): a record
    # entered on a later day is a late entry (补录), shown as such with its entry time. None: not daily.
    record_day_field: ClassVar[str | None] = None

    class Meta:
        abstract = True

    @property
    def entered_late(self) -> bool:
        """Entered (created) on a later local day than the day it records."""
        if self.record_day_field is None or self.created_at is None:
            return False
        day = getattr(self, self.record_day_field)
        if isinstance(day, datetime.datetime):
            day = timezone.localdate(day)
        return day is not None and timezone.localdate(self.created_at) > day


# Counts of a day are kept in this many bit planes (up to 255 a day: more staff or deliveries than any
# canteen has).
TALLY_PLANES = 8


class CanteenMonth(models.Model):
    """One canteen's month of records, condensed to what the completeness metrics count, so that a
    province's rates read 26,700 rows a month instead of millions of records.

    Each flag field holds the days something was recorded (bit 0 is the 1st). Each count is kept in
    bit planes: bit d of `<count>_<2^k>` is bit k of the count on day d + 1, so the sum over any set
    of days is a sum of bit counts. Derived data, rebuilt from the records by `schools.tallies` (on
    every save or delete of a counted record, and by bulk writers for what they wrote): neither audited
    nor scoped, and read only through a caller's scoped canteens.
    """

    # The unique constraint's index, led by the canteen, serves the foreign key too.
    canteen = models.ForeignKey(Canteen, on_delete=models.CASCADE, related_name="tallies", db_index=False)
    month = models.DateField()  # its first day
    sampled_breakfast = models.IntegerField(default=0)
    sampled_lunch = models.IntegerField(default=0)
    sampled_dinner = models.IntegerField(default=0)
    accompanied_breakfast = models.IntegerField(default=0)
    accompanied_lunch = models.IntegerField(default=0)
    accompanied_dinner = models.IntegerField(default=0)
    disinfected = models.IntegerField(default=0)
    daily_checked = models.IntegerField(default=0)
    # The same days, counting only records entered on the day they record (the rest are late, 补录).
    sampled_breakfast_on_time = models.IntegerField(default=0)
    sampled_lunch_on_time = models.IntegerField(default=0)
    sampled_dinner_on_time = models.IntegerField(default=0)
    accompanied_breakfast_on_time = models.IntegerField(default=0)
    accompanied_lunch_on_time = models.IntegerField(default=0)
    accompanied_dinner_on_time = models.IntegerField(default=0)
    disinfected_on_time = models.IntegerField(default=0)
    daily_checked_on_time = models.IntegerField(default=0)

    # Counts a day: morning checks of people allowed on duty that day (and of those, the ones entered on
    # the day), staff allowed on duty (active, with a valid health certificate), active staff, accepted
    # deliveries, those with certificates.
    COUNTS = (
        "morning_checks",
        "morning_checks_on_time",
        "on_duty",
        "staff",
        "deliveries",
        "certified_deliveries",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["canteen", "month"], name="canteen_month_unique")]

    def __str__(self) -> str:
        return f"{self.canteen_id} {self.month:%Y-%m}"


for _count in CanteenMonth.COUNTS:
    for _plane in range(TALLY_PLANES):
        CanteenMonth.add_to_class(f"{_count}_{1 << _plane}", models.IntegerField(default=0))
