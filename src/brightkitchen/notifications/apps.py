from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "brightkitchen.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from brightkitchen.core.schedule import register_beat
        from brightkitchen.notifications import channels

        channels.register()  # e-mail, webhooks, SMS and WeChat behind alerts.notify
        # Sends what is due: retries after a failure, and what quiet hours held back.
        register_beat("notifications-due", "brightkitchen.notifications.tasks.send_due_deliveries", 60.0)
