from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    verbose_name = _("Challenges and discussions")
    name = "discussions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from dashmentor import registry
        from notifications import links

        from . import digests, services

        links.register(services.SIGNIN_LINK, digests.signin_link)
        registry.register_home_card(
            "staff",
            "discussions",
            template="discussions/includes/_staff_card.html",
            context=digests.staff_card_context,
            order=70,
        )
        # After the peer network's profiles (order 90) and the affinity groups.
        registry.register_demo_seed("discussions", "discussions.demo:seed", order=92)
