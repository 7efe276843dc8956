from django.contrib import admin

from brightkitchen.records.models import AccompaniedMeal, SampleRetention
from brightkitchen.schools.admin import CountedRowAdmin


@admin.register(SampleRetention)
class SampleRetentionAdmin(CountedRowAdmin[SampleRetention]):
    list_display = ("date", "meal", "dish", "weight_g", "canteen", "stored_at", "discarded_at")
    list_filter = ("meal",)
    search_fields = ("dish", "canteen__name")
    date_hierarchy = "date"
    raw_id_fields = ("canteen", "recorded_by", "discarded_by")


@admin.register(AccompaniedMeal)
class AccompaniedMealAdmin(CountedRowAdmin[AccompaniedMeal]):
    list_display = ("date", "meal", "companion_name", "companion_kind", "rating", "canteen")
    list_filter = ("meal", "companion_kind")
    search_fields = ("companion_name", "canteen__name")
    date_hierarchy = "date"
    raw_id_fields = ("canteen", "recorded_by", "answered_by")
