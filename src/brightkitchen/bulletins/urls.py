from django.urls import path

from brightkitchen.bulletins import views

app_name = "bulletins"
urlpatterns = [
    path("", views.index, name="index"),
    path("bulletin.pdf", views.pdf, name="pdf"),
    path("bulletin.xlsx", views.xlsx, name="xlsx"),
]
