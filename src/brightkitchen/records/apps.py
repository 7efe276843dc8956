from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "brightkitchen.records"
    label = "records"
    verbose_name = _("Canteen daily records")

    def ready(self) -> None:
        from brightkitchen.records import metrics, rules, sections

        metrics.register()
        rules.register()
        sections.register()
