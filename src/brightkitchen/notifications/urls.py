from django.urls import path

from brightkitchen.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.settings_view, name="settings"),
    path("webhooks/", views.webhooks_view, name="webhooks"),
    path("webhooks/<int:endpoint_id>/remove/", views.remove_webhook_view, name="remove_webhook"),
]
