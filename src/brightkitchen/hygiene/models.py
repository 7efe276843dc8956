"""Hygiene ledgers kept per occurrence, each with the person, the time and a photo (SPEC §2.2):
cleaning and disinfection (清洗消毒), pest control (虫害/四害消杀), kitchen waste disposal (餐厨废弃物) and
the food additive "five specials" ledger (食品添加剂 "五专": special storage, place, person, tools and
ledger). One model with a kind; the fields of each kind are checked by hygiene.services."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from brightkitchen.core.scoping import ScopedManager
from brightkitchen.schools.models import CanteenRecord


class HygieneKind(models.TextChoices):
    CLEANING = "cleaning", _("Cleaning and disinfection")
    PEST = "pest", _("Pest control")
    WASTE = "waste", _("Kitchen waste disposal")
    ADDITIVE = "additive", _("Food additive use")


class CleaningTarget(models.TextChoices):
    TABLEWARE = "tableware", _("Tableware")
    AREA = "area", _("Area or equipment")


class DisinfectionMethod(models.TextChoices):
    STEAM = "steam", _("Steam or boiling")
    CABINET = "cabinet", _("Disinfection cabinet")
    CHEMICAL = "chemical", _("Chemical disinfectant")
    UV = "uv", _("Ultraviolet lamp")


class HygieneRecord(CanteenRecord):
    kind = models.CharField(_("kind"), max_length=16, choices=HygieneKind.choices)
    done_at = models.DateTimeField(_("done at"))
    date = models.DateField(_("date"), help_text=_("The local day of done_at (for the daily ledgers)."))
    person = models.CharField(_("person"), max_length=40)
    photo = models.CharField(_("photo"), max_length=200)
    photo_thumbnail = models.CharField(_("photo thumbnail"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # Cleaning and disinfection; pest control (area, method and agent).
    target = models.CharField(_("cleaned"), max_length=16, choices=CleaningTarget.choices, blank=True)
    area = models.CharField(_("area"), max_length=60, blank=True)
    method = models.CharField(_("method"), max_length=60, blank=True)
    agent = models.CharField(_("disinfectant or pesticide"), max_length=60, blank=True)
    # Kitchen waste.
    quantity_kg = models.DecimalField(
        _("quantity (kg)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    collector = models.CharField(_("collector or company"), max_length=60, blank=True)
    # Food additives.
    additive = models.CharField(_("additive"), max_length=60, blank=True)
    amount_g = models.DecimalField(_("amount (g)"), max_digits=7, decimal_places=1, null=True, blank=True)
    dish = models.CharField(_("dish"), max_length=60, blank=True)

    record_day_field = "done_at"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("hygiene record")
        verbose_name_plural = _("hygiene records")
        ordering = ["-done_at", "-id"]
        indexes = [models.Index(fields=["date", "canteen", "kind"], name="hygiene_day_canteen_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.done_at:%Y-%m-%d %H:%M} {self.person}"
