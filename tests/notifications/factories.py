import factory

from notifications.models import Kind, Message


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    kind = Kind.GENERAL
    to_email = factory.Sequence(lambda n: f"reader{n}@example.org")
    subject = factory.Sequence(lambda n: f"Message {n}")
    body_text = "Hello.\n"
    idempotency_key = factory.LazyAttribute(
        lambda o: f"{o.kind}:{o.to_email}:{o.subject}"
    )
    status = Message.Status.SENT
