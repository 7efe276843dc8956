from django.urls import path

from brightkitchen.core import health, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/setlang/", views.language, name="set_language"),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", health.metrics_view, name="metrics"),
]
