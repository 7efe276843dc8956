from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "brightkitchen.demo"
    label = "demo"
