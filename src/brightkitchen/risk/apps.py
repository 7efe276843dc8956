from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "brightkitchen.risk"
    label = "risk"
    verbose_name = _("Risk grading")

    def ready(self) -> None:
        from brightkitchen.risk import sections, signals

        signals.register_builtin()
        sections.register()
