import datetime as dt
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from applications.models import (
    Criterion,
    Decision,
    EligibilityResult,
    Review,
    ReviewAssignment,
    Score,
)
from applications.transfer import ROUND_IMPORT_EXISTS, round_export, round_import
from cohorts.models import Attendance, Event, Goal, WorkPlan
from dashmentor.models import User
from surveys.models import Answer, Invitation, Question, Response, Section, Survey
from tests import factories


def build_round():
    """A round with a row in every kind of table the export carries."""
    member = factories.CohortMemberFactory()
    award = member.award
    application = award.application
    round_ = application.round
    factories.ContactFactory(application=application)
    factories.PartnerFactory(application=application, sectors=["housing", "education"])
    factories.PreferenceFactory(application=application, mentorship=award.mentorship)
    EligibilityResult.objects.create(
        application=application, criterion=1, outcome="pass", reason_text="Clear goal."
    )
    criterion = Criterion.objects.create(round=round_, key="need", name="Need")
    reviewer = factories.ReviewerFactory()
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer
    )
    review = Review.objects.create(assignment=assignment, overall_comment="Strong.")
    Score.objects.create(review=review, criterion=criterion, value=4, comment="Good")
    Decision.objects.create(
        application=application, outcome="accept", decided_by=reviewer
    )
    award.mentorship.mentors.add(factories.UserFactory(email="mentor@example.org"))
    plan = WorkPlan.objects.create(award=award)
    Goal.objects.create(workplan=plan, title="Link housing data")
    event = Event.objects.create(
        mentorship=award.mentorship,
        kind=Event.Kind.WEBINAR,
        title="Cohort webinar",
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    Attendance.objects.create(event=event, member=member, status="present")
    survey = Survey.objects.create(
        title="Midpoint",
        kind=Survey.Kind.MIDPOINT,
        round=round_,
        audience=Survey.Audience.ROUND,
        opens_at=timezone.now(),
        closes_at=timezone.now() + dt.timedelta(days=7),
    )
    section = Section.objects.create(survey=survey, title="How is it going")
    question = Question.objects.create(section=section, kind="likert", prompt="Useful?")
    Invitation.objects.create(
        survey=survey, user=member.user, email=member.email, token_hash="0" * 64
    )
    response = Response.objects.create(survey=survey, submitted_on=timezone.localdate())
    Answer.objects.create(response=response, question=question, number=4)
    # Its timeline, public questions and webinar, with a registrant who has
    # an account and a question answered by a member of staff.
    from applications.outreach.models import (
        AskedQuestion,
        FaqEntry,
        Milestone,
        Webinar,
        WebinarRegistration,
    )

    staff = factories.StaffFactory(email="officer@example.org")
    Milestone.objects.create(round=round_, kind="announced", on=dt.date(2099, 1, 5))
    entry = FaqEntry.objects.create(
        round=round_, question="Who?", answer="Anyone.", published_at=timezone.now()
    )
    AskedQuestion.objects.create(
        round=round_,
        text="Who can apply?",
        email="asker@example.org",
        status="answered",
        entry=entry,
        answer="Anyone.",
        answered_by=staff,
    )
    webinar = Webinar.objects.create(
        round=round_, title="Info", starts_at=timezone.now() + dt.timedelta(days=2)
    )
    WebinarRegistration.objects.create(
        webinar=webinar,
        name="Reg",
        email=member.user.email,
        user=member.user,
        status="confirmed",
    )
    return round_


def canonical(export: dict) -> dict:
    """The export with people named by e-mail instead of database ids."""
    emails = {u["pk"]: u["email"] for u in export["users"]}
    records = []
    for record in export["records"]:
        model = apps.get_model(record["model"])
        fields = dict(record["fields"])
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if field.is_relation and field.related_model is User:
                value = fields.get(field.name)
                if isinstance(value, list):
                    fields[field.name] = sorted(emails[v] for v in value)
                elif value is not None:
                    fields[field.name] = emails[value]
        records.append({**record, "fields": fields})
    users = sorted(
        ({k: v for k, v in u.items() if k != "pk"} for u in export["users"]),
        key=lambda u: u["email"],
    )
    return {**export, "users": users, "records": records}


@pytest.mark.django_db(transaction=True)
def test_a_round_exported_then_imported_into_an_empty_database_is_the_same():
    """Export, empty the database, import: a second export is identical."""
    round_ = build_round()
    first = json.loads(json.dumps(round_export(round_=round_), default=str))
    kinds = {r["model"] for r in first["records"]}
    assert {"applications.score", "cohorts.attendance", "surveys.answer"} <= kinds
    assert {"applications.askedquestion", "applications.webinarregistration"} <= kinds
    assert all("password" not in u for u in first["users"])

    call_command("flush", interactive=False, verbosity=0)
    assert not User.objects.exists()
    written = round_import(data=first)
    assert written == len(first["records"]) + len(first["users"])

    from applications.models import Round

    again = json.loads(
        json.dumps(round_export(round_=Round.objects.get()), default=str)
    )
    assert canonical(again) == canonical(first)
    assert not User.objects.get(email="mentor@example.org").has_usable_password()


@pytest.mark.django_db
def test_importing_a_round_that_exists_is_refused_and_changes_nothing():
    round_ = build_round()
    data = json.loads(json.dumps(round_export(round_=round_), default=str))
    before = User.objects.count()
    with pytest.raises(ValueError, match="already holds a round"):
        round_import(data=data)
    assert User.objects.count() == before
    assert ROUND_IMPORT_EXISTS.startswith("This database already holds")


@pytest.mark.django_db
def test_export_command_writes_the_round_to_a_file(tmp_path):
    round_ = build_round()
    target = tmp_path / "round.json"
    call_command("export_round", round_.slug, output=str(target))
    data = json.loads(target.read_text())
    assert data["format"] == "dashmentor-round"
    assert data["round"] == round_.slug


@pytest.mark.django_db(transaction=True)
def test_an_export_from_before_the_reasons_were_codes_imports_its_text():
    """An older file names the screening's reason "reason": it is read as the
    text it was written in."""
    round_ = build_round()
    data = json.loads(json.dumps(round_export(round_=round_), default=str))
    for record in data["records"]:
        if record["model"] == "applications.eligibilityresult":
            fields = record["fields"]
            fields["reason"] = fields.pop("reason_text")
            del fields["reason_codes"]
    call_command("flush", interactive=False, verbosity=0)
    round_import(data=data)
    assert EligibilityResult.objects.get().reason == "Clear goal."
