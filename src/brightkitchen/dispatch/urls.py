from django.urls import path

from brightkitchen.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:task_id>/", views.detail, name="detail"),
    path("assignments/<int:assignment_id>/answer/", views.answer, name="answer"),
    path("assignments/<int:assignment_id>/review/", views.review, name="review"),
    path("assignments/<int:assignment_id>/redispatch/", views.redispatch, name="redispatch"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
