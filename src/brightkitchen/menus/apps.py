from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MenusConfig(AppConfig):
    name = "brightkitchen.menus"
    label = "menus"
    verbose_name = _("Menus and prices")

    def ready(self) -> None:
        from brightkitchen.menus import sections

        sections.register()
