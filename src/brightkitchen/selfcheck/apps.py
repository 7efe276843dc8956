from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfcheckConfig(AppConfig):
    name = "brightkitchen.selfcheck"
    label = "selfcheck"
    verbose_name = _("Self-inspection")

    def ready(self) -> None:
        from brightkitchen.selfcheck import metrics, rules, sections

        metrics.register()
        rules.register()
        sections.register()
