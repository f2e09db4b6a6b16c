"""A screening's reasons are read in the reader's language, whoever's page
screened the application, and results screened before the reasons were kept
as codes read in both languages too."""

import pytest
from django.urls import reverse
from django.utils import translation

from applications import services
from applications.models import EligibilityResult
from tests import factories
from tests.api.conftest import client_for
from tests.applications import review_factories as rf
from tests.support.migrations import latest, migrate

pytestmark = pytest.mark.django_db

ENGLISH = [
    "The applicant is based in Puerto Rico, a US territory.",
    "The applicant is a member of an existing community or regional collaboration.",
    "Partners in only one other sector (housing); two are required.",
]
SPANISH = [
    "El solicitante tiene su sede en Puerto Rico, un territorio estadounidense.",
    "El solicitante es miembro de una colaboración comunitaria o regional existente.",
    "Socios en un solo sector distinto (vivienda); se requieren dos.",
]


@pytest.fixture
def screened():
    """An application from Puerto Rico with partners in one other sector,
    screened while the page that submitted it was in Spanish."""
    application = rf.SubmittedApplicationFactory(organization__state="PR")
    factories.PartnerFactory(application=application, sectors=["housing"])
    with translation.override("es"):
        services.eligibility_screen(application=application)
    return application


def pages_of(application) -> list[str]:
    return [
        reverse("applications:eligibility-override", args=[application.pk]),
        reverse("applications:staff-application-review", args=[application.pk]),
        reverse("applications:application-print", args=[application.pk]),
        reverse("admin:applications_application_change", args=[application.pk]),
    ]


def read_as(client, user, language, paths) -> list[str]:
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    pages = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages.append(response.content.decode())
    return pages


def test_staff_read_the_reasons_in_their_own_language(client, screened):
    staff = factories.StaffFactory(is_superuser=True)
    for html in read_as(client, staff, "es", pages_of(screened)):
        for spanish, english in zip(SPANISH, ENGLISH, strict=True):
            assert spanish in html
            assert english not in html
    for html in read_as(client, staff, "en", pages_of(screened)):
        for spanish, english in zip(SPANISH, ENGLISH, strict=True):
            assert english in html
            assert spanish not in html


def test_the_api_says_the_reasons_in_the_language_asked_for(screened):
    client = client_for(factories.StaffFactory())
    url = f"/api/v1/applications/{screened.pk}/"
    for language, expected in (("es", SPANISH), ("en", ENGLISH)):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        reasons = [r["reason"] for r in response.json()["eligibility_results"]]
        assert [reasons[2], reasons[3], reasons[4]] == expected


def test_the_result_keeps_codes_not_sentences(screened):
    result = screened.eligibility_results.get(criterion=5)
    assert result.reason_codes == [
        {"code": "one_other_sector", "params": {"sector": "housing"}}
    ]
    assert result.reason_text == ""


BEFORE = [("applications", "0012_verbose_names")]
AFTER = [("applications", "0013_eligibility_reason_codes")]


@pytest.mark.django_db(transaction=True)
def test_results_screened_before_read_in_each_language(client):
    """The English sentences stored before are mapped to their codes; a text
    the screening never wrote stays as it is."""
    application = rf.SubmittedApplicationFactory()
    application_id = application.pk
    old_apps = migrate(BEFORE)
    Result = old_apps.get_model("applications", "EligibilityResult")
    written = [
        *ENGLISH,
        "Partners in 3 sectors other than its own (housing, education and "
        "criminal justice).",
        "Checked by hand.",
    ]
    for criterion, text in enumerate(written, start=1):
        Result.objects.create(
            application_id=application_id,
            criterion=criterion,
            outcome="pass",
            reason=text,
        )
    migrate(latest())
    page = reverse("applications:eligibility-override", args=[application_id])
    staff = factories.StaffFactory()
    (spanish,) = read_as(client, staff, "es", [page])
    for text in SPANISH:
        assert text in spanish
    assert (
        "Socios en 3 sectores distintos del suyo (vivienda, educación y justicia "
        "penal)." in spanish
    )
    assert "Checked by hand." in spanish
    (english,) = read_as(client, staff, "en", [page])
    for text in written:
        assert text in english

    # Going back, a result screened since keeps its reason as English text.
    EligibilityResult.objects.filter(criterion=5).update(
        reason_codes=[{"code": "state", "params": {"state": "OH"}}], reason_text=""
    )
    with translation.override("es"):
        Result = migrate(BEFORE).get_model("applications", "EligibilityResult")
    assert Result.objects.get(criterion=5).reason == "The applicant is based in Ohio."
    assert Result.objects.get(criterion=1).reason == ENGLISH[0]
    migrate(latest())
