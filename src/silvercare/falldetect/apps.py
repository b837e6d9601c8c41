from django.apps import AppConfig


class FallDetectConfig(AppConfig):
    """Fall detection: detectors and the ``fall-eval`` command. No models, no migrations."""

    name = "silvercare.falldetect"
    label = "falldetect"
    verbose_name = "Fall detection"
