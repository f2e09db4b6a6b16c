"""Blind review blinds.

In a blind round an external reviewer reads each partner by its sectors and
role only, and no value of a withheld field (the organization's name, its
collaboration's, its contacts', its partners', and their obvious variants in
the answers) shows on any page the reviewer reaches from its home, nor in the
e-mail it gets. Internal reviewers and staff keep the full application.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from applications.models import Answer, Question, ReviewAssignment, Round
from applications.review import rules, services
from dashmentor.models import User
from notifications.models import Message
from tests import factories
from tests.applications import review_factories as rf
from tests.support.crawl import crawl

pytestmark = pytest.mark.django_db


def leaks(text: str, names) -> list[str]:
    """The withheld names ``text`` mentions, in any case, as whole words."""
    names = sorted({n for n in names if n}, key=len, reverse=True)
    if not names:
        return []
    pattern = "|".join(re.escape(n) for n in names)
    found = re.findall(rf"(?<!\w)(?:{pattern})(?!\w)", text, re.IGNORECASE)
    return sorted({f.lower() for f in found})


def named_application(round_, place: str, questions):
    """A submitted application whose every identifying field names ``place``,
    and whose free texts name them back in the ways applicants write."""
    org = factories.OrganizationFactory(
        name=f"{place} Community Health Collaborative",
        city=place,
        address_line1="401 Orchard Avenue",
        postal_code="98901",
        website=f"https://www.{place.lower()}-health.example.org/about",
        ein="91-1234567",
    )
    app = rf.SubmittedApplicationFactory(
        round=round_,
        organization=org,
        collaboration_name=f"Healthy {place} Partnership",
        collaboration_description=(
            f"The Healthy {place} Partnership has met monthly since 2017; "
            f"{place.upper()} COMMUNITY HEALTH COLLABORATIVE convenes it."
        ),
        learning_goal=(
            f"{org.name}'s goal is to link school and police data; ask Casey "
            f"Whitlock (casey.whitlock@{place.lower()}-health.example.org)."
        ),
        sectors_index=",public_safety,education,",
    )
    factories.ContactFactory(
        application=app,
        kind="primary",
        name="Casey Whitlock",
        email=f"casey.whitlock@{place.lower()}-health.example.org",
        phone="509-555-0142",
    )
    factories.ContactFactory(
        application=app,
        kind="secondary",
        name="Devon Marsh",
        email=f"devon.marsh@{place.lower()}-health.example.org",
    )
    factories.ContactFactory(
        application=app, kind="team", name="Ana Whitcombe", email="ana@example.org"
    )
    police = factories.PartnerFactory(
        application=app,
        name=f"{place} Police Department",
        sectors=["public_safety"],
        role=f"The {place} Police Department's crisis team shares call data.",
        order=1,
    )
    schools = factories.PartnerFactory(
        application=app,
        name=f"{place} Public Schools",
        sectors=["education"],
        role="Attendance data from every middle school.",
        order=2,
    )
    initials = "".join(w[0] for w in schools.name.split())
    texts = [
        f"We began with {police.name.lower()} and {schools.name}' nurses.",
        f"{initials} and the {place}-based clinics joined; see {org.website}.",
        f"Our EIN is {org.ein}; write to 401 Orchard Avenue, {place} 98901.",
    ]
    for question, text in zip(questions, texts, strict=True):
        Answer.objects.create(application=app, question=question, text=text)
    withheld = [
        org.name,
        app.collaboration_name,
        police.name,
        schools.name,
        "Casey Whitlock",
        "Devon Marsh",
        "Ana Whitcombe",
        "casey.whitlock",
        "devon.marsh",
        f"{place.lower()}-health.example.org",
        org.ein,
        "509-555-0142",
        "401 Orchard Avenue",
        "98901",
        place,
        initials,
    ]
    return app, withheld


@pytest.fixture
def blind_round():
    """A blind round with the default identifying fields, two applications
    assigned to an external and an internal reviewer (with the e-mail), the
    internal one's review in, naming a partner in its comment."""
    round_ = factories.RoundFactory(blind_review=True)
    rf.rubric(round_)
    questions = [
        Question.objects.create(round=round_, key=f"q{i}", order=i, prompt=f"Q{i}?")
        for i in range(3)
    ]
    first, withheld = named_application(round_, "Yakima", questions)
    second, withheld_too = named_application(round_, "Wenatchee", questions)
    external = factories.ReviewerFactory(
        full_name="Robin Ames", is_external_reviewer=True
    )
    internal = factories.ReviewerFactory(full_name="Sam Whitfield")
    staff = factories.StaffFactory()
    services.review_assign_auto(round=round_, by=staff, per_application=2)
    peer = ReviewAssignment.objects.get(application=first, reviewer=internal)
    rf.submit_review(peer, [4, 4, 4, 4])
    review = peer.review
    review.overall_comment = (
        "Yakima Police Department's crisis team and Casey Whitlock's lead are "
        "what make this work."
    )
    review.save(update_fields=["overall_comment"])
    return {
        "round": round_,
        "applications": (first, second),
        "withheld": withheld + withheld_too,
        "external": external,
        "internal": internal,
        "staff": staff,
    }


def test_a_new_rounds_identifying_fields_include_partner_names():
    round_ = factories.RoundFactory()
    assert round_.blind_fields == rules.DEFAULT_BLIND_FIELDS
    assert "partners" in Round(name="x").blind_fields


def test_an_external_reviewer_reads_no_withheld_name_on_any_page(
    client_as, blind_round
):
    """Every page the reviewer reaches from its home (its queue, each review
    form before and after its own review, the other reviewers' comments, the
    answers, the page titles, its e-mail history), the pages after declaring
    a conflict or saving, and every e-mail it was sent."""
    first, second = blind_round["applications"]
    withheld = blind_round["withheld"]
    client = client_as(blind_round["external"])
    criteria = list(first.round.criteria.order_by("order", "pk"))

    # Its own review in, so the other reviewers' comments show.
    submitted = client.post(
        reverse("applications:review-form", args=[first.pk]),
        {
            "action": "submit",
            "overall_comment": "Clear need.",
            **{f"score_{c.pk}": "3" for c in criteria},
        },
        follow=True,
    )
    # A conflict declared without saying what it is: refused, page shown.
    refused = client.post(
        reverse("applications:review-conflict", args=[second.pk]),
        {"kind": "other", "note": ""},
        follow=True,
    )
    conflict_get = client.get(reverse("applications:review-conflict", args=[second.pk]))
    pages = crawl(client, reverse("home"))
    reached = {p.url for p in pages}
    assert reverse("applications:reviewer-queue") in reached
    assert reverse("applications:review-form", args=[first.pk]) in reached
    assert reverse("applications:review-form", args=[second.pk]) in reached
    assert reverse("notifications:preferences") in reached
    for page in pages:
        assert page.status == 200, page.url
    texts = {p.url: p.text for p in pages}
    texts["after submitting"] = submitted.content.decode()
    texts["after a refused conflict"] = refused.content.decode()
    texts["conflict page (GET)"] = conflict_get.content.decode()
    emails = Message.objects.filter(recipient=blind_round["external"])
    assert emails.exists()
    for message in emails:
        texts[f"e-mail {message.subject}"] = "\n".join(
            [message.subject, message.body_text, message.body_html]
        )
    for where, text in texts.items():
        assert leaks(text, withheld) == [], where

    # What the reviewer needs to score is there: sectors, roles, the marker.
    form = texts[reverse("applications:review-form", args=[second.pk])]
    assert "Public safety" in form and "Education" in form
    assert "crisis team shares call data" in form
    assert "Attendance data from every middle school." in form
    assert "Partner 1" in form and "Partner 2" in form
    assert str(rules.REDACTED) in form
    assert "Declare a conflict of interest" in form
    done = texts[reverse("applications:review-form", args=[first.pk])]
    assert "Other reviewers" in done
    assert f"{rules.REDACTED} crisis team and {rules.REDACTED} lead" in done


def test_answers_keep_their_sense_with_each_name_replaced(client_as, blind_round):
    first, _ = blind_round["applications"]
    response = client_as(blind_round["external"]).get(
        reverse("applications:review-form", args=[first.pk])
    )
    answers = [text for _prompt, text, _limit in response.context["app_view"].answers]
    marker = rules.REDACTED
    assert answers == [
        f"We began with {marker} and {marker} nurses.",
        f"{marker} and the {marker}-based clinics joined; see https://www.{marker}/about.",
        f"Our EIN is {marker}; write to {marker}, {marker} {marker}.",
    ]


@pytest.mark.parametrize("who", ["internal", "staff"])
def test_internal_reviewers_and_staff_read_the_whole_application(
    client_as, blind_round, who
):
    first, _ = blind_round["applications"]
    user = blind_round[who]
    url = (
        reverse("applications:review-form", args=[first.pk])
        if who == "internal"
        else reverse("applications:staff-application-review", args=[first.pk])
    )
    html = client_as(user).get(url).content.decode()
    for name in [
        "Yakima Community Health Collaborative",
        "Healthy Yakima Partnership",
        "Yakima Police Department",
        "Yakima Public Schools",
        "Casey Whitlock",
        "The Yakima Police Department&#x27;s crisis team shares call data.",
    ]:
        assert name in html, name
    assert rules.REDACTED not in html
    assert "Blind review." not in html


def test_a_round_that_withholds_only_some_fields_shows_the_rest(client_as, blind_round):
    """Staff may choose: with only the organization withheld, the partners and
    contacts are shown by name, and the organization is still withheld."""
    round_ = blind_round["round"]
    round_.blind_fields = ["organization"]
    round_.save(update_fields=["blind_fields"])
    first, _ = blind_round["applications"]
    html = (
        client_as(blind_round["external"])
        .get(reverse("applications:review-form", args=[first.pk]))
        .content.decode()
    )
    assert "Yakima Police Department" in html
    assert "Casey Whitlock" in html
    assert "Yakima Community Health Collaborative" not in html
    assert "91-1234567" not in html


# --------------------------------------------------------------------------
# The demo program


def _withheld_in_demo(application) -> tuple[list[str], list[str]]:
    """(names, address) an external reviewer must not read of a demo
    application: names anywhere, the address where the application shows."""
    org = application.organization
    names = [org.name, application.collaboration_name, org.ein]
    names += [p.name for p in application.partners.all()]
    for contact in application.contacts.all():
        names += [contact.name, contact.email]
    if org.website:
        names.append(org.website.split("//", 1)[-1].split("/", 1)[0])
    address = [org.address_line1, org.city]
    return [n for n in names if n], [a for a in address if a]


@pytest.mark.django_db(transaction=True)
def test_no_external_reviewer_reads_a_withheld_name_in_the_demo(client, demo_snapshot):
    """Every external reviewer of the demo, every page from its home: before,
    56 of 57 of the blind round's external assignments named partners."""
    demo_snapshot.restore()
    blind_rounds = list(Round.objects.filter(blind_review=True))
    assert {r.slug for r in blind_rounds} >= {"open-round", "round-2"}
    externals = (
        User.objects.filter(
            is_external_reviewer=True,
            review_assignments__application__round__in=blind_rounds,
        )
        .distinct()
        .order_by("email")
    )
    assert externals.count() >= 2
    checked = 0
    for reviewer in externals:
        assignments = ReviewAssignment.objects.filter(
            reviewer=reviewer,
            application__round__in=blind_rounds,
            status__in=services.ACTIVE,
        ).select_related("application__organization")
        names, address = set(), set()
        for assignment in assignments:
            these, where = _withheld_in_demo(assignment.application)
            names.update(these)
            address.update(where)
            assert assignment.application.round.blind_fields == (
                rules.DEFAULT_BLIND_FIELDS
            )
        client.force_login(reviewer)
        pages = crawl(client, reverse("home"))
        blind_forms = {
            reverse("applications:review-form", args=[a.application_id])
            for a in assignments
        }
        # Its reviews in rounds that are not blind show their own applicants
        # (whose people may share a name with a blind round's).
        open_forms = {
            reverse("applications:review-form", args=[a.application_id])
            for a in ReviewAssignment.objects.filter(reviewer=reviewer).exclude(
                application__round__in=blind_rounds
            )
        }
        review_pages = [p for p in pages if p.url in blind_forms]
        assert len(review_pages) == len(blind_forms), reviewer.email
        for page in pages:
            assert page.status == 200, page.url
            if page.url in open_forms:
                continue
            assert leaks(page.text, sorted(names)) == [], (reviewer.email, page.url)
        for page in review_pages:
            assert leaks(page.text, sorted(address)) == [], (reviewer.email, page.url)
            assert "(name withheld)" in page.text or "No partners listed" in page.text
        for message in Message.objects.filter(recipient=reviewer):
            text = "\n".join([message.subject, message.body_text, message.body_html])
            assert leaks(text, sorted(names)) == [], message.subject
        checked += len(review_pages)
    assert checked > 50

    # Internal reviewers and staff keep the full view of the same round.
    assignment = (
        ReviewAssignment.objects.filter(
            application__round__slug="open-round",
            reviewer__is_external_reviewer=False,
            reviewer__is_staff=False,
            application__partners__isnull=False,
        )
        .select_related("application__organization", "reviewer")
        .first()
    )
    application = assignment.application
    partner = application.partners.first().name
    client.force_login(assignment.reviewer)
    html = client.get(
        reverse("applications:review-form", args=[application.pk])
    ).content.decode()
    assert partner in html and application.organization.name in html
    client.force_login(User.objects.get(email="staff@dash.test"))
    html = client.get(
        reverse("applications:staff-application-review", args=[application.pk])
    ).content.decode()
    assert partner in html and application.organization.name in html
