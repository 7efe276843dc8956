from django.urls import path

from brightkitchen.rectifications import views

app_name = "rectifications"
urlpatterns = [
    path("", views.index, name="index"),
    path("canteens/<int:canteen_id>/new/", views.new, name="new"),
    path("<int:notice_id>/", views.detail, name="detail"),
    path("<int:notice_id>/respond/", views.respond, name="respond"),
    path("<int:notice_id>/review/", views.review, name="review"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]
