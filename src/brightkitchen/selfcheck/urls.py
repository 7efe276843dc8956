from django.urls import path

from brightkitchen.selfcheck import views

app_name = "selfcheck"
urlpatterns = [
    path("checklists/", views.checklists, name="checklists"),
    path("canteens/<int:canteen_id>/", views.report, name="report"),
    path("inspections/<int:inspection_id>/sign/", views.sign, name="sign"),
    path("answers/<int:answer_id>/photo/", views.answer_photo, name="answer_photo"),
]
