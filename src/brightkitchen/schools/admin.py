from typing import Any, TypeVar

from django.contrib import admin
from django.db import transaction
from django.db.models import Model

from brightkitchen.schools.models import Canteen, School
from brightkitchen.schools.tallies import mark_of, recount

M = TypeVar("M", bound=Model)


class CountedRowAdmin(admin.ModelAdmin[M]):
    """The admin of a model whose rows a tally counts: an operator's correction or deletion recounts the
    row's day as the app's services do."""

    def save_model(self, request: Any, obj: M, form: Any, change: bool) -> None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        before = mark_of(stored) if stored is not None else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            recount(obj, before=before)

    def delete_model(self, request: Any, obj: M) -> None:
        with transaction.atomic():
            super().delete_model(request, obj)
            recount(obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        rows = list(queryset)
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            for row in rows:
                recount(row)


class CanteenInline(admin.StackedInline[Canteen, School]):
    model = Canteen
    extra = 0


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin[School]):
    list_display = ["organisation", "school_type", "students"]
    list_filter = ["school_type"]
    search_fields = ["organisation__name", "organisation__region__code"]
    autocomplete_fields = ["organisation"]
    inlines = [CanteenInline]


@admin.register(Canteen)
class CanteenAdmin(admin.ModelAdmin[Canteen]):
    list_display = ["name", "school", "operation_mode", "licence_expires_on", "risk_grade"]
    list_filter = ["operation_mode", "risk_grade", "dynamic_grade"]
    search_fields = ["name", "school__organisation__name", "licence_number"]
    autocomplete_fields = ["school"]
