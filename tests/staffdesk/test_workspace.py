"""The staff home's to-do, late reviews, reminders before the due date, the
reports index with its CSVs, and the audit trail in words."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dashmentor.services import audit_record
from notifications.models import Kind, Message
from staffdesk.models import ReviewSchedule
from staffdesk.tasks import review_reminders_task
from tests import factories

from .factories import late_review

pytestmark = pytest.mark.django_db


def _todo(page, key):
    return next(item for item in page.context["todo"] if item.key == key)


def test_the_home_counts_late_reviews_by_reviewer_and_links_to_them(
    client_as, staff_user
):
    first = late_review()
    round_ = first.application.round
    late_review(reviewer=first.reviewer, round_=round_)
    late_review(round_=round_)
    page = client_as(staff_user).get(reverse("staff-home"), {"round": round_.pk})
    item = _todo(page, "late-reviews")
    assert (item.count, item.detail) == (3, "by 2 reviewers")
    assert item.url == reverse("staffdesk:late-reviews") + f"?round={round_.pk}"
    assert f'href="{item.url}"' in page.content.decode().replace("&amp;", "&")


def test_reviews_not_yet_due_are_not_late(client_as, staff_user):
    assignment = late_review(days_late=-2)
    page = client_as(staff_user).get(
        reverse("staff-home"), {"round": assignment.application.round.pk}
    )
    assert _todo(page, "late-reviews").count == 0
    late = client_as(staff_user).get(reverse("staffdesk:late-reviews"))
    assert late.context["rows"] == []


def test_the_home_reads_a_fixed_number_of_queries(
    client_as, staff_user, django_assert_max_num_queries
):
    client = client_as(staff_user)
    for n in (1, 8):
        while Message.objects.count() < n:
            round_ = late_review().application.round
            Message.objects.create(
                kind=Kind.GENERAL,
                to_email=f"x{n}-{Message.objects.count()}@example.org",
                subject="s",
                body_text="b",
                idempotency_key=f"k{Message.objects.count()}",
                status=Message.Status.FAILED,
            )
            audit_record(actor=staff_user, action="round.change", target=round_)
        # The to-do's own reads and the cards the other apps register.
        with django_assert_max_num_queries(16):
            page = client.get(reverse("staff-home"), {"round": round_.pk})
        assert _todo(page, "failed-mail").count == n


def test_reviewers_are_reminded_once_before_the_due_date():
    assignment = late_review(days_late=-2)
    schedule = ReviewSchedule.objects.get(round=assignment.application.round)
    with time_machine.travel(timezone.now() - dt.timedelta(days=10)):
        assert review_reminders_task() == 0, "more than seven days before: nothing"
    assert review_reminders_task() == 1
    assert review_reminders_task() == 0, "a second run writes nothing"
    message = Message.objects.get(kind=Kind.REVIEW_REMINDER)
    assert message.to_email == assignment.reviewer.email
    assert "in 2 days" in message.body_text
    assert f"{schedule.reviews_due_on:%B}" in message.subject


def test_staff_set_a_rounds_review_due_date_and_bad_days_are_refused(
    client_as, staff_user
):
    round_ = factories.RoundFactory()
    client = client_as(staff_user)
    url = reverse("staffdesk:review-schedule", args=[round_.slug])
    bad = client.post(url, {"reviews_due_on": "2027-03-01", "reminder_days": "7, x"})
    assert "Give whole numbers of days" in bad.content.decode()
    assert not ReviewSchedule.objects.exists()
    client.post(url, {"reviews_due_on": "2027-03-01", "reminder_days": "2, 7"})
    schedule = ReviewSchedule.objects.get(round=round_)
    assert (schedule.reviews_due_on, schedule.reminder_days) == (
        dt.date(2027, 3, 1),
        [7, 2],
    )
    stamp = schedule.updated_at
    client.post(url, {"reviews_due_on": "2027-03-01", "reminder_days": "7, 2"})
    schedule.refresh_from_db()
    assert schedule.updated_at == stamp, "saved back unchanged, nothing is written"


def test_every_report_of_the_index_opens_and_every_csv_downloads(client_as, staff_user):
    assignment = late_review()
    round_ = assignment.application.round
    factories.AwardFactory(application__round=round_)
    client = client_as(staff_user)
    index = client.get(reverse("staffdesk:reports"), {"round": round_.pk})
    reports = [r for _title, rs in index.context["sections"] for r in rs]
    assert {"Reviewer progress", "Awards", "Audit trail"} <= {r.name for r in reports}
    for report in reports:
        assert client.get(report.url).status_code == 200, report.url
        download = client.get(report.csv_url)
        assert download.status_code == 200, report.csv_url
        assert download["Content-Type"].startswith("text/csv"), report.csv_url
    progress = client.get(
        reverse("staffdesk:report-csv", args=["reviewers"]), {"round": round_.pk}
    )
    # The first line names the language.
    rows = list(csv.reader(io.StringIO(progress.content.decode())))[1:]
    assert rows[0][:3] == ["Reviewer", "E-mail", "Assigned"]
    assert rows[1][1] == assignment.reviewer.email


def test_the_audit_trail_speaks_in_labels_and_filters(client_as, staff_user):
    application = factories.ApplicationFactory()
    dana = factories.StaffFactory(full_name="Dana Ortiz")
    audit_record(
        actor=dana,
        action="application.screen",
        target=application,
        before={"eligibility": "pending"},
        after={"eligibility": "eligible"},
    )
    audit_record(actor=staff_user, action="round.change", target=application.round)
    client = client_as(staff_user)
    page = client.get(reverse("staffdesk:audit"), {"person": "ortiz"})
    entries = page.context["entries"]
    assert len(entries) == 1
    assert entries[0].changes == ["Eligibility: Not screened → Eligible"]
    assert entries[0].who == "Dana Ortiz"
    assert "Eligibility: Not screened → Eligible" in page.content.decode()
    by_action = client.get(reverse("staffdesk:audit"), {"action": "round.change"})
    assert [e.event.action for e in by_action.context["entries"]] == ["round.change"]
    download = client.get(
        reverse("staffdesk:audit"), {"person": "ortiz", "format": "csv"}
    )
    text = b"".join(download.streaming_content).decode()
    # The first line names the language.
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert rows[1][1:3] == ["Dana Ortiz", "Application screen"]
    assert rows[1][5] == "Eligibility: Not screened → Eligible"


def test_the_audit_trail_speaks_spanish_to_a_spanish_reader(client_as, staff_user):
    """Actions, values, who did it and the CSV's header are all in Spanish."""
    application = factories.ApplicationFactory()
    audit_record(
        actor=None,
        action="award.letter_issue",
        target=application,
        before={"eligibility": "pending", "disagreement": True},
        after={"eligibility": "eligible"},
    )
    staff_user.language = "es"
    staff_user.save(update_fields=["language"])
    client = client_as(staff_user)
    page = client.get(reverse("staffdesk:audit"))
    (entry,) = page.context["entries"]
    assert entry.action == "Carta de adjudicación emitida"
    assert entry.who == "el portal"
    assert entry.kind == "Solicitud"
    assert entry.changes == [
        "Elegibilidad: Sin evaluar → Elegible",
        "Desacuerdo era sí",
    ]
    download = client.get(reverse("staffdesk:audit"), {"format": "csv"})
    text = b"".join(download.streaming_content).decode()
    language, header, row = csv.reader(io.StringIO(text))
    assert language == ["Idioma: español"]
    assert header == [
        "Cuándo",
        "Quién",
        "Acción",
        "Tipo de objeto",
        "Registro",
        "Cambios",
        "Nota",
    ]
    assert row[2] == "Carta de adjudicación emitida"


@pytest.mark.parametrize(
    "name",
    ["staff-home", "staffdesk:reports", "staffdesk:audit", "staffdesk:late-reviews"],
)
def test_reviewers_and_mentors_are_refused_the_workspace(
    client_as, reviewer_user, mentor_user, name
):
    for user in (reviewer_user, mentor_user):
        assert client_as(user).get(reverse(name)).status_code == 403


def test_to_do_lists_open_with_their_csv(client_as, staff_user):
    client = client_as(staff_user)
    for which in ("offers", "workplans", "attendance", "surveys"):
        url = reverse("staffdesk:todo", args=[which])
        assert client.get(url).status_code == 200
        assert client.get(url, {"format": "csv"})["Content-Type"].startswith("text/csv")
    assert client.get(reverse("staffdesk:todo", args=["nothing"])).status_code == 404
