from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "silvercare.demo"
    label = "demo"
    verbose_name = "Demo city"
