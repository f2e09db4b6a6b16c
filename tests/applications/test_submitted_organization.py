"""What an application was submitted with is fixed at submission.

The organization's profile is copied into the application when it is
submitted. An edit of the profile afterwards (its name changed, its EIN
cleared, its type changed) reaches drafts and later submissions, never what
was submitted: the staff review page, the printable copy, the review list and
its CSV, the ranked view, a reviewer's page, the admin, the round export and
the eligibility screening all keep reading the copy. The organization page
says so.
"""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications import services, transfer
from applications.models import Application, EligibilityResult
from tests import factories as core

from .factories import complete_application, round_with_questions

pytestmark = pytest.mark.django_db

OLD_NAME, NEW_NAME = "Riverbend Health Department", "Riverbend Renamed Agency"


@pytest.fixture
def submitted(applicant, open_round):
    organization = applicant.organizations.get()
    organization.name = OLD_NAME
    organization.org_type = "public"
    organization.sector = "public_health"
    organization.city = "Columbus"
    organization.save()
    application = complete_application(
        round=open_round, user=applicant, organization=organization
    )
    services.application_submit(application=application, by=applicant)
    return Application.objects.get(pk=application.pk)


def edit_profile(client, **changes):
    """Save the organization page as the applicant would, with ``changes``."""
    from tests.support.forms import page_form

    url = reverse("applications:organization")
    data = page_form(client.get(url).content.decode(), containing="name").post_data()
    for name, value in changes.items():
        data[name] = [value]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    return response


def test_editing_the_profile_after_submission_leaves_the_application_as_submitted(
    client_as, submitted, applicant
):
    screened = list(EligibilityResult.objects.values())
    client = client_as(applicant)
    edit_profile(client, name=NEW_NAME, ein="", org_type="other", city="Dayton")
    submitted.organization.refresh_from_db()
    assert submitted.organization.name == NEW_NAME  # the profile did change

    pages = {
        "applicant status page": reverse(
            "applications:application-detail", args=[submitted.pk]
        ),
        "applicant print page": reverse(
            "applications:application-print", args=[submitted.pk]
        ),
    }
    for label, url in pages.items():
        html = client.get(url).content.decode()
        assert OLD_NAME in html and NEW_NAME not in html, label
    assert "12-3456789" in client.get(pages["applicant print page"]).content.decode()

    staff = client_as(core.StaffFactory(is_superuser=True))
    round_ = submitted.round
    staff_pages = {
        "staff review page": reverse(
            "applications:staff-application-review", args=[submitted.pk]
        ),
        "staff print page": reverse(
            "applications:application-print", args=[submitted.pk]
        ),
        "review list": reverse("applications:staff-review-list")
        + f"?round={round_.pk}",
        "review list, searched": reverse("applications:staff-review-list")
        + f"?round={round_.pk}&q=Riverbend+Health",
        "ranked view": reverse("applications:staff-ranked", args=[round_.slug]),
        "eligibility page": reverse(
            "applications:eligibility-override", args=[submitted.pk]
        ),
        "admin list": reverse("admin:applications_application_changelist"),
        "admin page": reverse(
            "admin:applications_application_change", args=[submitted.pk]
        ),
    }
    for label, url in staff_pages.items():
        response = staff.get(url)
        assert response.status_code == 200, label
        html = response.content.decode()
        assert OLD_NAME in html, label
        if label != "admin page":  # which links the live organization by id
            assert NEW_NAME not in html, label
    csv = b"".join(
        staff.get(
            reverse("applications:staff-review-list") + f"?round={round_.pk}&export=csv"
        ).streaming_content
    ).decode()
    assert OLD_NAME in csv and NEW_NAME not in csv
    assert "Public entity" in csv

    exported = json.dumps(transfer.round_export(round_=round_))
    assert f'"org_name": "{OLD_NAME}"' in exported

    # Screening again reads what was submitted: a public entity, EIN and all.
    services.eligibility_screen(application=Application.objects.get(pk=submitted.pk))
    assert [
        (r["criterion"], r["outcome"], r["reason_codes"])
        for r in EligibilityResult.objects.values()
    ] == [(r["criterion"], r["outcome"], r["reason_codes"]) for r in screened]


def test_a_reviewer_reads_what_was_submitted(client_as, submitted, applicant):
    reviewer = core.ReviewerFactory()
    from tests.applications.review_factories import AssignmentFactory

    AssignmentFactory(application=submitted, reviewer=reviewer)
    edit_profile(client_as(applicant), name=NEW_NAME)
    client = client_as(reviewer)
    for url in (
        reverse("applications:reviewer-queue"),
        reverse("applications:review-form", args=[submitted.pk]),
    ):
        html = client.get(url).content.decode()
        assert OLD_NAME in html and NEW_NAME not in html, url


def test_later_applications_and_resubmissions_take_the_edited_profile(
    client_as, submitted, applicant
):
    edit_profile(client_as(applicant), name=NEW_NAME)
    later = complete_application(
        round=round_with_questions(),
        user=applicant,
        organization=submitted.organization,
    )
    services.application_submit(application=later, by=applicant)
    assert Application.objects.get(pk=later.pk).applicant.name == NEW_NAME
    assert Application.objects.get(pk=submitted.pk).applicant.name == OLD_NAME

    # Withdrawn, the application shows the profile again; submitted again
    # (before its deadline) it is submitted with the profile as it is now.
    services.application_withdraw(application=submitted, by=applicant)
    withdrawn = Application.objects.get(pk=submitted.pk)
    assert withdrawn.applicant.name == NEW_NAME
    services.application_submit(application=withdrawn, by=applicant)
    assert Application.objects.get(pk=submitted.pk).org_name == NEW_NAME


def test_the_organization_page_says_what_an_edit_changes(
    client_as, submitted, applicant
):
    draft = complete_application(
        round=round_with_questions(name="Spring round"),
        user=applicant,
        organization=submitted.organization,
    )
    html = client_as(applicant).get(reverse("applications:organization"))
    text = html.content.decode()
    assert "What saving this page changes" in text
    assert f"not yet submitted ({draft.round.name})" in text
    assert "do not change what you already submitted" in text
    assert f"{submitted.round.name}: submitted as “{OLD_NAME}”" in text


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_the_profile_into_applications_submitted_before():
    submitted = complete_application()
    services.application_submit(application=submitted, by=submitted.created_by)
    draft = complete_application()
    Application.objects.filter(pk=submitted.pk).update(
        org_name="", org_ein="", org_snapshot_at=None
    )
    call_command("migrate", "applications", "0007", verbosity=0)
    call_command("migrate", verbosity=0)
    copied = Application.objects.get(pk=submitted.pk)
    assert copied.org_name == copied.organization.name
    assert copied.org_ein == copied.organization.ein
    assert copied.org_snapshot_at == copied.submitted_at
    assert Application.objects.get(pk=draft.pk).org_snapshot_at is None
