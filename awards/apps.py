from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards and close-out")

    def ready(self):
        from dashmentor import registry

        from . import reminders, selectors, signals

        signals.connect()
        registry.register_reminder_scan(
            "final_report", reminders.final_report_reminders
        )
        registry.register_home_card(
            "staff",
            "closeout",
            template="awards/includes/_staff_card.html",
            context=selectors.staff_card,
            order=30,
        )
        registry.register_home_card(
            "public",
            "resources",
            template="awards/includes/_public_card.html",
            context=selectors.public_card,
            order=30,
        )
        # After the year, the surveys and the groups it reports on; before the
        # peer network, which reads the awards' states.
        registry.register_demo_seed("closeout", "awards.demo:seed", order=75)
