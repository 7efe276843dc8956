from django.urls import path

from brightkitchen.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.index, name="index"),
    path("plan/", views.plan, name="plan"),
    path("templates/", views.templates, name="templates"),
    path("versions/<int:version_id>/", views.version, name="version"),
    path("versions/<int:version_id>/items/", views.add_item, name="add_item"),
    path("versions/<int:version_id>/publish/", views.publish, name="publish"),
    path("items/<int:item_id>/", views.edit_item, name="edit_item"),
    path("items/<int:item_id>/remove/", views.remove_item, name="remove_item"),
    path("canteens/<int:canteen_id>/", views.start, name="start"),
    path("canteens/<int:canteen_id>/versions/<int:version_id>/", views.new, name="new"),
    path("<int:inspection_id>/", views.detail, name="detail"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]
