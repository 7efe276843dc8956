from django.urls import path

from brightkitchen.purchases import views

app_name = "purchases"
urlpatterns = [
    path("", views.index, name="index"),
    path("canteens/<int:canteen_id>/", views.deliveries, name="deliveries"),
    path("certificates/<int:certificate_id>/", views.certificate_file, name="certificate"),
]
