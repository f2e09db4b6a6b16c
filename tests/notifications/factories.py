import datetime as dt

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


class WorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cohorts.WorkPlan"

    award = factory.SubFactory("tests.factories.AwardFactory")
    status = "draft"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cohorts.Event"

    mentorship = factory.SubFactory("tests.factories.MentorshipFactory")
    kind = "webinar"
    title = factory.Sequence(lambda n: f"Cohort webinar {n}")
    link = "https://meet.example.org/dash"


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "affinity.Cycle"
        django_get_or_create = ("name",)

    name = "2030 cycle"
    starts_on = dt.date(2030, 1, 1)
    ends_on = dt.date(2030, 12, 31)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "affinity.Group"

    cycle = factory.SubFactory(CycleFactory)
    topic = factory.Sequence(lambda n: f"Data sharing {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "affinity.Meeting"

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Group meeting {n}")
