from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "brightkitchen.alerts"
    label = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from brightkitchen.alerts import sections
        from brightkitchen.core.schedule import register_beat

        sections.register()  # the "Alerts" section of the school file page
        # Opens alerts for new findings and closes those whose cause is fixed; idempotent.
        register_beat("alert-sweep", "brightkitchen.alerts.tasks.sweep_alerts", 15 * 60.0)
