from django.urls import path

from brightkitchen.schedule import views

app_name = "schedule"
urlpatterns = [
    path("today/", views.today_page, name="today"),
]
