import pytest
from django.apps import apps
from django.core.management import call_command

from applications.models import Round
from cohorts.models import Mentorship
from dashmentor.models import User


def table_sizes() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"dashmentor", "applications", "cohorts", "surveys", "affinity"}
    }


@pytest.mark.django_db(transaction=True)
def test_seed_demo_twice_creates_no_duplicates(demo_snapshot):
    """Running the seed a second time adds no row to any table."""
    out = demo_snapshot.restore()  # the rows and output of this run's first seed
    first = table_sizes()
    call_command("seed_demo", verbosity=0)
    assert table_sizes() == first
    assert "Password:" in out


@pytest.mark.django_db(transaction=True)
def test_seed_demo_has_the_calls_mentorships_rounds_and_every_role(demo_snapshot):
    """The seed holds the call's seven mentorships, its deadline, and every role."""
    demo_snapshot.restore()
    historical = Round.objects.get(slug="round-2-2020")
    assert historical.closes_at_local().strftime("%Y-%m-%d %H:%M %Z") == (
        "2019-12-23 15:30 EST"
    )
    assert Round.objects.count() >= 2
    assert any(r.is_open() for r in Round.objects.all())
    names = set(
        Mentorship.objects.filter(round=historical).values_list(
            "mentor_organization__name", flat=True
        )
    )
    assert len(names) == 7
    assert {"2-1-1 San Diego", "Civic Canopy", "CORE", "United Way Worldwide"} <= names
    assert User.objects.filter(is_staff=True).exists()
    assert User.objects.filter(is_reviewer=True).exists()
    assert User.objects.filter(mentorships_led__isnull=False).exists()
