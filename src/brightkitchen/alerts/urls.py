from django.urls import path

from brightkitchen.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:alert_id>/read/", views.read, name="read"),
    path("<int:alert_id>/dismiss/", views.dismiss, name="dismiss"),
    path("<int:alert_id>/answer/", views.answer, name="answer"),
    path("answers/<int:answer_id>/photo/", views.answer_photo, name="answer_photo"),
]
