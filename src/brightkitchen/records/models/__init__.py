"""Canteen daily records, one module per record type (sample retention, accompanied meals; purchase
inspection, hygiene, self-inspection, menus and incidents follow the same pattern)."""

from brightkitchen.records.models.meals import AccompaniedMeal, CompanionKind
from brightkitchen.records.models.samples import (
    MIN_SAMPLE_WEIGHT_G,
    SAMPLE_KEEP_HOURS,
    SampleRetention,
)

__all__ = [
    "MIN_SAMPLE_WEIGHT_G",
    "SAMPLE_KEEP_HOURS",
    "AccompaniedMeal",
    "CompanionKind",
    "SampleRetention",
]
