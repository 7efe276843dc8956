from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "brightkitchen.risk"
    label = "risk"
    verbose_name = _("Risk grading")

    def ready(self) -> None:
        from celery.schedules import crontab

        from brightkitchen.core.schedule import register_beat
        from brightkitchen.risk import sections, signals

        signals.register_builtin()
        sections.register()
        # Recomputes every canteen's risk grade (风险分级) over the last 12 months, nightly at 02:30;
        # idempotent.
        register_beat(
            "risk-assessment", "brightkitchen.risk.tasks.assess_all_canteens", crontab(hour=2, minute=30)
        )
