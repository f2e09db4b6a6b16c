from django.apps import AppConfig


class DashmentorConfig(AppConfig):
    name = "dashmentor"
    verbose_name = "People and organizations"

    def ready(self):
        from . import languages, signals

        signals.connect()
        languages.connect()
