"""Bidirectional controls typed into the portal never reach what others read.

A name typed with U+202E (right-to-left override) shows reversed, and the
override runs on into the text after it, in every page, log, report and
e-mail that shows it. Every input path strips them: forms, formsets, the
admin, and views that read the raw POST (survey answers).
"""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import ActionLog, CheckInNote
from dashmentor.models import Organization, User
from dashmentor.text import BIDI_CONTROLS, strip_bidi_controls
from surveys.models import Answer, Invitation, Survey, hash_token, new_invitation_token
from tests import factories
from tests.cohorts import year_factories as yf
from tests.surveys.factories import add_questions, cohort_with_mentees, valid_answers

pytestmark = pytest.mark.django_db

# Each control once, inside text that reads plainly without them.
EVERY_CONTROL = "".join(sorted(BIDI_CONTROLS))
SPOOF = "Invoice \u202etxt.exe\u202c for \u2067Yakima\u2069 \u200eOK\u200f\u061c"
PLAIN = "Invoice txt.exe for Yakima OK"


def neutral(text: str) -> bool:
    return not any(ch in BIDI_CONTROLS for ch in text)


def test_the_helper_strips_every_control_and_keeps_right_to_left_letters():
    assert strip_bidi_controls(SPOOF) == PLAIN
    assert strip_bidi_controls(EVERY_CONTROL) == ""
    arabic_hebrew = "جمعية الصحة — עמותת בריאות"
    assert strip_bidi_controls(arabic_hebrew) == arabic_hebrew
    assert {"\u202a", "\u202e", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"} <= (
        BIDI_CONTROLS
    )


def test_the_organization_profile_form(client_as):
    user = factories.UserFactory()
    client = client_as(user)
    response = client.post(
        reverse("applications:organization"),
        {
            "name": f"Lakeside {SPOOF}",
            "org_type": "501c3",
            "sector": "public_health",
            "ein": "123456789",
            "address_line1": f"1 Lake St{EVERY_CONTROL}",
            "city": "Lake\u202eside",
            "state": "MN",
            "postal_code": "55001",
            "website": "",
        },
    )
    assert response.status_code == 302
    org = Organization.objects.get(memberships__user=user)
    assert org.name == f"Lakeside {PLAIN}"
    assert org.address_line1 == "1 Lake St" and org.city == "Lakeside"
    page = client.get(reverse("applications:applicant-home")).content.decode()
    assert f"Lakeside {PLAIN}" in page
    assert neutral(page)


def test_the_sign_up_form_and_its_password_kept_as_typed(client):
    """Names lose the controls; a password keeps every character (it is never
    shown, and signing in must match what was typed)."""
    password = "pass\u202eword-long-enough"
    client.post(
        reverse("applications:signup"),
        {
            "full_name": "Rosa\u202e Diaz",
            "email": "rosa@example.org",
            "title": "\u2066Director\u2069",
            "time_zone": "America/Chicago",
            "password1": password,
            "password2": password,
        },
    )
    user = User.objects.get(email="rosa@example.org")
    assert (user.full_name, user.title) == ("Rosa Diaz", "Director")
    assert user.check_password(password)
    response = client.post(
        reverse("login"), {"username": "rosa@example.org", "password": password}
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_check_ins_and_action_logs(client_as):
    """The mentor's check-in note and the mentee's log, as the other reads them."""
    mentorship, mentor, (member,) = yf.cohort(1)
    period = yf.ActionPeriodFactory(mentorship=mentorship)
    mentor_client = client_as(mentor)
    assert (
        mentor_client.post(
            reverse("cohorts:checkin-note-create", args=[member.award.pk]),
            {
                "held_on": timezone.localdate().isoformat(),
                "attendees": f"Ana{EVERY_CONTROL}, Bo",
                "notes": SPOOF,
                "follow_ups": "Send \u202ethe template",
                "shared_with_mentee": "on",
            },
        ).status_code
        == 302
    )
    note = CheckInNote.objects.get()
    assert neutral(note.attendees + note.notes + note.follow_ups)
    mentee_client = client_as(member.user)
    mentee_client.post(
        reverse("cohorts:action-logs", args=[member.award.pk]),
        {"period": period.pk, "did": SPOOF, "next_steps": "Map \u2067the\u2069 data."},
    )
    log = ActionLog.objects.get()
    assert neutral(log.did + log.next_steps)
    assert PLAIN in log.did
    for client, url in [
        (mentee_client, reverse("cohorts:checkin-notes", args=[member.award.pk])),
        (mentor_client, reverse("cohorts:action-logs", args=[member.award.pk])),
    ]:
        page = client.get(url).content.decode()
        assert PLAIN in page
        assert neutral(page)


def test_survey_answers_read_from_the_raw_post(client, client_as, staff_user):
    """The answer page reads request.POST itself, without a form."""
    survey = Survey.objects.create(
        title="Midpoint",
        kind=Survey.Kind.MIDPOINT,
        audience=Survey.Audience.ROUND,
        round=factories.RoundFactory(),
        opens_at=timezone.now() - dt.timedelta(hours=1),
        closes_at=timezone.now() + dt.timedelta(days=10),
        anonymous=False,
        min_group_size=1,
        status=Survey.Status.OPEN,
    )
    q = add_questions(survey)
    mentorship, (user,) = cohort_with_mentees(survey.round, 1)
    token = new_invitation_token()
    Invitation.objects.create(
        survey=survey,
        user=user,
        email=user.email,
        mentorship=mentorship,
        organization=user.cohort_memberships.get().award.application.organization,
        token_hash=hash_token(token),
    )
    answers = valid_answers(q, text=SPOOF)
    answers[f"q{q['short_text'].pk}"] = ["\u202eYakima"]
    assert client.post(reverse("surveys:answer", args=[token]), answers).status_code
    texts = list(Answer.objects.exclude(text="").values_list("text", flat=True))
    assert sorted(texts) == sorted([PLAIN, "Yakima"])
    report = client_as(staff_user).get(
        reverse("surveys:survey-report", args=[survey.pk])
    )
    assert PLAIN in report.content.decode()
    assert neutral(report.content.decode())


class _FormValues(HTMLParser):
    """The values a browser would post back from a page's main form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.setdefault(self._select, []).append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def test_the_admin(client_as):
    """A staff member renaming someone in the admin's own change form."""
    admin = factories.StaffFactory(is_superuser=True)
    person = factories.UserFactory(full_name="Someone Else")
    client = client_as(admin)
    url = reverse("admin:dashmentor_user_change", args=[person.pk])
    parser = _FormValues()
    parser.feed(client.get(url).content.decode())
    data = parser.data
    data["full_name"] = ["Plain\u202e Name\u2066"]
    response = client.post(url, data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Plain Name"


def test_search_terms_in_the_address_are_cleaned_too(client_as, staff_user):
    """A link crafted with controls in its query string shows them nowhere."""
    page = client_as(staff_user).get(
        reverse("applications:staff-review-list"), {"q": "Yak\u202eima"}
    )
    assert neutral(page.content.decode())
