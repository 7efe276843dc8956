from django.urls import path

from brightkitchen.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("screen/", views.screen, name="screen"),
    path("evaluation/", views.evaluation, name="evaluation"),
]
