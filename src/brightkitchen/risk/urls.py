from django.urls import path

from brightkitchen.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.index, name="index"),
    path("canteens/<int:canteen_id>/", views.detail, name="detail"),
    path("canteens/<int:canteen_id>/override/", views.override, name="override"),
]
