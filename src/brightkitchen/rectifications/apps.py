from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationsConfig(AppConfig):
    name = "brightkitchen.rectifications"
    label = "rectifications"
    verbose_name = _("Rectifications")

    def ready(self) -> None:
        from brightkitchen.rectifications import rules, sections

        rules.register()
        sections.register()
