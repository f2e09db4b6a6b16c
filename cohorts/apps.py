from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self):
        from notifications import links

        from .placement import services as placement_services
        from .year import signals

        signals.connect()
        links.register(
            placement_services.INVITATION_LINK, placement_services.invitation_link
        )
