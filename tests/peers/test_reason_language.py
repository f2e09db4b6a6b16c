"""Peers like us say why in the reader's language, whatever the language of
the page that computed them; reasons computed before they were kept as codes
are shown as written until the next computation."""

import pytest
from django.urls import reverse
from django.utils import translation

from peers import services
from peers.models import CollaborationProfile, Similarity, Topic
from tests.support.migrations import latest, migrate

from .factories import fill, mentee_org

pytestmark = pytest.mark.django_db

ENGLISH = (
    "both link HMIS with jail data; both work on Data sharing agreements; "
    "both partner with criminal justice and housing"
)
SPANISH = (
    "ambos vinculan HMIS con datos de cárceles; ambos trabajan en Data sharing "
    "agreements; ambos tienen socios en justicia penal y vivienda"
)


@pytest.fixture
def alike():
    """Two collaborations alike in systems, topic, sectors and region, matched
    while the page that changed a profile was in Spanish."""
    topic = Topic.objects.create(name="Data sharing agreements", slug="data-sharing")
    made = []
    for name in ("Desert Data Collaborative", "Mesa Housing Network"):
        profile, user = mentee_org(name=name, state="AZ")
        fill(
            profile,
            user,
            works_on="Linking HMIS with jail bookings",
            data_systems=["hmis", "jail"],
            partner_sectors=["housing", "criminal_justice"],
            topics=[topic],
        )
        made.append((profile, user))
    with translation.override("es"):
        services.similarities_compute()
    return made


def profile_page(client, user, profile, language) -> str:
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("peers:profile-detail", args=[profile.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_mentee_reads_why_in_their_own_language(client, alike):
    (mine, me), _other = alike
    spanish = profile_page(client, me, mine, "es")
    assert "Mesa Housing Network" in spanish
    assert SPANISH in spanish and "ambos en el Suroeste" in spanish
    assert "both link" not in spanish
    english = profile_page(client, me, mine, "en")
    assert ENGLISH in english and "both in the Southwest" in english
    assert "ambos" not in english


def test_a_similarity_keeps_codes_and_topic_ids(alike):
    (mine, _me), (other, _user) = alike
    row = Similarity.objects.get(profile=mine, other=other)
    topic = Topic.objects.get()
    assert {"code": "topics", "params": {"topics": [str(topic.pk)]}} in (
        row.reason_codes
    )
    assert row.reason_text == ""


def test_a_renamed_topic_is_read_with_its_new_name(client, alike):
    (mine, me), _other = alike
    Topic.objects.update(name="Data agreements")
    assert "both work on Data agreements" in profile_page(client, me, mine, "en")


BEFORE = [("peers", "0003_verbose_names")]
AFTER = [("peers", "0004_similarity_reason_codes")]


@pytest.mark.django_db(transaction=True)
def test_reasons_written_before_show_until_the_next_computation(client):
    (mine, me), (other, _user) = [
        mentee_org(name=name, state="AZ") for name in ("First Org", "Second Org")
    ]
    old_apps = migrate(BEFORE)
    old_apps.get_model("peers", "Similarity").objects.create(
        profile_id=mine.pk, other_id=other.pk, rank=1, score=0.5, reason="both use EHR"
    )
    old_apps.get_model("peers", "CollaborationProfile").objects.update(
        similar_stale=False
    )
    migrate(latest())
    assert "both use EHR" in profile_page(client, me, mine, "es")
    # Every profile waits for the sweep, which writes the reasons as codes.
    assert not CollaborationProfile.objects.filter(similar_stale=False).exists()
