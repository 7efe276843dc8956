from django.urls import path

from brightkitchen.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_browser, name="index"),
    path("<str:code>/", views.region_browser, name="detail"),
]
