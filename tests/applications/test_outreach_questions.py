"""Questions about a round: asked by anyone, confirmed by e-mail before staff
see them, answered and published from the staff queue, e-mailed to the asker."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.outreach import services
from applications.outreach.models import AskedQuestion, FaqEntry, Milestone
from applications.outreach.views import ASKED, ASKED_CONFIRMED
from dashmentor.ratelimit import RATE_LIMITED_MESSAGE
from notifications.models import Kind, Message
from tests import factories as core

from .outreach_factories import link_in, published_entry, sent_to, waiting_question

pytestmark = pytest.mark.django_db

QUESTION = "Can a county health department apply if its partners are all public?"


def questions_url(round_):
    return reverse("applications:round-questions", args=[round_.slug])


def ask(client, round_, **data):
    payload = {"text": QUESTION, "name": "Ada Asker", "email": "ada@example.org"}
    return client.post(questions_url(round_), {**payload, **data}, follow=True)


@pytest.fixture
def round_(db):
    return core.RoundFactory(name="2026 round")


@pytest.fixture
def staff(db):
    return core.StaffFactory(email="officer@example.org", full_name="Olu Officer")


def test_a_signed_out_question_reaches_staff_only_once_its_address_is_confirmed(
    client, client_as, round_, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = ask(client, round_)
    assert ASKED.format(email="ada@example.org") in page.content.decode()
    question = AskedQuestion.objects.get()
    assert question.status == AskedQuestion.Status.UNCONFIRMED
    (confirmation,) = sent_to("ada@example.org")
    assert QUESTION in confirmation.body
    # No link is stored in the outbox: it is made when the e-mail is sent.
    stored = Message.objects.get(kind=Kind.EMAIL_CONFIRMATION)
    assert "/questions/confirm/" not in stored.body_text

    staff_client = client_as(staff)
    queue = staff_client.get(
        reverse("applications:staff-questions", args=[round_.slug])
    )
    home = staff_client.get(reverse("staff-home"))
    for response in (queue, home):
        assert QUESTION not in response.content.decode()
    staff_client.logout()

    path = link_in(confirmation, "/apply/questions/confirm/")
    shown = client.get(path)
    assert shown.status_code == 200
    assert "Confirm my address" in shown.content.decode()
    question.refresh_from_db()
    assert question.status == AskedQuestion.Status.UNCONFIRMED  # a GET wrote nothing
    client.post(path)
    question.refresh_from_db()
    assert question.status == AskedQuestion.Status.WAITING
    assert question.confirmed_at is not None

    staff_client = client_as(staff)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=3)):
        home = staff_client.get(reverse("staff-home")).content.decode()
    assert QUESTION[:40] in home
    assert "waiting" in home and "3\xa0hours" in home


def test_a_signed_in_user_with_a_confirmed_address_asks_straight_to_staff(
    client_as, round_, django_capture_on_commit_callbacks
):
    user = core.UserFactory(email="lee@example.org", full_name="Lee Lead")
    with django_capture_on_commit_callbacks(execute=True):
        page = ask(client_as(user), round_, email="lee@example.org", name="")
    assert ASKED_CONFIRMED.format(email="lee@example.org") in page.content.decode()
    question = AskedQuestion.objects.get()
    assert question.status == AskedQuestion.Status.WAITING
    assert question.user == user
    assert not Message.objects.filter(kind=Kind.EMAIL_CONFIRMATION).exists()


def test_another_address_of_a_signed_in_user_is_confirmed_by_link(
    client_as, round_, django_capture_on_commit_callbacks
):
    user = core.UserFactory(email="lee@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        ask(client_as(user), round_, email="someone-else@example.org")
    assert AskedQuestion.objects.get().status == AskedQuestion.Status.UNCONFIRMED
    assert len(sent_to("someone-else@example.org")) == 1


def test_the_same_question_sent_twice_is_one_question_and_one_email(
    client, round_, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, round_)
        ask(client, round_)
    assert AskedQuestion.objects.count() == 1
    assert len(sent_to("ada@example.org")) == 1


def test_a_question_for_a_closed_round_is_refused_with_a_clear_message(client):
    closed = core.RoundFactory(
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    page = ask(client, closed).content.decode()
    assert "Questions about this round closed with its deadline" in page
    assert "Send my question" not in page
    assert not AskedQuestion.objects.exists()
    assert not Message.objects.exists()


def test_an_unconfirmed_question_cannot_be_confirmed_after_the_deadline(
    client, django_capture_on_commit_callbacks
):
    round_ = core.RoundFactory(closes_at=timezone.now() + dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, round_)
    path = link_in(sent_to("ada@example.org")[0], "/apply/questions/confirm/")
    with time_machine.travel(round_.closes_at + dt.timedelta(minutes=1)):
        page = client.post(path, follow=True).content.decode()
    assert "closed with its deadline" in page
    assert AskedQuestion.objects.get().status == AskedQuestion.Status.UNCONFIRMED


def test_a_confirmation_link_expires_after_a_week(
    client, round_, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, round_)
    path = link_in(sent_to("ada@example.org")[0], "/apply/questions/confirm/")
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        response = client.post(path)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert AskedQuestion.objects.get().status == AskedQuestion.Status.UNCONFIRMED


def test_the_honeypot_stores_nothing_and_sends_nothing(client, round_):
    page = ask(client, round_, website="http://spam.example").content.decode()
    assert "Thank you." in page
    assert not AskedQuestion.objects.exists()
    assert not Message.objects.exists()


def test_a_hundred_questions_from_one_address_store_at_most_the_limit(
    client, round_, settings
):
    limit = settings.RATE_LIMITS["outreach"][0]
    answers = [
        client.post(
            questions_url(round_),
            {"text": f"Question number {i}?", "email": f"bot{i}@example.org"},
        )
        for i in range(100)
    ]
    assert AskedQuestion.objects.count() == limit
    refused = [r for r in answers if r.status_code == 429]
    assert len(refused) == 100 - limit
    assert str(RATE_LIMITED_MESSAGE) in refused[-1].content.decode()


def test_one_mailbox_is_not_flooded_from_many_client_addresses(
    client, round_, settings
):
    limit = settings.RATE_LIMITS["outreach_email"][0]
    for i in range(limit + 5):
        page = client.post(
            questions_url(round_),
            {"text": f"Question {i}?", "email": "victim@example.org"},
            REMOTE_ADDR=f"10.0.0.{i + 1}",
            follow=True,
        )
    assert "Too many messages from this address" in page.content.decode()
    assert AskedQuestion.objects.count() == limit


def test_bad_input_is_refused_next_to_the_field_and_nothing_is_stored(client, round_):
    response = client.post(
        questions_url(round_), {"text": "x" * 2001, "email": "not-an-address"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "email" in form.errors and "text" in form.errors
    assert not AskedQuestion.objects.exists()


# --- staff ---


def answer_url(question):
    return reverse("applications:staff-question-answer", args=[question.pk])


def test_staff_publish_an_answer_in_wording_without_the_asker_and_the_askers_get_it(
    client, client_as, round_, staff, django_capture_on_commit_callbacks
):
    question = waiting_question(
        round_, text="I'm Ada Asker from Riverbend: can we apply?"
    )
    duplicate = waiting_question(
        round_, text="Can county departments apply?", email="bo@example.org", name="Bo"
    )
    other = waiting_question(
        round_, text="When is the webinar?", email="cy@example.org"
    )
    staff_client = client_as(staff)
    data = {
        "mode": "publish",
        "public_question": "Can a county health department apply?",
        "topic": "eligibility",
        "answer": "Yes: public entities are eligible.",
        "also": [duplicate.pk],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(answer_url(question), data, follow=True)
    assert "The answer is on its way to 2 askers" in response.content.decode()
    entry = FaqEntry.objects.get()
    assert entry.is_published and entry.topic == "eligibility"
    for q in (question, duplicate):
        q.refresh_from_db()
        assert q.status == AskedQuestion.Status.ANSWERED and q.entry == entry
    other.refresh_from_db()
    assert other.status == AskedQuestion.Status.WAITING
    (to_ada,) = sent_to("asker@example.org")
    assert "Yes: public entities are eligible." in to_ada.body
    assert "I'm Ada Asker from Riverbend" in to_ada.body  # their own words
    assert len(sent_to("bo@example.org")) == 1

    # A second press of the button answers nothing more and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = staff_client.post(answer_url(question), data, follow=True)
    assert services.ALREADY_ANSWERED in again.content.decode()
    assert FaqEntry.objects.count() == 1
    assert len(mail.outbox) == 2

    client.logout()
    public = client.get(questions_url(round_)).content.decode()
    assert "Can a county health department apply?" in public
    assert "Yes: public entities are eligible." in public
    assert "Who can apply" in public  # the topic's heading
    for private in ("Ada Asker", "asker@example.org", "Riverbend", "bo@example.org"):
        assert private not in public


def test_publishing_wording_that_names_the_asker_is_refused(
    client_as, round_, staff, django_capture_on_commit_callbacks
):
    question = waiting_question(round_)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(staff).post(
            answer_url(question),
            {
                "mode": "publish",
                "public_question": "Ada Asker asks whether counties can apply",
                "topic": "eligibility",
                "answer": "Yes.",
            },
        )
    assert response.status_code == 200
    assert "names the asker (Ada Asker)" in response.content.decode()
    question.refresh_from_db()
    assert question.status == AskedQuestion.Status.WAITING
    assert not FaqEntry.objects.exists()
    assert not mail.outbox


def test_an_answer_for_the_asker_only_is_mailed_and_not_published(
    client, client_as, round_, staff, django_capture_on_commit_callbacks
):
    question = waiting_question(round_, text="Is our EIN 12-3456789 on file?")
    with django_capture_on_commit_callbacks(execute=True):
        client_as(staff).post(
            answer_url(question), {"mode": "private", "answer": "Yes, it is."}
        )
    question.refresh_from_db()
    assert question.status == AskedQuestion.Status.ANSWERED and question.entry is None
    (sent,) = sent_to("asker@example.org")
    assert "Yes, it is." in sent.body
    client.logout()
    assert "Yes, it is." not in client.get(questions_url(round_)).content.decode()


def test_a_duplicate_is_answered_by_a_published_question(
    client_as, round_, staff, django_capture_on_commit_callbacks
):
    entry = published_entry(round_, answer="Up to thirty awards of $5,000.")
    question = waiting_question(round_, text="How much is the award?")
    with django_capture_on_commit_callbacks(execute=True):
        client_as(staff).post(
            answer_url(question), {"mode": "existing", "entry": entry.pk}
        )
    question.refresh_from_db()
    assert question.entry == entry and question.answer == entry.answer
    (sent,) = sent_to("asker@example.org")
    assert "Up to thirty awards of $5,000." in sent.body
    assert f"#entry-{entry.pk}" in sent.body


def test_staff_publish_a_question_and_answer_nobody_asked(
    client, client_as, round_, staff
):
    client_as(staff).post(
        reverse("applications:staff-faq-create", args=[round_.slug]),
        {
            "topic": "dates",
            "question_en": "Will late applications be accepted?",
            "answer_en": "No.",
            "published": "on",
        },
    )
    hidden = published_entry(round_, question="A draft answer", published_at=None)
    client.logout()
    page = client.get(questions_url(round_)).content.decode()
    assert "Will late applications be accepted?" in page
    assert hidden.question not in page


def test_saving_a_published_question_back_unchanged_writes_nothing(
    client_as, round_, staff
):
    entry = published_entry(round_)
    stamp = entry.updated_at
    client_as(staff).post(
        reverse("applications:staff-faq-edit", args=[round_.slug, entry.pk]),
        {
            "topic": entry.topic,
            "question": entry.question,
            "answer": entry.answer,
            "published": "on",
        },
    )
    entry.refresh_from_db()
    assert entry.updated_at == stamp


def test_the_questions_page_is_searchable(client, round_):
    published_entry(round_, question="Who can apply?", answer="Public entities.")
    published_entry(round_, question="What is the award?", answer="$5,000 each.")
    page = client.get(questions_url(round_), {"q": "award"}).content.decode()
    assert "What is the award?" in page
    assert "Who can apply?" not in page


def test_the_questions_page_in_spanish_finds_both_languages(client, round_):
    """Read in Spanish, an entry without its Spanish shows (and is found by)
    its English; one with it is found by its Spanish."""
    published_entry(round_, question="What is the award?", answer="$5,000 each.")
    published_entry(
        round_,
        question="Who can apply?",
        answer="Public entities.",
        question_es="¿Quién puede solicitar?",
        answer_es="Las entidades públicas.",
    )
    client.cookies["portal_language"] = "es"
    page = client.get(questions_url(round_), {"q": "award"}).content.decode()
    assert "What is the award?" in page and "Quién" not in page
    page = client.get(questions_url(round_), {"q": "públicas"}).content.decode()
    assert "¿Quién puede solicitar?" in page and "Who can apply?" not in page


def test_hostile_text_is_shown_as_text(client, client_as, round_, staff):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    waiting_question(round_, text=hostile, name=hostile)
    published_entry(round_, question=hostile, answer=hostile)
    for page in (
        client_as(staff).get(
            reverse("applications:staff-questions", args=[round_.slug])
        ),
        client_as(staff).get(reverse("staff-home")),
        client.get(questions_url(round_)),
    ):
        body = page.content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;" in body


@pytest.mark.parametrize("who", ["anonymous", "applicant", "reviewer"])
def test_only_staff_answer_dismiss_or_publish(client, client_as, round_, who):
    question = waiting_question(round_)
    if who == "applicant":
        client = client_as(core.MembershipFactory().user)
    elif who == "reviewer":
        client = client_as(core.ReviewerFactory())
    attempts = [
        client.post(answer_url(question), {"mode": "private", "answer": "Hacked"}),
        client.post(reverse("applications:staff-question-dismiss", args=[question.pk])),
        client.post(
            reverse("applications:staff-faq-create", args=[round_.slug]),
            {"topic": "other", "question": "Q", "answer": "A", "published": "on"},
        ),
    ]
    for response in attempts:
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
    question.refresh_from_db()
    assert question.status == AskedQuestion.Status.WAITING
    assert not FaqEntry.objects.exists()
    assert not Message.objects.exists()


def test_the_question_cut_off_is_on_the_form_and_the_staff_queue(
    client, client_as, round_, staff
):
    Milestone.objects.create(
        round=round_,
        kind=Milestone.Kind.QUESTIONS_CLOSE,
        on=round_.closes_at.astimezone(round_.zone).date() - dt.timedelta(days=4),
    )
    cutoff_day = (
        round_.closes_at.astimezone(round_.zone) - dt.timedelta(days=4)
    ).date()
    said = f"{cutoff_day:%A, %B} {cutoff_day.day}, {cutoff_day.year}</time>"
    form = client.get(questions_url(round_)).content.decode()
    assert "may not be answered before the deadline" in form
    assert said in form
    late = waiting_question(
        round_, confirmed_at=round_.closes_at - dt.timedelta(days=1)
    )
    queue = client_as(staff).get(
        reverse("applications:staff-questions", args=[round_.slug])
    )
    body = queue.content.decode()
    assert said in body
    assert "after the cut-off" in body
    assert late.text[:30] in body


def test_dismissing_spam_takes_it_off_the_queue_without_an_email(
    client_as, round_, staff, django_capture_on_commit_callbacks
):
    question = waiting_question(round_)
    with django_capture_on_commit_callbacks(execute=True):
        client_as(staff).post(
            reverse("applications:staff-question-dismiss", args=[question.pk])
        )
    question.refresh_from_db()
    assert question.status == AskedQuestion.Status.DISMISSED
    assert not mail.outbox


@pytest.mark.parametrize("size", [3, 30])
def test_the_questions_page_keeps_a_fixed_number_of_queries(
    client, round_, size, django_assert_max_num_queries
):
    for i in range(size):
        published_entry(
            round_, question=f"Question {i}?", topic=["dates", "other"][i % 2]
        )
    with django_assert_max_num_queries(4):
        response = client.get(questions_url(round_))
    assert response.content.decode().count('id="entry-') == size


@pytest.mark.parametrize("size", [3, 30])
def test_the_staff_queue_keeps_a_fixed_number_of_queries(
    client_as, round_, staff, size, django_assert_max_num_queries
):
    for i in range(size):
        waiting_question(round_, text=f"Question {i}?", email=f"a{i}@example.org")
        published_entry(round_, question=f"Entry {i}?")
    client = client_as(staff)
    client.get(reverse("staff-home"))
    with django_assert_max_num_queries(8):
        client.get(reverse("applications:staff-questions", args=[round_.slug]))
    # The staff home's to-do (its own bound is in tests/staffdesk); the
    # waiting questions card adds no query per question.
    with django_assert_max_num_queries(16):
        client.get(reverse("staff-home"))
    with django_assert_max_num_queries(10):
        client.get(answer_url(AskedQuestion.objects.first()))


def test_staff_change_and_unpublish_a_published_question(
    client, client_as, round_, staff
):
    entry = published_entry(round_, answer="Old answer.")
    url = reverse("applications:staff-faq-edit", args=[round_.slug, entry.pk])
    client_as(staff).post(
        url,
        {"topic": "funding", "question_en": entry.question, "answer_en": "New answer."},
    )
    entry.refresh_from_db()
    assert entry.answer == "New answer." and entry.topic == "funding"
    assert not entry.is_published  # the box was not ticked
    client.logout()
    assert "New answer." not in client.get(questions_url(round_)).content.decode()


def test_an_unconfirmed_question_is_not_in_the_admin_either(client, client_as, round_):
    ask(client, round_, email="unconfirmed@example.org")
    waiting_question(round_, email="confirmed@example.org")
    staff = client_as(core.StaffFactory(is_superuser=True))
    page = staff.get(
        reverse("admin:applications_askedquestion_changelist")
    ).content.decode()
    assert "confirmed@example.org" in page
    assert "unconfirmed@example.org" not in page
