from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"

    def ready(self):
        from notifications import links

        from . import services

        links.register(services.CONFIRMATION_LINK, services.email_confirmation_link)
