from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "brightkitchen.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from brightkitchen.audit import receivers  # noqa: F401  (connects the change-logging signals)
