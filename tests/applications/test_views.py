"""The applicant's pages, through the requests a browser makes."""

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from applications import forms, services
from applications.models import Answer, Application, Partner, Preference
from dashmentor.models import Organization, User
from notifications.models import Kind, Message
from tests import factories as core

from .factories import QuestionFactory, complete_application, round_with_questions


def section_url(application, key):
    return reverse("applications:application-section", args=[application.pk, key])


def detail_url(application):
    return reverse("applications:application-detail", args=[application.pk])


def submit_url(application):
    return reverse("applications:application-submit", args=[application.pk])


SIGNUP = {
    "full_name": "Rosa Diaz",
    "email": "Rosa@Example.org",
    "title": "Director",
    "time_zone": "America/Chicago",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}

ORG = {
    "name": "Lakeside Health Coalition",
    "org_type": "501c3",
    "sector": "public_health",
    "ein": "123456789",
    "address_line1": "1 Lake St",
    "address_line2": "",
    "city": "Lakeside",
    "state": "MN",
    "postal_code": "55001",
    "country": "",
    "website": "lakeside.example.org",
}


# --- sign-up, confirmation, organization ---


@pytest.mark.django_db
def test_signup_sends_a_confirmation_link_that_confirms_the_address(
    client, django_capture_on_commit_callbacks
):
    """Sign-up sends the link through the outbox and leads to sign-in (the
    same answer as for a known address), and opening the link confirms the
    address."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:signup"), SIGNUP)
    assert response.status_code == 302
    next_page = urlencode({"next": reverse("applications:organization")})
    assert response["Location"] == f"{reverse('login')}?{next_page}"
    user = User.objects.get(email="rosa@example.org")
    assert not user.email_confirmed
    message = Message.objects.get(kind=Kind.EMAIL_CONFIRMATION, to_email=user.email)
    assert message.status == Message.Status.SENT
    (sent,) = mail.outbox
    link = re.search(r"https?://\S+/apply/confirm/\S+/", sent.body).group(0)
    path = link.split("8000", 1)[-1] if "8000" in link else link
    page = client.get(path)
    assert page.status_code == 200
    assert "Your e-mail address is confirmed" in page.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed


@pytest.mark.django_db
def test_a_bad_confirmation_link_says_so(client):
    response = client.get(reverse("applications:email-confirm", args=["not-a-token"]))
    assert response.status_code == 400
    assert str(services.CONFIRMATION_INVALID) in response.content.decode()


@pytest.mark.django_db
def test_signup_errors_are_shown_next_to_the_fields_and_input_is_kept(client):
    data = {**SIGNUP, "email": "not-an-email", "password2": "something-else-entirely"}
    response = client.post(reverse("applications:signup"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "email" in form.errors
    assert form.errors["password2"] == ["The two passwords differ."]
    assert 'value="Rosa Diaz"' in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (3, 3600)}
    for i in range(3):
        client.post(reverse("applications:signup"), {**SIGNUP, "email": f"p{i}@x.org"})
        client.logout()
    response = client.post(
        reverse("applications:signup"), {**SIGNUP, "email": "late@x.org"}
    )
    assert response.status_code == 429
    assert not User.objects.filter(email="late@x.org").exists()


@pytest.mark.django_db
def test_resend_confirmation_queues_a_new_link(
    client_as, django_capture_on_commit_callbacks
):
    user = core.UserFactory(email_confirmed_at=None)
    client = client_as(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:email-confirmation-resend"))
    assert response.status_code == 302
    assert (
        Message.objects.filter(kind=Kind.EMAIL_CONFIRMATION, recipient=user).count()
        == 1
    )


@pytest.mark.django_db
def test_organization_profile_is_created_with_a_normalized_ein(client_as):
    user = core.UserFactory()
    client = client_as(user)
    response = client.post(reverse("applications:organization"), ORG)
    assert response.status_code == 302
    org = Organization.objects.get(name="Lakeside Health Coalition")
    assert org.ein == "12-3456789"
    assert org.country == "United States"
    assert org.website == "https://lakeside.example.org"
    assert org.memberships.get().user == user
    assert org.kind == Organization.Kind.APPLICANT


@pytest.mark.django_db
def test_a_malformed_ein_is_shown_next_to_the_field_and_nothing_is_saved(client_as):
    client = client_as(core.UserFactory())
    response = client.post(
        reverse("applications:organization"), {**ORG, "ein": "12-34"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ein"] == [forms.EIN_INVALID]
    assert 'value="Lakeside Health Coalition"' in response.content.decode()
    assert not Organization.objects.filter(name=ORG["name"]).exists()


@pytest.mark.django_db
def test_an_organization_outside_the_us_is_accepted_with_its_country(client_as):
    """Outside the US is not a form error; the country is asked for."""
    client = client_as(core.UserFactory())
    response = client.post(
        reverse("applications:organization"), {**ORG, "state": "XX", "country": ""}
    )
    assert response.context["form"].errors["country"] == [forms.COUNTRY_REQUIRED]
    response = client.post(
        reverse("applications:organization"),
        {**ORG, "state": "XX", "country": "Canada"},
    )
    assert response.status_code == 302
    assert Organization.objects.get(name=ORG["name"]).country == "Canada"


# --- starting and filling in ---


@pytest.mark.django_db
def test_start_from_the_round_page_creates_one_draft(client_as, applicant, open_round):
    client = client_as(applicant)
    page = client.get(reverse("applications:round-detail", args=[open_round.slug]))
    assert "Start an application" in page.content.decode()
    url = reverse("applications:start", args=[open_round.slug])
    first = client.post(url)
    second = client.post(url)
    application = Application.objects.get()
    assert (
        first["Location"] == second["Location"] == section_url(application, "contacts")
    )
    assert application.contacts.get().email == applicant.email


@pytest.mark.django_db
def test_start_without_an_organization_asks_for_the_profile_first(
    client_as, open_round
):
    client = client_as(core.UserFactory())
    response = client.post(reverse("applications:start", args=[open_round.slug]))
    assert response["Location"].startswith(reverse("applications:organization"))
    assert "next=" in response["Location"]
    assert not Application.objects.exists()


def contacts_data(**overrides):
    data = {
        "primary-name": "Ana Ruiz",
        "primary-title": "Director",
        "primary-email": "ana@example.org",
        "primary-phone": "(614) 555-0100",
        "primary-from_lead_organization": "on",
        "secondary-name": "Bo Chen",
        "secondary-title": "Analyst",
        "secondary-email": "bo@example.org",
        "secondary-phone": "614-555-0101",
        "secondary-from_lead_organization": "on",
        "team-TOTAL_FORMS": "2",
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "30",
        "team-0-name": "Cy Park",
        "team-0-title": "Partner lead",
        "team-0-email": "cy@example.org",
        "team-1-name": "",
        "team-1-title": "",
        "team-1-email": "",
        "team-1-from_lead_organization": "on",
    }
    data.update(overrides)
    return data


def collaboration_data(partners, **overrides):
    data = {
        "collab-collaboration_name": "Healthy Lakeside",
        "collab-collaboration_status": "member",
        "collab-collaboration_description": "",
        "partners-TOTAL_FORMS": str(len(partners)),
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "50",
    }
    for i, (name, sectors) in enumerate(partners):
        data[f"partners-{i}-name"] = name
        data[f"partners-{i}-sectors"] = list(sectors)
        data[f"partners-{i}-role"] = ""
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_draft_round_trip_through_the_pages(client_as, applicant, open_round):
    """Each section saved as a draft shows again what was typed, and the
    checklist shows the sections complete."""
    client = client_as(applicant)
    client.post(reverse("applications:start", args=[open_round.slug]))
    application = Application.objects.get()
    questions = list(open_round.questions.all())
    mentorships = list(open_round.mentorships.all())
    posts = {
        "contacts": contacts_data(),
        "collaboration": collaboration_data(
            [("Lakeside Housing", ["housing"]), ("Lakeside Schools", ["education"])]
        ),
        "goal": {"learning_goal": "Link our clinic and housing data " * 3},
        "questions": {f"q_{q.pk}": f"Answer to {q.key}." for q in questions},
        "all-in": {"all_in_profile": "agrees"},
        "preferences": {
            "choice_1": str(mentorships[1].pk),
            "choice_2": "",
            "choice_3": str(mentorships[0].pk),
        },
    }
    for key, data in posts.items():
        response = client.post(section_url(application, key), {**data, "save": ""})
        assert response.status_code == 302, (
            key,
            response.context
            and [f.errors for f in [response.context["form"]] if hasattr(f, "errors")],
        )
        assert response["Location"] == section_url(application, key)

    page = client.get(section_url(application, "contacts")).content.decode()
    assert 'value="Ana Ruiz"' in page and 'value="cy@example.org"' in page
    page = client.get(section_url(application, "collaboration")).content.decode()
    assert 'value="Lakeside Schools"' in page
    page = client.get(section_url(application, "questions")).content.decode()
    assert f"Answer to {questions[0].key}." in page
    # The empty second choice closes up: the third becomes the second.
    assert list(
        Preference.objects.filter(application=application).values_list(
            "mentorship_id", "rank"
        )
    ) == [(mentorships[1].pk, 1), (mentorships[0].pk, 2)]
    sections = client.get(detail_url(application)).context["sections"]
    assert all(s.complete for s in sections), [s.missing for s in sections]


@pytest.mark.django_db
def test_save_and_continue_goes_to_the_next_section(client_as, draft):
    client = client_as(draft.created_by)
    response = client.post(
        section_url(draft, "goal"), {"learning_goal": "A goal " * 10, "continue": ""}
    )
    assert response["Location"] == section_url(draft, "questions")
    response = client.post(
        section_url(draft, "preferences"),
        {"choice_1": str(draft.round.mentorships.first().pk), "continue": ""},
    )
    assert response["Location"] == submit_url(draft)


@pytest.mark.django_db
def test_an_answer_over_the_word_limit_is_refused_and_kept(client_as, draft):
    client = client_as(draft.created_by)
    question = draft.round.questions.first()
    text = "word " * (question.word_limit + 3)
    response = client.post(section_url(draft, "questions"), {f"q_{question.pk}": text})
    assert response.status_code == 200
    error = response.context["form"].errors[f"q_{question.pk}"][0]
    assert error == forms.over_word_limit(question.word_limit + 3, question.word_limit)
    assert error.endswith("Shorten it by 3 words.")
    page = response.content.decode()
    assert error in page
    assert text.strip() in page
    assert f'data-word-limit="{question.word_limit}"' in page
    assert Answer.objects.get(application=draft, question=question).text != text


@pytest.mark.django_db
def test_a_duplicate_partner_is_refused_and_nothing_is_saved(client_as, draft):
    client = client_as(draft.created_by)
    before = list(
        Partner.objects.filter(application=draft).values_list("name", flat=True)
    )
    response = client.post(
        section_url(draft, "collaboration"),
        collaboration_data(
            [("Housing Trust", ["housing"]), ("housing  trust", ["education"])],
            **{"collab-collaboration_name": "A new name"},
        ),
    )
    assert response.status_code == 200
    formset = response.context["form"].partners
    assert formset.forms[1].errors["name"] == [
        forms.DUPLICATE_PARTNER.format(name="housing  trust")
    ]
    draft.refresh_from_db()
    assert draft.collaboration_name != "A new name"
    assert (
        list(Partner.objects.filter(application=draft).values_list("name", flat=True))
        == before
    )


@pytest.mark.django_db
def test_a_partner_without_a_sector_is_refused(client_as, draft):
    client = client_as(draft.created_by)
    response = client.post(
        section_url(draft, "collaboration"), collaboration_data([("Housing Trust", [])])
    )
    assert response.context["form"].partners.forms[0].errors["sectors"] == [
        forms.PARTNER_NEEDS_SECTOR
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "form_name", "field"),
    [
        ({"primary-email": "ana-at-example"}, "primary", "email"),
        ({"secondary-phone": "call me"}, "secondary", "phone"),
        ({"secondary-email": "ana@example.org"}, "secondary", "email"),
    ],
    ids=["malformed e-mail", "malformed phone", "same person twice"],
)
def test_bad_contacts_are_refused_and_nothing_is_saved(
    client_as, draft, overrides, form_name, field
):
    client = client_as(draft.created_by)
    before = list(draft.contacts.values_list("email", flat=True))
    response = client.post(section_url(draft, "contacts"), contacts_data(**overrides))
    assert response.status_code == 200
    section = response.context["form"]
    assert field in getattr(section, form_name).errors
    assert 'value="Bo Chen"' in response.content.decode()
    assert list(draft.contacts.values_list("email", flat=True)) == before


@pytest.mark.django_db
def test_a_preference_repeat_is_refused_with_a_clear_message(client_as, draft):
    client = client_as(draft.created_by)
    m = draft.round.mentorships.first()
    before = list(draft.preferences.values_list("mentorship_id", flat=True))
    response = client.post(
        section_url(draft, "preferences"),
        {"choice_1": str(m.pk), "choice_2": str(m.pk)},
    )
    assert response.context["form"].errors["choice_2"] == [
        forms.DUPLICATE_PREFERENCE.format(rank="as your first choice")
    ]
    assert list(draft.preferences.values_list("mentorship_id", flat=True)) == before


# --- submitting ---


@pytest.mark.django_db
def test_submit_page_lists_what_is_missing_with_links(client_as, draft):
    draft.preferences.all().delete()
    Application.objects.filter(pk=draft.pk).update(learning_goal="")
    client = client_as(draft.created_by)
    page = client.get(submit_url(draft)).content.decode()
    assert "Still missing before you can submit" in page
    assert "At least one ranked mentorship" in page
    assert section_url(draft, "preferences") in page
    response = client.post(submit_url(draft), {"confirm": "on"})
    assert response.status_code == 200
    assert "The application is not complete yet" in response.content.decode()
    assert Application.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.django_db
def test_submission_shows_the_confirmation_and_the_status(
    client_as, draft, django_capture_on_commit_callbacks
):
    client = client_as(draft.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(submit_url(draft), {"confirm": "on"}, follow=True)
    page = response.content.decode()
    assert "Your application is submitted" in page
    assert "We received your application on" in page
    assert "Withdraw to make changes" in page
    assert Message.objects.filter(kind=Kind.SUBMISSION_CONFIRMATION).exists()


@pytest.mark.django_db
def test_submit_requires_the_confirmation_box(client_as, draft):
    client = client_as(draft.created_by)
    response = client.post(submit_url(draft), {})
    assert response.context["form"].errors["confirm"] == [forms.CONFIRM_REQUIRED]
    assert Application.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.django_db
def test_an_unconfirmed_applicant_is_told_and_offered_a_new_link(client_as, draft):
    user = draft.created_by
    User.objects.filter(pk=user.pk).update(email_confirmed_at=None)
    user.refresh_from_db()
    client = client_as(user)
    response = client.post(submit_url(draft), {"confirm": "on"})
    page = response.content.decode()
    assert str(services.EMAIL_NOT_CONFIRMED) in page
    assert reverse("applications:email-confirmation-resend") in page
    assert Application.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.django_db
def test_a_double_click_on_submit_creates_one_submission(
    client_as, draft, django_capture_on_commit_callbacks
):
    client = client_as(draft.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(submit_url(draft), {"confirm": "on"})
        second = client.post(submit_url(draft), {"confirm": "on"})
    assert first.status_code == second.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 1
    assert draft.eligibility_results.count() == 5
    assert (
        Message.objects.filter(
            kind=Kind.SUBMISSION_CONFIRMATION, to_email=draft.created_by.email
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_withdraw_and_resubmit_through_the_pages(
    client_as, draft, django_capture_on_commit_callbacks
):
    client = client_as(draft.created_by)
    client.post(submit_url(draft), {"confirm": "on"})
    # A submitted application cannot be edited: the section sends back.
    response = client.get(section_url(draft, "goal"))
    assert response["Location"] == detail_url(draft)
    client.post(reverse("applications:application-withdraw", args=[draft.pk]))
    assert Application.objects.get(pk=draft.pk).status == "withdrawn"
    response = client.post(
        section_url(draft, "goal"), {"learning_goal": "A better goal, " * 8}
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(draft), {"confirm": "on"})
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert draft.version == 2
    assert draft.learning_goal.startswith("A better goal")


@pytest.mark.django_db
def test_after_the_deadline_the_form_is_closed(client_as, draft):
    with time_machine.travel(draft.round.closes_at, tick=False):
        # Signed in at the deadline: a session from two weeks before it may
        # have expired, depending on the hour the test runs.
        client = client_as(draft.created_by)
        response = client.get(section_url(draft, "goal"))
        assert response["Location"] == detail_url(draft)
        response = client.post(submit_url(draft), {"confirm": "on"})
        assert "deadline" in response.content.decode()
        page = client.get(detail_url(draft)).content.decode()
        assert "The deadline has passed" in page
    assert Application.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.django_db
def test_the_form_shows_the_closing_time_in_the_rounds_zone(client_as, applicant):
    """The deadline is shown in the round's zone, with time left. The viewer's
    own zone is the browser's, not the profile's: the page leaves that line to
    the browser (tests/browser/test_outreach_journey.py reads it in Chromium)."""
    closes = dt.datetime(2099, 12, 23, 20, 30, tzinfo=dt.UTC)  # 3:30 pm EST
    round_ = round_with_questions(closes_at=closes)
    draft = complete_application(
        round=round_, user=applicant, organization=applicant.organizations.get()
    )
    User.objects.filter(pk=applicant.pk).update(time_zone="America/Los_Angeles")
    page = (
        client_as(User.objects.get(pk=applicant.pk))
        .get(section_url(draft, "goal"))
        .content.decode()
    )
    assert "Wednesday, December 23, 2099, 3:30 PM EST" in page
    assert "(America/New_York)" in page
    assert "where you are" not in page
    # The instant for the browser's line and the countdown, in ISO 8601.
    assert 'data-local-time="2099-12-23T15:30:00-05:00"' in page
    assert 'data-deadline="2099-12-23T15:30:00-05:00"' in page


# --- access ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "extra"),
    [
        ("application-detail", "get", ()),
        ("application-section", "get", ("goal",)),
        ("application-section", "post", ("goal",)),
        ("application-submit", "get", ()),
        ("application-submit", "post", ()),
        ("application-withdraw", "post", ()),
        ("application-print", "get", ()),
    ],
)
def test_another_applicants_application_is_a_404(client_as, draft, name, method, extra):
    """An applicant who opens another organization's application by its id
    gets a 404, for reading and for writing."""
    intruder = core.UserFactory()
    core.MembershipFactory(user=intruder)
    client = client_as(intruder)
    url = reverse(f"applications:{name}", args=[draft.pk, *extra])
    response = getattr(client, method)(url, {"confirm": "on", "learning_goal": "x"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.learning_goal != "x"


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, draft):
    response = client.get(detail_url(draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(
        draft.created_by, backend="django.contrib.auth.backends.ModelBackend"
    )
    response = client.post(submit_url(draft), {"confirm": "on"})
    assert response.status_code == 403
    assert Application.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.django_db
def test_staff_read_but_do_not_fill_in(client_as, staff_user, draft):
    client = client_as(staff_user)
    assert client.get(detail_url(draft)).status_code == 200
    assert (
        client.get(
            reverse("applications:application-print", args=[draft.pk])
        ).status_code
        == 200
    )
    assert client.get(section_url(draft, "goal")).status_code == 403


# --- staff override ---


@pytest.mark.django_db
def test_staff_override_page_records_the_justification(client_as, staff_user, draft):
    services.application_submit(application=draft, by=draft.created_by)
    url = reverse("applications:eligibility-override", args=[draft.pk])
    client = client_as(staff_user)
    print_page = client.get(reverse("applications:application-print", args=[draft.pk]))
    assert url in print_page.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert "Partners in 2 sectors" in page.content.decode()

    response = client.post(
        url, {"criterion": "5", "c5-outcome": "fail", "c5-justification": ""}
    )
    assert response.status_code == 200
    assert "Write why you override" in response.content.decode()
    assert draft.eligibility_results.get(criterion=5).override_outcome == ""

    response = client.post(
        url,
        {
            "criterion": "5",
            "c5-outcome": "fail",
            "c5-justification": "The housing partner closed last month.",
        },
        follow=True,
    )
    result = draft.eligibility_results.get(criterion=5)
    assert result.override_outcome == "fail"
    assert result.overridden_by == staff_user
    assert Application.objects.get(pk=draft.pk).eligibility == "ineligible"
    assert "The housing partner closed last month." in response.content.decode()


@pytest.mark.django_db
def test_an_applicant_cannot_reach_the_override_page(client_as, draft):
    services.application_submit(application=draft, by=draft.created_by)
    client = client_as(draft.created_by)
    url = reverse("applications:eligibility-override", args=[draft.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"criterion": "1", "c1-outcome": "pass", "c1-justification": "mine"}
    )
    assert response.status_code == 403
    assert draft.eligibility_results.get(criterion=1).override_outcome == ""


# --- fixed query counts ---


def grow(application, n):
    for i in range(n):
        core.PartnerFactory(application=application, sectors=["housing", "education"])
        core.ContactFactory(application=application, kind="team", name=f"T{i}")
        QuestionFactory(round=application.round)
        core.MentorshipFactory(round=application.round)
    for rank, m in enumerate(application.round.mentorships.all()[2:], start=3):
        Preference.objects.create(application=application, mentorship=m, rank=rank)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["detail", "print", "section-goal", "submit"])
def test_application_pages_run_a_fixed_number_of_queries(
    client_as, applicant, django_assert_max_num_queries, page
):
    """The status page (and the form pages) cost the same with 2 or 20 rows."""
    org = applicant.organizations.get()
    small = complete_application(user=applicant, organization=org)
    big_org = core.OrganizationFactory()
    core.MembershipFactory(user=applicant, organization=big_org)
    big = complete_application(user=applicant, organization=big_org)
    grow(big, 20)
    client = client_as(applicant)

    def url(a):
        if page == "detail":
            return detail_url(a)
        if page == "print":
            return reverse("applications:application-print", args=[a.pk])
        if page == "submit":
            return submit_url(a)
        return section_url(a, "goal")

    client.get(url(small))  # warm the session and caches
    for application in (small, big):
        with django_assert_max_num_queries(18):
            assert client.get(url(application)).status_code == 200


@pytest.mark.django_db
def test_applicant_home_runs_a_fixed_number_of_queries(
    client_as, applicant, django_assert_max_num_queries
):
    client = client_as(applicant)
    org = applicant.organizations.get()
    complete_application(user=applicant, organization=org)
    client.get(reverse("applications:applicant-home"))
    with django_assert_max_num_queries(10):
        small = client.get(reverse("applications:applicant-home"))
    for _ in range(8):
        other = core.OrganizationFactory()
        core.MembershipFactory(user=applicant, organization=other)
        complete_application(user=applicant, organization=other)
    with django_assert_max_num_queries(10):
        big = client.get(reverse("applications:applicant-home"))
    assert len(big.context["rows"]) == 9 > len(small.context["rows"])
