from django.urls import path

from brightkitchen.records import views

app_name = "records"
urlpatterns = [
    path("", views.index, name="index"),
    path("canteens/<int:canteen_id>/samples/", views.samples, name="samples"),
    path("canteens/<int:canteen_id>/samples/<str:meal>/", views.meal_samples, name="meal_samples"),
    path("samples/<int:sample_id>/discard/", views.discard_sample, name="sample_discard"),
    path("samples/<int:sample_id>/photo/", views.sample_photo, name="sample_photo"),
    path("canteens/<int:canteen_id>/meals/", views.accompanied_meals, name="meals"),
    path("meals/<int:record_id>/answer/", views.answer_meal, name="meal_answer"),
]
