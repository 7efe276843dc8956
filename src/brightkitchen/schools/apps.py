from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "brightkitchen.schools"
    label = "schools"
    verbose_name = _("Schools and canteens")

    def ready(self) -> None:
        # Registers the core school-file sections and the licence alert rules.
        from brightkitchen.schools import alert_rules, sections  # noqa: F401
