from django.urls import path

from brightkitchen.menus import views

app_name = "menus"
urlpatterns = [
    path("canteens/<int:canteen_id>/", views.editor, name="editor"),
    path("menus/<int:menu_id>/publish/", views.publish, name="publish"),
    path("items/<int:item_id>/remove/", views.remove_item, name="remove_item"),
]
