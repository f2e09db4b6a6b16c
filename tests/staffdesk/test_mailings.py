"""Staff write to an audience: preview, test, send through the outbox, history."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from notifications.models import Kind, Message, Preference
from staffdesk import rules, services
from staffdesk.models import Mailing, MailingRecipient
from tests import factories

from .factories import late_review

pytestmark = pytest.mark.django_db

COMPOSE = reverse("staffdesk:mailing-compose")
REMINDER = (
    "Dear {{ first_name }},\n\nYour reviews were due {{ due_date }}; "
    "{{ reviews_late }} are late.\n\n{{ link }}"
)


def _token(page) -> str:
    return (
        re.search(rb'name="form_token" value="([0-9a-f]+)"', page.content)
        .group(1)
        .decode()
    )


def _post(
    client,
    token,
    action,
    audiences,
    subject="Reviews due {{ due_date }}",
    body=REMINDER,
    **extra,
):
    return client.post(
        COMPOSE,
        {
            "audiences": audiences,
            "subject": subject,
            "body": body,
            "form_token": token,
            "action": action,
            **extra,
        },
    )


def test_staff_remind_late_reviewers_with_their_own_due_dates_and_see_it_delivered(
    client_as, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    """The issue's scenario: home → late reviewers → reminder → preview → send →
    delivered in the history."""
    dana = factories.ReviewerFactory(full_name="Dana Ortiz", email="dana@example.org")
    late = late_review(reviewer=dana, days_late=4)
    late_review(reviewer=dana, round_=late.application.round)
    other = late_review(days_late=10)
    client = client_as(staff_user)

    home = client.get(reverse("staff-home"), {"round": late.application.round.pk})
    assert b"Reviews late" in home.content
    late_page = client.get(reverse("staffdesk:late-reviews"))
    assert b"Dana Ortiz" in late_page.content
    write = re.search(
        rb'href="(/staff/messages/new/\?audience=[^"]+)"', late_page.content
    )
    compose = client.get(write.group(1).decode().replace("&amp;", "&"))
    assert b'value="late-reviewers:all" id="aud-late-reviewersall" checked' in (
        compose.content
    )
    token = _token(compose)

    preview = _post(
        client, token, "preview", ["late-reviewers:all"], preview_as="dana@example.org"
    )
    due = late.application.round.review_schedule.reviews_due_on
    due_words = f"{due:%B} {due.day}, {due.year}"
    assert preview.status_code == 200
    assert preview.context["preview"]["count"] == 2
    assert (
        f"Your reviews were due {due_words}; 2 are late."
        in preview.context["preview"]["body"]
    )
    assert not Message.objects.exists(), "a preview writes nothing"

    with django_capture_on_commit_callbacks(execute=True):
        test = _post(
            client, token, "test", ["late-reviewers:all"], preview_as="dana@example.org"
        )
    assert test.status_code == 200
    assert [m.to for m in mailoutbox] == [[staff_user.email]]
    assert mailoutbox[0].subject == f"{services.TEST_PREFIX}Reviews due {due_words}"
    assert not Mailing.objects.exists(), "a test is not a mailing"

    with django_capture_on_commit_callbacks(execute=True):
        sent = _post(client, token, "send", ["late-reviewers:all"])
    mailing = Mailing.objects.get()
    assert sent.status_code == 302 and sent["Location"] == mailing.get_absolute_url()
    to_dana = next(m for m in mailoutbox if m.to == ["dana@example.org"])
    assert f"Your reviews were due {due_words}; 2 are late." in to_dana.body
    assert "/apply/reviews/" in to_dana.body
    to_other = next(m for m in mailoutbox if m.to == [other.reviewer.email])
    other_due = other.application.round.review_schedule.reviews_due_on
    assert f"{other_due:%B} {other_due.day}" in to_other.body

    detail = client.get(mailing.get_absolute_url())
    assert detail.context["delivery"]["sent"] == 2
    history = client.get(reverse("staffdesk:mailing-list"))
    row = history.context["page"].object_list[0]
    assert (row.sent, row.waiting, row.failed) == (2, 0, 0)


def test_one_email_per_person_when_two_audiences_name_them_and_opt_outs_are_skipped(
    client_as, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    both = factories.ReviewerFactory(email="both@example.org")
    assignment = late_review(reviewer=both)
    round_ = assignment.application.round
    opted_out = late_review(round_=round_).reviewer
    Preference.objects.create(user=opted_out, kind=Kind.PROGRAM_MESSAGE, enabled=False)
    client = client_as(staff_user)
    token = _token(client.get(COMPOSE))
    keys = [f"late-reviewers:{round_.pk}", f"open-reviewers:{round_.pk}"]
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, token, "send", keys)
    mailing = Mailing.objects.get()
    assert sorted(m.to[0] for m in mailoutbox) == ["both@example.org"]
    assert (
        mailing.recipients_count,
        mailing.skipped_count,
        mailing.duplicates_count,
    ) == (
        2,
        1,
        2,
    )
    skipped = MailingRecipient.objects.get(email=opted_out.email)
    assert skipped.message.status == Message.Status.SUPPRESSED


@pytest.mark.parametrize(
    ("audiences", "subject", "body", "error"),
    [
        ([], "Hi", "Hello", "This field is required."),
        (["late-reviewers:all"], "Hi", "Hello", str(services.EMPTY_AUDIENCE)),
        (
            ["late-reviewers:all"],
            "Hi",
            "Hello {{ nickname }}",
            rules.UNKNOWN_FIELD.format(name="nickname", known=rules.field_list()),
        ),
        (
            ["late-reviewers:all"],
            "Hi",
            "x" * (rules.BODY_MAX + 1),
            f"Ensure this value has at most {rules.BODY_MAX} characters",
        ),
        (["group:99999"], "Hi", "Hello", "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_queued(
    client_as, staff_user, audiences, subject, body, error
):
    if audiences == ["late-reviewers:all"] and "nickname" in body:
        late_review()
    if "x" * 10 in body:
        late_review()
    client = client_as(staff_user)
    token = _token(client.get(COMPOSE))
    for action in ("preview", "test", "send"):
        page = _post(client, token, action, audiences, subject=subject, body=body)
        assert page.status_code == 200
        assert error in page.content.decode().replace("&#x27;", "'")
    assert not Mailing.objects.exists()
    assert not Message.objects.exists()


def test_a_field_the_audience_does_not_know_is_refused(client_as, staff_user):
    group_member = factories.UserFactory()
    from affinity.models import Cycle, Group, GroupMember

    cycle = Cycle.objects.create(
        name="2026", starts_on="2026-01-01", ends_on="2026-12-31"
    )
    group = Group.objects.create(cycle=cycle, topic="Data law", slug="data-law")
    GroupMember.objects.create(group=group, user=group_member, status="admitted")
    client = client_as(staff_user)
    token = _token(client.get(COMPOSE))
    page = _post(
        client, token, "send", [f"group:{group.pk}"], body="Due {{ due_date }}"
    )
    assert "is not known for 2026 · Data law: members" in page.content.decode()
    assert not Message.objects.exists()


def test_sending_the_same_form_twice_queues_one_mailing(
    client_as, staff_user, django_capture_on_commit_callbacks
):
    late_review()
    client = client_as(staff_user)
    token = _token(client.get(COMPOSE))
    with django_capture_on_commit_callbacks(execute=True):
        first = _post(client, token, "send", ["late-reviewers:all"])
        second = _post(client, token, "send", ["late-reviewers:all"])
    assert first["Location"] == second["Location"]
    assert Mailing.objects.count() == 1
    assert Message.objects.filter(kind=Kind.PROGRAM_MESSAGE).count() == 1


def test_a_mailing_to_two_thousand_people_is_written_in_a_few_statements(
    staff_user, django_assert_max_num_queries
):
    """Rows go in batches: tens of statements, not thousands (SQLite caps an
    INSERT at 999 parameters, about 70 messages; PostgreSQL takes 500)."""
    round_ = factories.RoundFactory()
    from dashmentor.models import User

    User.objects.bulk_create(
        [
            User(email=f"mentee{n}@example.org", full_name=f"Mentee {n}")
            for n in range(2000)
        ]
    )
    award = factories.AwardFactory(application__round=round_)
    from cohorts.models import CohortMember

    CohortMember.objects.bulk_create(
        [
            CohortMember(
                award=award, user=u, name=u.full_name, email=u.email, role="colleague"
            )
            for u in User.objects.filter(email__startswith="mentee")
        ]
    )
    with django_assert_max_num_queries(100):
        mailing, created = services.mailing_send(
            subject="Hello {{ first_name }}",
            body="Dear {{ first_name }} of {{ organization }}",
            audience_keys=[f"mentees:{award.mentorship_id}"],
            form_token="t" * 32,
            by=staff_user,
        )
    assert created and mailing.recipients_count == 2000
    assert Message.objects.filter(status=Message.Status.PENDING).count() == 2000
    assert Message.objects.filter(to_email="mentee7@example.org").get().subject == (
        "Hello Mentee"
    )


def test_history_reads_a_fixed_number_of_queries(
    client_as, staff_user, django_assert_max_num_queries
):
    client = client_as(staff_user)
    for n in (1, 6):
        while Mailing.objects.count() < n:
            late_review()
            services.mailing_send(
                subject="S",
                body="B",
                audience_keys=["late-reviewers:all"],
                form_token=f"token-{Mailing.objects.count()}",
                by=staff_user,
            )
        with django_assert_max_num_queries(6):
            assert client.get(reverse("staffdesk:mailing-list")).status_code == 200


def test_saved_templates_start_a_message_and_saving_back_unchanged_writes_nothing(
    client_as, staff_user
):
    client = client_as(staff_user)
    client.post(
        reverse("staffdesk:template-create"),
        {"name": "Late reviews", "subject": "Due {{ due_date }}", "body": REMINDER},
    )
    template = services.MailingTemplate.objects.get()
    stamp = template.updated_at
    client.post(
        reverse("staffdesk:template-edit", args=[template.pk]),
        {"name": "Late reviews", "subject": "Due {{ due_date }}", "body": REMINDER},
    )
    template.refresh_from_db()
    assert template.updated_at == stamp
    page = client.get(COMPOSE, {"template": template.pk})
    assert page.context["form"].initial["subject"] == "Due {{ due_date }}"
    bad = client.post(
        reverse("staffdesk:template-create"),
        {"name": "Bad", "subject": "S", "body": "{{ nope }}"},
    )
    assert "Unknown merge field" in bad.content.decode()
    assert services.MailingTemplate.objects.count() == 1


@pytest.mark.parametrize("who", ["reviewer_user", "applicant_user", "mentor_user"])
def test_only_staff_write_messages(request, client_as, who):
    late_review()
    client = client_as(request.getfixturevalue(who))
    assert client.get(COMPOSE).status_code == 403
    response = client.post(
        COMPOSE,
        {
            "audiences": ["late-reviewers:all"],
            "subject": "S",
            "body": "B",
            "form_token": "x" * 32,
            "action": "send",
        },
    )
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_a_message_sent_with_the_broker_down_answers_and_the_sweep_delivers_it(
    client_as, staff_user, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    """The mailing's rows are written with the page; the outbox sweep sends
    them when the broker cannot be reached, once each."""
    from notifications.tasks import outbox_sweep_task

    late_review()
    late_review()
    client = client_as(staff_user)
    token = _token(client.get(COMPOSE))
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        sent = _post(client, token, "send", ["late-reviewers:all"])
    assert sent.status_code == 302
    assert Message.objects.filter(status=Message.Status.PENDING).count() == 2
    assert mailoutbox == []
    assert outbox_sweep_task()["pending"] == 2
    assert len(mailoutbox) == 2
    assert outbox_sweep_task()["pending"] == 0
    assert len(mailoutbox) == 2
    detail = client.get(Mailing.objects.get().get_absolute_url())
    assert detail.context["delivery"]["sent"] == 2


def test_the_late_reviews_and_recipients_csvs_speak_spanish(client_as, staff_user):
    """A Spanish reader's CSVs name their language and head their columns in
    Spanish."""
    late_review(reviewer=factories.ReviewerFactory(full_name="Dana Ortiz"))
    mailing, _created = services.mailing_send(
        subject="Hola",
        body="Hola {{ first_name }}",
        audience_keys=["late-reviewers:all"],
        form_token="s" * 32,
        by=staff_user,
    )
    staff_user.language = "es"
    staff_user.save(update_fields=["language"])
    client = client_as(staff_user)

    late = client.get(reverse("staffdesk:late-reviews"), {"format": "csv"})
    assert late["Content-Language"] == "es"
    lines = late.content.decode().splitlines()
    assert lines[0] == "Idioma: español"
    assert lines[1] == (
        "Evaluador,Correo electrónico,Atrasadas,Sin terminar,Fecha límite,"
        "Días de atraso,Convocatorias"
    )

    recipients = client.get(mailing.get_absolute_url(), {"format": "csv"})
    text = b"".join(recipients.streaming_content).decode().splitlines()
    assert text[0] == "Idioma: español"
    assert text[1] == "Nombre,Correo electrónico,Audiencia,Entrega,Enviado el"
    assert "Dana Ortiz" in text[2]
