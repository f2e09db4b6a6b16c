from django.apps import AppConfig


class AffinityConfig(AppConfig):
    verbose_name = "Affinity groups"
    name = "affinity"

    def ready(self):
        from . import signals

        signals.connect()
