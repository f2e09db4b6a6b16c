from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeersConfig(AppConfig):
    verbose_name = _("Peer learning network")
    name = "peers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from dashmentor import registry
        from dashmentor.roles import Role

        # The alumni role is the cohorts' data (an ended award's people); the
        # network is where they land.
        registry.register_role_home(Role.ALUMNI, "peers:alumni-home")
        registry.register_demo_seed("peers", "peers.demo:seed", order=90)
