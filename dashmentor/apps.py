from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashmentorConfig(AppConfig):
    name = "dashmentor"
    verbose_name = _("People and organizations")

    def ready(self):
        from . import languages, signals

        signals.connect()
        languages.connect()
