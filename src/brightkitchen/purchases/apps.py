from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasesConfig(AppConfig):
    name = "brightkitchen.purchases"
    label = "purchases"
    verbose_name = _("Purchase inspection")

    def ready(self) -> None:
        from brightkitchen.purchases import metrics, rules, sections

        metrics.register()
        rules.register()
        sections.register()
