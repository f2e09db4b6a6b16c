from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API and webhooks")

    def ready(self):
        from dashmentor import registry

        from . import events

        events.connect()
        registry.register_home_card(
            "staff",
            "api",
            template="api/includes/_api_card.html",
            context=lambda request: {},
            order=90,
        )
        # Last: its demo deliveries report decisions the other steps released.
        registry.register_demo_seed("api", "api.demo:seed", order=100)
