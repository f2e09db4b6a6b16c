from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self):
        from dashmentor import registry
        from notifications import links

        from . import services, signals

        signals.connect()
        links.register(services.SURVEY_LINK, services.survey_link)
        registry.register_demo_seed("surveys", "surveys.demo:seed", order=60)
