from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CamerasConfig(AppConfig):
    name = "brightkitchen.cameras"
    label = "cameras"
    verbose_name = _("Cameras")

    def ready(self) -> None:
        from brightkitchen.cameras import figures, rules, sections, sources  # noqa: F401 (sources registers its kinds)

        figures.register()
        rules.register()
        sections.register()
