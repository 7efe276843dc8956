from django.urls import path

from brightkitchen.staff import views

app_name = "staff"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("canteen/<int:canteen_id>/add/", views.add_staff, name="add"),
    path("canteen/<int:canteen_id>/morning-check/", views.morning_check, name="morning_check"),
    path("<int:staff_id>/", views.staff_detail, name="detail"),
    path("<int:staff_id>/certificate/", views.add_certificate, name="add_certificate"),
    path("<int:staff_id>/account/", views.link_account, name="link_account"),
    path("certificates/<int:certificate_id>/photo/", views.certificate_photo, name="certificate_photo"),
    path("<int:staff_id>/training/", views.add_training, name="add_training"),
    path("trainings/<int:record_id>/photo/", views.training_photo, name="training_photo"),
]
