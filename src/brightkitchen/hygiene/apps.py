from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HygieneConfig(AppConfig):
    name = "brightkitchen.hygiene"
    label = "hygiene"
    verbose_name = _("Hygiene ledgers")

    def ready(self) -> None:
        from brightkitchen.hygiene import metrics, sections

        metrics.register()
        sections.register()
