"""The fixed checklist of an online patrol (网上巡查): what a regulator looks for on the kitchen cameras.
Codes are stable (stored on findings, sent by the API and the patrol screen's form); texts translate."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    text: str | Promise


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("no_mask_cap", _("Staff without mask or cap")),
    ChecklistItem("no_work_clothes", _("Staff without work clothes")),
    ChecklistItem("cross_contamination", _("Raw and cooked food mixed (cross-contamination)")),
    ChecklistItem("waste_uncovered", _("Waste bin not covered")),
    ChecklistItem("pests", _("Pests seen (rats, flies, cockroaches)")),
    ChecklistItem("smoking_phone", _("Smoking or phone use in the kitchen")),
    ChecklistItem("utensils_not_disinfected", _("Utensils not disinfected")),
    ChecklistItem("no_sample_retention", _("Sample retention not done")),
    ChecklistItem("camera_problem", _("Camera blocked, wrong angle or picture unclear")),
    ChecklistItem("other", _("Other problem")),
)

BY_CODE: dict[str, ChecklistItem] = {item.code: item for item in CHECKLIST}
CODES: tuple[str, ...] = tuple(BY_CODE)
