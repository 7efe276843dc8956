from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationsConfig(AppConfig):
    name = "brightkitchen.rectifications"
    label = "rectifications"
    verbose_name = _("Rectifications")

    def ready(self) -> None:
        from brightkitchen.core.schedule import register_beat
        from brightkitchen.rectifications import rules, sections

        rules.register()
        sections.register()
        # Escalates (挂牌督办) rectification notices whose deadline passed while not closed; idempotent.
        register_beat(
            "rectification-escalation",
            "brightkitchen.rectifications.tasks.escalate_overdue_notices",
            60 * 60.0,
        )
