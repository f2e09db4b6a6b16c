"""The staff rubric page and the admin's pages with rows (inlines) keep what
staff did not touch: each posted back as the page rendered it writes nothing.

Model formsets (the rubric's criteria, the admin's inlines of questions,
criteria, contacts, partners and screening results) already keep rows by their
key and save only the forms that changed; these tests hold them, and the pages
around them, to the rule every other form of the portal follows.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Contact, Partner
from tests import factories as core
from tests.applications.review_factories import rubric
from tests.support.forms import assert_same_rows, database_rows, page_form

from .factories import complete_application, round_with_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(
        core.StaffFactory(is_superuser=True),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    return client


@pytest.fixture
def round_():
    # Whole seconds, as the admin's date and time boxes show and store them.
    now = timezone.now().replace(microsecond=0)
    round_ = round_with_questions(
        count=2,
        mentorships=2,
        opens_at=now - dt.timedelta(days=7),
        closes_at=now + dt.timedelta(days=14),
    )
    rubric(round_)
    return round_


@pytest.fixture
def application(round_):
    application = complete_application(round=round_)
    Contact.objects.create(
        application=application, kind="team", name="Cy Park", email="cy@example.org"
    )
    Partner.objects.filter(application=application).update(role="Data partner")
    services.application_submit(application=application, by=application.created_by)
    return application


def post_back(client, url, button, *, containing="csrfmiddlewaretoken"):
    response = client.get(url)
    assert response.status_code == 200
    form = page_form(response.content.decode(), containing=containing)
    before = database_rows()
    response = client.post(url, form.post_data(button))
    assert response.status_code == 302, response.context and [
        getattr(response.context.get(name), "errors", None)
        for name in ("adminform", "formset", "errors")
    ]
    assert_same_rows(before, database_rows())


def test_the_rubric_saved_back_unchanged_changes_nothing(client_as, round_):
    client = client_as(core.StaffFactory())
    url = reverse("applications:staff-rubric", args=[round_.slug])
    post_back(client, url, None, containing="criteria-TOTAL_FORMS")


def test_the_admin_application_page_saved_back_unchanged_changes_nothing(
    admin_client, application
):
    url = reverse("admin:applications_application_change", args=[application.pk])
    post_back(admin_client, url, "_save", containing="contacts-TOTAL_FORMS")


def test_the_admin_round_page_saved_back_unchanged_changes_nothing(
    admin_client, round_
):
    round_.criteria.update(weight=Decimal("1.50"))
    url = reverse("admin:applications_round_change", args=[round_.pk])
    post_back(admin_client, url, "_save", containing="questions-TOTAL_FORMS")
