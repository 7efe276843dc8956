from django.urls import path

from brightkitchen.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.index, name="index"),
    path("canteens/<int:canteen_id>/new/", views.new, name="new"),
    path("<int:incident_id>/", views.detail, name="detail"),
    path("<int:incident_id>/progress/", views.add_progress, name="progress"),
    path("<int:incident_id>/close/", views.close, name="close"),
]
