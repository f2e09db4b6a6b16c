from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "Awards and close-out"

    def ready(self):
        from . import signals

        signals.connect()
