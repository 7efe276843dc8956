from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "brightkitchen.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        from brightkitchen.inspections import sections

        sections.register()
