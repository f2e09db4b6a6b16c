from django.apps import AppConfig


class PeersConfig(AppConfig):
    verbose_name = "Peer learning network"
    name = "peers"
    default_auto_field = "django.db.models.BigAutoField"
