from django.contrib import admin

from brightkitchen.schools.models import Canteen, School


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
