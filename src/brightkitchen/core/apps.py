from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "brightkitchen.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from brightkitchen.core.schedule import register_beat

        # Proves to the health endpoint that the scheduler and a worker run.
        register_beat("heartbeat", "brightkitchen.core.tasks.record_heartbeat", 60.0)
