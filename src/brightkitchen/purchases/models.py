"""Purchase inspection (进货查验 / 索证索票): one record per delivery, with its certificates.

The law (食品安全法 Art. 50/53, reference/domain-rules.md §1.2) keeps the record at least 6 months after
the product's shelf life ends, or 2 years when the product has no shelf life; records are corrected (every
correction is in the audit log), never deleted before then. Bulk staples (大宗食材) are accepted by two
different people; a rejected delivery is recorded too, with the reason and what was done with it.
"""

from __future__ import annotations

import calendar
import datetime

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.models import user_field
from brightkitchen.core.scoping import ScopedManager
from brightkitchen.schools.models import CanteenRecord

RETAIN_MONTHS_AFTER_SHELF_LIFE = 6
RETAIN_YEARS_WITHOUT_SHELF_LIFE = 2
MAX_SHELF_LIFE_DAYS = 3650


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later; the month's last day when it is shorter
    (31 August + 6 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retain_until(
    delivered_on: datetime.date, production_date: datetime.date | None, shelf_life_days: int | None
) -> datetime.date:
    """The last day the record must be kept. With a shelf life it ends 6 months after the shelf life
    ends (counted from the production date; from the delivery day when only a lot number is known, which
    is never earlier); without one, 2 years after the delivery."""
    if shelf_life_days is None:
        return add_months(delivered_on, 12 * RETAIN_YEARS_WITHOUT_SHELF_LIFE)
    start = production_date or delivered_on
    shelf_end = start + datetime.timedelta(days=shelf_life_days)
    return add_months(shelf_end, RETAIN_MONTHS_AFTER_SHELF_LIFE)


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class RejectionHandling(models.TextChoices):
    RETURNED = "returned", _("returned to the supplier")
    DESTROYED = "destroyed", _("destroyed on the spot")


class CertificateKind(models.TextChoices):
    QUALITY = "quality", _("certificate of conformity")
    QUARANTINE = "quarantine", _("quarantine certificate")
    LICENCE = "licence", _("supplier licence")
    INVOICE = "invoice", _("invoice or delivery note")
    OTHER = "other", _("other")


# A delivery's own fields, as a form, a correction and a bulk load write them (the acceptors as names;
# the canteen, the recorder and the certificates are set apart).
DELIVERY_FIELDS = (
    "delivered_on",
    "supplier_name",
    "product",
    "specification",
    "quantity",
    "unit",
    "production_date",
    "lot_number",
    "shelf_life_days",
    "bulk_staple",
    "acceptor_name",
    "second_acceptor_name",
    "decision",
    "rejection_reason",
    "rejection_handling",
)


class PurchaseInspection(CanteenRecord):
    delivered_on = models.DateField(_("delivered on"))
    supplier_name = models.CharField(_("supplier"), max_length=100)
    product = models.CharField(_("product"), max_length=60)
    specification = models.CharField(_("specification"), max_length=60, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=16)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    lot_number = models.CharField(_("lot number"), max_length=40, blank=True)
    shelf_life_days = models.PositiveIntegerField(
        _("shelf life (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for products without a shelf life."),
    )
    bulk_staple = models.BooleanField(
        _("bulk staple"), default=False, help_text=_("Rice, flour, oil, meat…: two people accept it.")
    )
    acceptor_name = models.CharField(_("accepted by"), max_length=40)
    acceptor = user_field(_("accepting user"))
    second_acceptor_name = models.CharField(_("second acceptor"), max_length=40, blank=True)
    second_acceptor = user_field(_("second accepting user"))
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    rejection_reason = models.CharField(_("rejection reason"), max_length=200, blank=True)
    rejection_handling = models.CharField(
        _("rejected goods were"), max_length=16, choices=RejectionHandling.choices, blank=True
    )

    record_day_field = "delivered_on"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("purchase inspection")
        verbose_name_plural = _("purchase inspections")
        ordering = ["-delivered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(production_date=None) | ~models.Q(lot_number=""),
                name="purchase_production_date_or_lot",
            ),
        ]
        indexes = [models.Index(fields=["canteen", "delivered_on"], name="purchase_canteen_day")]

    def __str__(self) -> str:
        return f"{self.delivered_on} {self.product} {self.quantity} {self.unit}"

    @property
    def retain_until(self) -> datetime.date:
        return retain_until(self.delivered_on, self.production_date, self.shelf_life_days)

    def may_delete(self, today: datetime.date) -> bool:
        return today > self.retain_until


class PurchaseCertificate(CanteenRecord):
    """One photo or PDF of a delivery's certificates (合格证明, 检疫证明 for meat, licence, invoice)."""

    inspection = models.ForeignKey(
        PurchaseInspection,
        verbose_name=_("purchase inspection"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    file = models.CharField(_("file"), max_length=200)
    thumbnail = models.CharField(_("thumbnail"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("purchase certificate")
        verbose_name_plural = _("purchase certificates")
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"
