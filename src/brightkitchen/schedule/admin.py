from django.contrib import admin

from brightkitchen.schedule.models import CalendarDay, MealPlan, Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin[Term]):
    list_display = ["name", "region", "starts_on", "ends_on"]
    search_fields = ["name", "region__code", "region__full_name"]
    autocomplete_fields = ["region"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ["date", "name", "region", "is_workday"]
    list_filter = ["is_workday"]
    autocomplete_fields = ["region"]


@admin.register(MealPlan)
class MealPlanAdmin(admin.ModelAdmin[MealPlan]):
    list_display = ["canteen", "breakfast", "lunch", "dinner", "weekdays"]
    autocomplete_fields = ["canteen"]
