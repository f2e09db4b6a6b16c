from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffdeskConfig(AppConfig):
    name = "staffdesk"
    verbose_name = _("Staff workspace")

    def ready(self):
        from dashmentor import registry

        # After the rounds it dates (and the notifications' samples).
        registry.register_demo_seed("staffdesk", "staffdesk.demo:seed", order=95)
