from django.contrib import admin

from brightkitchen.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "region__code", "region__full_name"]
    autocomplete_fields = ["region"]
