from django.urls import path

from brightkitchen.hygiene import views

app_name = "hygiene"
urlpatterns = [
    path("", views.index, name="index"),
    path("canteens/<int:canteen_id>/", views.ledger, name="ledger"),
    path("records/<int:record_id>/photo/", views.photo, name="photo"),
]
