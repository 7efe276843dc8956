from django.urls import path

from brightkitchen.patrols import views

app_name = "patrols"
urlpatterns = [
    path("", views.index, name="index"),
    path("assignments/", views.assignments, name="assignments"),
    path("findings/", views.findings, name="findings"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/draw/", views.draw, name="draw"),
    path("assignments/<int:assignment_id>/", views.assignment, name="assignment"),
    path("findings/<int:finding_id>/snapshot/", views.snapshot, name="snapshot"),
]
