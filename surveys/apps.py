from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self):
        from notifications import links

        from . import services, signals

        signals.connect()
        links.register(services.SURVEY_LINK, services.survey_link)
