from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "brightkitchen.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from brightkitchen.dashboards import figures

        figures.register()
