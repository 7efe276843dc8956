from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "brightkitchen.alerts"
    label = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from brightkitchen.alerts import sections

        sections.register()  # the "Alerts" section of the school file page
