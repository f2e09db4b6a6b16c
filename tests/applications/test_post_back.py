"""Saving a section of the application form keeps what the applicant did not
touch.

Each test loads a section through the page as the applicant, reads the form the
page rendered (its inputs, selects and textareas, as a browser sends them) and
posts it back: unchanged, the database is identical afterwards, every row with
its primary key; with one row edited, the other rows keep their keys and
values; a row goes only when its delete box is ticked or its fields are
emptied.
"""

import pytest
from django.urls import reverse

from applications import forms, rules
from applications.models import Answer, Contact, Partner, Preference
from tests import factories as core
from tests.support.forms import assert_same_rows, database_rows, page_form

from .factories import complete_application, round_with_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_application():
    """A draft with every section filled in, two team members and two
    partners with roles, and a partner linked to a known organization."""
    round_ = round_with_questions(count=3, mentorships=4)
    user = core.UserFactory(email="lee@example.org", full_name="Lee Lead")
    organization = core.OrganizationFactory(
        name="Riverbend Health Department",
        ein="12-3456789",
        address_line1="1 Main Street",
        postal_code="43215",
        website="https://riverbend.example.org",
    )
    core.MembershipFactory(user=user, organization=organization)
    application = complete_application(
        round=round_, user=user, organization=organization
    )
    partner_org = core.OrganizationFactory(
        name="Riverbend Housing Authority", kind="partner"
    )
    first, second = application.partners.all()
    first.role, first.organization = "Shares shelter data", partner_org
    first.save()
    second.role = "Attendance data"
    second.save()
    for i, name in enumerate(["Cy Park", "Dee Ross"]):
        Contact.objects.create(
            application=application,
            kind=Contact.Kind.TEAM,
            name=name,
            title="Analyst",
            email=f"member{i}@example.org",
            from_lead_organization=bool(i),
            order=i,
        )
    return application


def section_url(application, key):
    return reverse("applications:application-section", args=[application.pk, key])


def load(client, application, key):
    response = client.get(section_url(application, key))
    assert response.status_code == 200
    return page_form(response.content.decode(), containing=None)


def post(client, application, key, data):
    response = client.post(section_url(application, key), data)
    assert response.status_code == 302, (
        key,
        response.status_code,
        response.context and response.context["form"],
    )
    return response


@pytest.mark.parametrize("key", [key for key, _ in rules.SECTIONS])
def test_a_section_saved_back_unchanged_changes_nothing(
    client_as, full_application, key
):
    """Every section, posted back exactly as the page rendered it, leaves every
    row of the database as it was (keys, values, the draft's "last saved")."""
    client = client_as(full_application.created_by)
    form = load(client, full_application, key)
    before = database_rows()
    post(client, full_application, key, form.post_data("save"))
    assert_same_rows(before, database_rows())


def test_editing_one_partner_leaves_the_others_untouched(client_as, full_application):
    client = client_as(full_application.created_by)
    form = load(client, full_application, "collaboration")
    first, second = Partner.objects.filter(application=full_application)
    others = list(Partner.objects.exclude(pk=second.pk).values())
    data = form.post_data("save")
    assert data.get("partners-1-id") == [str(second.pk)]
    data["partners-1-role"] = ["Attendance and school nurse data"]
    post(client, full_application, "collaboration", data)
    second.refresh_from_db()
    assert second.role == "Attendance and school nurse data"
    assert list(Partner.objects.exclude(pk=second.pk).values()) == others
    # The link to the known organization survives the save.
    assert Partner.objects.get(pk=first.pk).organization is not None


def test_a_partner_goes_only_when_ticked_or_emptied(client_as, full_application):
    client = client_as(full_application.created_by)
    first, second = Partner.objects.filter(application=full_application)
    data = load(client, full_application, "collaboration").post_data("save")
    data["partners-0-DELETE"] = ["on"]
    data["partners-2-name"] = ["Riverbend Transit"]
    data["partners-2-sectors"] = ["transportation"]
    post(client, full_application, "collaboration", data)
    kept = Partner.objects.filter(application=full_application)
    assert [(p.pk, p.name) for p in kept][0] == (second.pk, second.name)
    assert [p.name for p in kept] == [second.name, "Riverbend Transit"]

    data = load(client, full_application, "collaboration").post_data("save")
    data["partners-0-name"] = [""]
    data["partners-0-sectors"] = []
    data["partners-0-role"] = [""]
    post(client, full_application, "collaboration", data)
    assert [p.name for p in Partner.objects.filter(application=full_application)] == [
        "Riverbend Transit"
    ]


def test_a_partner_emptied_of_its_name_but_not_its_sectors_is_refused(
    client_as, full_application
):
    client = client_as(full_application.created_by)
    data = load(client, full_application, "collaboration").post_data("save")
    data["partners-0-name"] = [""]
    before = database_rows()
    response = client.post(section_url(full_application, "collaboration"), data)
    assert response.status_code == 200
    assert response.context["form"].partners.forms[0].errors["name"] == [
        forms.PARTNER_NEEDS_NAME
    ]
    assert_same_rows(before, database_rows())


def test_editing_one_team_member_leaves_the_others_untouched(
    client_as, full_application
):
    client = client_as(full_application.created_by)
    data = load(client, full_application, "contacts").post_data("save")
    contacts = list(Contact.objects.filter(application=full_application).values())
    edited = next(c for c in contacts if c["name"] == "Dee Ross")
    data["team-1-title"] = ["Data lead"]
    post(client, full_application, "contacts", data)
    after = {c["id"]: c for c in Contact.objects.values()}
    assert after.pop(edited["id"])["title"] == "Data lead"
    assert list(after.values()) == [c for c in contacts if c["id"] != edited["id"]]


def test_a_team_member_goes_only_when_ticked_or_emptied(client_as, full_application):
    client = client_as(full_application.created_by)
    cy, dee = Contact.objects.filter(application=full_application, kind="team")
    data = load(client, full_application, "contacts").post_data("save")
    data["team-0-DELETE"] = ["on"]
    post(client, full_application, "contacts", data)
    assert list(
        Contact.objects.filter(application=full_application, kind="team").values_list(
            "pk", flat=True
        )
    ) == [dee.pk]
    data = load(client, full_application, "contacts").post_data("save")
    for field in ("name", "title", "email"):
        data[f"team-0-{field}"] = [""]
    post(client, full_application, "contacts", data)
    assert not Contact.objects.filter(application=full_application, kind="team")
    # The primary and secondary contacts kept their rows throughout.
    assert Contact.objects.filter(application=full_application).count() == 2


def test_a_team_member_added_in_another_tab_survives_a_stale_save(
    client_as, full_application
):
    """A page opened before a member was added does not remove that member."""
    client = client_as(full_application.created_by)
    data = load(client, full_application, "contacts").post_data("save")
    added = Contact.objects.create(
        application=full_application,
        kind=Contact.Kind.TEAM,
        name="Eve Added",
        email="eve@example.org",
        order=5,
    )
    data["team-0-title"] = ["Lead analyst"]
    post(client, full_application, "contacts", data)
    assert Contact.objects.filter(pk=added.pk, name="Eve Added").exists()


def test_reranking_keeps_the_rows_of_the_mentorships_still_ranked(
    client_as, full_application
):
    client = client_as(full_application.created_by)
    first, second = Preference.objects.filter(application=full_application)
    third = full_application.round.mentorships.exclude(
        pk__in=[first.mentorship_id, second.mentorship_id]
    ).first()
    data = load(client, full_application, "preferences").post_data("save")
    data["choice_1"] = [str(third.pk)]
    data["choice_2"] = [str(first.mentorship_id)]
    post(client, full_application, "preferences", data)
    rows = list(
        Preference.objects.filter(application=full_application).values_list(
            "pk", "mentorship_id", "rank"
        )
    )
    assert (first.pk, first.mentorship_id, 2) in rows
    assert [(m, r) for _, m, r in sorted(rows, key=lambda r: r[2])] == [
        (third.pk, 1),
        (first.mentorship_id, 2),
    ]
    assert not Preference.objects.filter(pk=second.pk).exists()


def test_editing_one_answer_leaves_the_others_untouched(client_as, full_application):
    client = client_as(full_application.created_by)
    answers = list(Answer.objects.filter(application=full_application).values())
    data = load(client, full_application, "questions").post_data("save")
    edited = answers[0]
    data[f"q_{edited['question_id']}"] = ["A longer, more honest answer."]
    post(client, full_application, "questions", data)
    after = {a["id"]: a for a in Answer.objects.values()}
    assert after.pop(edited["id"])["text"] == "A longer, more honest answer."
    assert list(after.values()) == answers[1:]
