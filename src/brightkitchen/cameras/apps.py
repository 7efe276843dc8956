from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CamerasConfig(AppConfig):
    name = "brightkitchen.cameras"
    label = "cameras"
    verbose_name = _("Cameras")

    def ready(self) -> None:
        from brightkitchen.cameras import figures, rules, sections, sources  # noqa: F401 (sources registers its kinds)
        from brightkitchen.core.schedule import register_beat

        figures.register()
        rules.register()
        sections.register()
        # Queues a health probe (online, picture quality) for every camera due; workers share them.
        register_beat("camera-health", "brightkitchen.cameras.tasks.sweep_camera_health", 60.0)
