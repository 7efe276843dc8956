from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "brightkitchen.incidents"
    label = "incidents"
    verbose_name = _("Incident reports")

    def ready(self) -> None:
        from brightkitchen.incidents import figures, rules, sections

        figures.register()
        rules.register()
        sections.register()
