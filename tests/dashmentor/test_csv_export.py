"""No CSV the portal writes can run as a spreadsheet formula.

Text that applicants, respondents, mentors and staff write is planted in every
field that reaches an export, each starting with a different formula trigger;
every export is downloaded as staff and read back: each planted text is there,
and no cell starts a formula. Numbers stay numbers.
"""

import ast
import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Application
from dashmentor.csv_export import FORMULA_STARTS, csv_cell, csv_response
from dashmentor.models import Organization
from surveys import services as survey_services
from surveys.models import (
    Choice,
    Invitation,
    Question,
    Survey,
    hash_token,
    new_invitation_token,
)
from tests import factories
from tests.affinity.factories import (
    CycleFactory,
    GroupFactory,
    GroupMemberFactory,
    MeetingFactory,
)
from tests.applications import review_factories as rf
from tests.surveys.factories import add_questions, cohort_with_mentees, valid_answers

TRIGGERS = ["=", "+", "-", "@", "\t=", "\r=", "\uff1d", "\n="]
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def hostile(field: str, index: int = 0) -> str:
    trigger = TRIGGERS[index % len(TRIGGERS)]
    return f'{trigger}HYPERLINK("http://evil.example/{field}","open me")'


def read(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    language, *rows = csv.reader(io.StringIO(body.decode(), newline=""))
    assert language[0].startswith(("Language: ", "Idioma: "))
    return rows


def is_formula(cell: str) -> bool:
    return cell[:1] in FORMULA_STARTS and not PLAIN_NUMBER.fullmatch(cell)


def assert_safe(rows, planted: list[str]):
    cells = [cell for row in rows for cell in row]
    formulas = [cell for cell in cells if is_formula(cell)]
    assert not formulas, formulas
    for text in planted:
        assert any(text in cell for cell in cells), f"{text!r} not in the export"
        # Where a planted text is a whole cell, it is kept, behind an apostrophe.
        whole = [
            cell for cell in cells if cell.endswith(text) and len(cell) <= len(text) + 1
        ]
        assert all(cell == "'" + text for cell in whole), whole


# --- the helper itself -------------------------------------------------------


@pytest.mark.parametrize("trigger", sorted(FORMULA_STARTS))
def test_every_formula_start_is_escaped(trigger):
    assert csv_cell(f"{trigger}1+1") == f"'{trigger}1+1"


@pytest.mark.parametrize(
    "value",
    [-3, 3, -0.5, 2.25, "-3", "+3", "-1.50", "-.5", "-1e-05", "Plain text", "a=b", ""],
)
def test_numbers_and_plain_text_are_left_as_they_are(value):
    assert csv_cell(value) == value


def test_none_is_an_empty_cell_and_text_like_numbers_are_escaped():
    assert csv_cell(None) == ""
    assert csv_cell("-3+cmd|' /C calc'!A0") == "'-3+cmd|' /C calc'!A0"
    assert csv_cell("-") == "'-"
    assert csv_cell(True) == "True"


def test_the_response_streams_an_iterator_and_names_the_file_safely():
    rows = ([i, f"={i}"] for i in range(3))
    response = csv_response('odd "name"\n.csv', rows, header=["n", "text"])
    assert response.streaming
    assert "\n" not in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines() == [
        "Language: English",
        "n,text",
        "0,'=0",
        "1,'=1",
        "2,'=2",
    ]


def test_a_file_is_in_the_requests_language_and_says_so():
    """One language a file: its first line and its name say which."""
    for code, line in (("en", "Language: English"), ("es", "Idioma: español")):
        with translation.override(code):
            response = csv_response("report.csv", [[1, "x"]], header=["n", "t"])
        assert response.content.decode().splitlines() == [line, "n,t", "1,x"]
        assert response["Content-Disposition"] == (
            f'attachment; filename="report-{code}.csv"'
        )
        assert response["Content-Language"] == code


def test_no_module_but_the_helper_writes_csv():
    """A second copy of the CSV writer (without the escaping) is caught: no
    module of the portal imports :mod:`csv` or builds a ``text/csv`` response
    except ``dashmentor/csv_export.py``."""
    offenders = []
    apps = ["dashmentor", "notifications", "applications", "cohorts", "surveys"]
    for app in [*apps, "affinity"]:
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            if path.name == "csv_export.py" or "migrations" in path.parts:
                continue
            source = path.read_text()
            for node in ast.walk(ast.parse(source)):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                if any(name == "csv" or name.startswith("csv.") for name in names):
                    offenders.append(f"{path.name}: imports csv")
            if "text/csv" in source:
                offenders.append(f"{path.name}: builds a text/csv response")
    assert not offenders


# --- every export, read back -----------------------------------------------


@pytest.mark.django_db
def test_the_review_list_export(client_as, staff_user):
    """Organization names and mentorship names reach the review list export;
    negative normalized scores stay numbers."""
    round_ = factories.RoundFactory()
    apps = rf.bulk_round(round_, applications=6)
    planted = []
    for i, app in enumerate(apps):
        name = hostile(f"org-{i}", i)
        Organization.objects.filter(pk=app.organization_id).update(name=name)
        planted.append(name)
    for i, mentorship in enumerate(round_.mentorships.all()):
        name = hostile(f"mentor-org-{i}", i + 3)
        Organization.objects.filter(pk=mentorship.mentor_organization_id).update(
            name=name
        )
        planted.append(name)
    # A score below the round's mean is negative once normalized.
    Application.objects.filter(pk=apps[0].pk).update(score_normalized=Decimal("-0.75"))
    rows = read(
        client_as(staff_user).get(
            reverse("applications:staff-review-list"),
            {"round": round_.pk, "export": "csv"},
        )
    )
    assert_safe(rows, planted)
    normalized = rows[0].index("Normalized score")
    values = [row[normalized] for row in rows[1:] if row[normalized]]
    assert "-0.750" in values or "-0.75" in values, values
    assert all(PLAIN_NUMBER.fullmatch(v) for v in values), values


@pytest.fixture
def answered_survey(client, staff_user):
    """A named (not anonymous) survey of one cohort of five, its texts all
    planted: title, section, prompts, choice and scale labels, the cohort's
    name, the organizations, and the answers typed through the answer page."""
    survey = Survey.objects.create(
        title=hostile("survey-title", 0),
        kind=Survey.Kind.MIDPOINT,
        audience=Survey.Audience.ROUND,
        round=factories.RoundFactory(),
        opens_at=timezone.now() - dt.timedelta(hours=1),
        closes_at=timezone.now() + dt.timedelta(days=10),
        anonymous=False,
        min_group_size=5,
        status=Survey.Status.OPEN,
    )
    q = add_questions(survey)
    planted = {"title": survey.title}
    section = q["likert"].section
    section.title = planted["section"] = hostile("section", 1)
    section.save()
    q["likert"].likert_labels = [hostile(f"scale-{i}", i) for i in range(5)]
    q["likert"].save()
    choice = Choice.objects.filter(question=q["single"]).get(value="monthly")
    choice.label = planted["choice"] = hostile("choice", 2)
    choice.save()
    mentorship, users = cohort_with_mentees(survey.round, 5)
    Organization.objects.filter(pk=mentorship.mentor_organization_id).update(
        name=hostile("cohort", 3)
    )
    planted["cohort"] = hostile("cohort", 3)
    for i, user in enumerate(users):
        org = user.cohort_memberships.get().award.application.organization
        org.name = planted[f"org-{i}"] = hostile(f"respondent-org-{i}", i + 4)
        org.save()
        token = new_invitation_token()
        Invitation.objects.create(
            survey=survey,
            user=user,
            email=user.email,
            mentorship=mentorship,
            organization=org,
            token_hash=hash_token(token),
        )
        text = planted[f"answer-{i}"] = hostile(f"answer-{i}", 0 if i % 2 else 2)
        answers = valid_answers(q, likert=str(1 + i % 5), text=text)
        answers[f"q{q['short_text'].pk}"] = [hostile(f"word-{i}", 3)]
        planted[f"word-{i}"] = hostile(f"word-{i}", 3)
        response = client.post(reverse("surveys:answer", args=[token]), answers)
        assert response.status_code == 302, response.content.decode()[:500]
    for i, label in enumerate(q["likert"].likert_labels):
        planted[f"scale-{i}"] = label
    return survey, planted


@pytest.mark.django_db
def test_the_survey_report_export(answered_survey, client_as, staff_user):
    survey, planted = answered_survey
    rows = read(
        client_as(staff_user).get(
            reverse("surveys:survey-report-csv", args=[survey.pk])
        )
    )
    # The answers typed on the page keep their text (apart from spaces the
    # page trims), and every other planted text is there too.
    texts = [v.strip() for v in planted.values()]
    assert_safe(rows, texts)


@pytest.mark.django_db
def test_the_capacity_comparison_export(client_as, staff_user):
    """Organization names and prompts of a before-and-after comparison."""
    base = Survey.objects.create(
        title="Baseline",
        kind=Survey.Kind.CAPACITY,
        audience=Survey.Audience.ROUND,
        round=factories.RoundFactory(),
        opens_at=timezone.now() - dt.timedelta(days=200),
        closes_at=timezone.now() + dt.timedelta(days=10),
        anonymous=False,
        status=Survey.Status.OPEN,
    )
    q = add_questions(base)
    q["likert"].prompt = hostile("prompt", 1)
    q["likert"].save()
    mentorship, users = cohort_with_mentees(base.round, 2)
    orgs = [u.cohort_memberships.get().award.application.organization for u in users]
    for i, org in enumerate(orgs):
        org.name = hostile(f"compared-org-{i}", i + 2)
        org.save()

    def answer(survey, questions, score):
        for user, org in zip(users, orgs, strict=True):
            token = new_invitation_token()
            invitation = Invitation.objects.create(
                survey=survey,
                user=user,
                email=user.email,
                organization=org,
                token_hash=hash_token(token),
            )
            survey_services.response_submit(
                invitation=invitation, raw=valid_answers(questions, likert=score)
            )

    answer(base, q, "4")
    later = survey_services.survey_copy(survey=base, by=staff_user)
    later.title = "Later"
    later.opens_at = timezone.now() - dt.timedelta(hours=1)
    later.status = Survey.Status.OPEN
    later.save()
    answer(
        later,
        {qq.kind: qq for qq in Question.objects.filter(section__survey=later)},
        "2",
    )
    rows = read(
        client_as(staff_user).get(
            reverse("surveys:capacity-compare-csv", args=[later.pk])
        )
    )
    assert_safe(rows, [hostile("prompt", 1), orgs[0].name, orgs[1].name])
    # A fall of two points is the number -2.00, not text.
    assert ["overall", "all organizations", "4.00", "2.00", "-2.00"] in rows


@pytest.mark.django_db
def test_the_affinity_exports(client_as, staff_user):
    """Group topics, meeting titles and collaboration names in the three
    affinity tables."""
    # During the factory awards' contract year, so its collaboration counts.
    today = timezone.localdate()
    cycle = CycleFactory(
        name='2026 "spring"',
        starts_on=today + dt.timedelta(days=90),
        ends_on=today + dt.timedelta(days=330),
    )
    planted = []
    groups = []
    for i in range(2):
        group = GroupFactory(cycle=cycle, topic=hostile(f"topic-{i}", i))
        planted.append(group.topic)
        groups.append(group)
    award = factories.AwardFactory(
        application__collaboration_name=hostile("collaboration", 4)
    )
    planted.append(award.application.collaboration_name)
    person = factories.CohortMemberFactory(award=award).user
    member = GroupMemberFactory(group=groups[0], user=person)
    GroupMemberFactory(group=groups[1], user=person)
    meeting = MeetingFactory(
        group=groups[0],
        title=hostile("meeting", 5),
        starts_at=timezone.now() - dt.timedelta(days=3),
    )
    planted.append(meeting.title)
    from affinity import services as affinity_services

    affinity_services.attendance_record(
        meeting=meeting, present=[member.pk], by=staff_user
    )
    client = client_as(staff_user)
    everything = []
    for which in ("attendance", "members", "crossover"):
        response = client.get(
            reverse("affinity:report-csv", args=[which]), {"cycle": cycle.pk}
        )
        # The cycle's quotes are escaped: the header still names one file.
        disposition = response["Content-Disposition"]
        assert disposition == (
            f'attachment; filename="affinity-2026-\\"spring\\"-{which}-en.csv"'
        )
        everything.extend(read(response))
    assert_safe(everything, planted)


def test_the_closeout_exports(client_as, staff_user):
    """Organization names, tranche labels, payment references, the round's name
    and a resource's title in the payments and funder's report tables."""
    from decimal import Decimal

    from awards import services as award_services
    from tests.awards.factories import Awarded

    a = Awarded()
    round_ = a.award.application.round
    round_.name = hostile("round", 0)
    round_.save()
    organization = a.award.application.organization
    organization.name = hostile("organization", 1)
    organization.save()
    award_services.schedule_save(
        round_=round_,
        terms=[
            {
                "label": hostile("tranche", 2),
                "percent": Decimal("100"),
                "requires_letter": True,
                "requires_workplan": False,
                "requires_report": False,
            }
        ],
        by=staff_user,
    )
    letter = award_services.letter_issue(
        award=a.award, by=staff_user, expected_number=0
    )
    award_services.letter_accept(letter=letter, by=a.contact)
    award_services.letter_countersign(letter=letter, by=staff_user)
    reference = hostile("reference", 3)
    award_services.payment_record(
        tranche=a.award.tranches.get(),
        amount=Decimal("5000"),
        paid_on=timezone.localdate(),
        reference=reference,
        by=staff_user,
    )
    resource = award_services.resource_save(
        by=a.contact,
        award=a.award,
        title=hostile("resource", 4),
        summary="x",
        kind="toolkit",
        link="https://example.org/",
        topics=[],
        sectors=[],
        license="cc0-1.0",
        authors="",
    )
    award_services.resource_submit(resource=resource, by=a.contact)
    award_services.resource_review(
        resource=resource, publish=True, note="", by=staff_user
    )
    client = client_as(staff_user)
    rows = read(client.get(reverse("awards:payments-csv", args=[round_.pk])))
    rows += read(client.get(reverse("awards:funder-report-csv", args=[round_.pk])))
    assert_safe(
        rows,
        [
            organization.name,
            hostile("tranche", 2),
            reference,
            round_.name,
            resource.title,
        ],
    )
