"""Factories for the core models every app's tests need."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import factory
from django.utils import timezone

from applications.models import Application, Award, Contact, Partner, Preference, Round
from cohorts.models import CohortMember, Mentorship
from dashmentor.models import Membership, Organization, User

EASTERN = zoneinfo.ZoneInfo("America/New_York")
PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    email_confirmed_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class StaffFactory(UserFactory):
    is_staff = True


class ReviewerFactory(UserFactory):
    is_reviewer = True


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Community Collaborative {n}")
    kind = Organization.Kind.APPLICANT
    org_type = Organization.OrgType.NONPROFIT
    sector = "human_services"
    ein = factory.Sequence(lambda n: f"{10 + n % 89:02d}-{1000000 + n:07d}")
    state = "OH"
    city = "Columbus"


class MentorOrganizationFactory(OrganizationFactory):
    kind = Organization.Kind.MENTOR
    name = factory.Sequence(lambda n: f"Mentor Organization {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.ADMIN


class RoundFactory(factory.django.DjangoModelFactory):
    """An open round: opened a week ago, closes in two weeks at 3:30 pm ET."""

    class Meta:
        model = Round
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Round {n}")
    slug = factory.Sequence(lambda n: f"round-{n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))
    # Ten days ahead: a test that travels to the deadline must stay within a
    # signed-in session's two weeks whatever the time of day it runs.
    closes_at = factory.LazyFunction(
        lambda: (
            (timezone.now() + dt.timedelta(days=10))
            .astimezone(EASTERN)
            .replace(hour=15, minute=30, second=0, microsecond=0)
        )
    )
    time_zone = "America/New_York"
    award_amount = Decimal("5000.00")
    awards_count = 30
    contract_start = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=60)
    )
    contract_end = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=363)
    )


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    mentor_organization = factory.SubFactory(MentorOrganizationFactory)
    topic = factory.Sequence(lambda n: f"Mentorship topic {n}")
    slug = factory.Sequence(lambda n: f"mentorship-{n}")
    capacity = 4

    @factory.post_generation
    def mentors(self, create, extracted, **kwargs):
        if create and extracted:
            self.mentors.add(*extracted)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    organization = factory.SubFactory(OrganizationFactory)
    created_by = factory.SubFactory(UserFactory)
    collaboration_name = factory.Sequence(lambda n: f"Healthy Futures Coalition {n}")
    collaboration_status = Application.Collaboration.MEMBER
    learning_goal = (
        "Learn how to link housing and health data so our coalition can target "
        "outreach to families at risk of homelessness."
    )
    all_in_profile = Application.AllIn.HAS_PROFILE

    @factory.post_generation
    def member(self, create, extracted, **kwargs):
        """Make ``created_by`` a member of the organization, as sign-up does."""
        if create:
            Membership.objects.get_or_create(
                user=self.created_by,
                organization=self.organization,
                defaults={"role": Membership.Role.ADMIN},
            )


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    application = factory.SubFactory(ApplicationFactory)
    kind = Contact.Kind.PRIMARY
    name = factory.Faker("name")
    title = "Director"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    phone = "614-555-0100"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    application = factory.SubFactory(ApplicationFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    sectors = factory.LazyFunction(lambda: ["housing"])


class PreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Preference

    application = factory.SubFactory(ApplicationFactory)
    mentorship = factory.SubFactory(MentorshipFactory)
    rank = 1


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    application = factory.SubFactory(ApplicationFactory)
    mentorship = factory.SubFactory(
        MentorshipFactory, round=factory.SelfAttribute("..application.round")
    )
    amount = Decimal("5000.00")
    contract_start = factory.LazyAttribute(lambda o: o.application.round.contract_start)
    contract_end = factory.LazyAttribute(lambda o: o.application.round.contract_end)
    status = Award.Status.CONTRACTED


class CohortMemberFactory(factory.django.DjangoModelFactory):
    """A mentee: a person of an awarded organization, in its cohort."""

    class Meta:
        model = CohortMember

    award = factory.SubFactory(AwardFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda o: o.user.full_name if o.user else "Mentee")
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "m@example.org")
    role = CohortMember.Role.PRIMARY
    joined_at = factory.LazyFunction(timezone.now)
