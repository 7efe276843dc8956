from django.urls import path

from brightkitchen.schools import views

app_name = "schools"
urlpatterns = [
    path("", views.school_list, name="list"),
    path("<int:school_id>/", views.school_file, name="file"),
]
