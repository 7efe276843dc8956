from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "brightkitchen.bench"
    label = "bench"
