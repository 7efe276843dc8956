from django.urls import path

from brightkitchen.cameras import views

app_name = "cameras"
urlpatterns = [
    path("", views.index, name="index"),
    path("offline/", views.offline, name="offline"),
    path("canteens/<int:canteen_id>/", views.canteen, name="canteen"),
    path("<int:camera_id>/", views.detail, name="detail"),
    path("<int:camera_id>/edit/", views.edit, name="edit"),
    path("<int:camera_id>/delete/", views.delete, name="delete"),
    path("<int:camera_id>/snapshot.jpg", views.snapshot, name="snapshot"),
    path("wall/", views.wall, name="wall"),
    path("display/<str:token>/", views.display, name="display"),
    path("canteens/<int:canteen_id>/display-links/", views.display_links, name="display_links"),
    path("events/<int:event_id>/rectify/", views.rectify_event, name="rectify_event"),
    # Live view (WHEP) routes are added below by the live-view part.
]
from brightkitchen.cameras import live_views  # noqa: E402  (the live-view part, appended)

urlpatterns += [path("<int:camera_id>/live/", live_views.live, name="live")]
