from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "silvercare.common"
    label = "common"
