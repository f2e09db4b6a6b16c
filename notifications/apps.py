from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from dashmentor import registry

        registry.register_demo_seed("outbox", "notifications.demo:seed", order=80)
