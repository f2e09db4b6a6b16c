from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"

    def ready(self):
        from notifications import links

        from . import services
        from .outreach import links as outreach_links
        from .outreach import reminders as outreach_reminders

        links.register(services.CONFIRMATION_LINK, services.email_confirmation_link)
        outreach_links.register()
        outreach_reminders.register()
