"""The gift-card drawing: once per group, reproducible by anyone."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from affinity import rules, services
from affinity.models import Drawing
from dashmentor.models import AuditEvent
from notifications.models import Message
from surveys.models import Answer, Question, Response, Section

from .factories import InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_survey(group):
    survey = SurveyFactory(audience_group=group)
    group.final_survey = survey
    group.save()
    return survey


def complete(survey, n):
    return [InvitationFactory(survey=survey) for _ in range(n)]


def test_winners_are_drawn_among_completions_and_recorded(
    client_as, group, final_survey, staff_user, django_capture_on_commit_callbacks
):
    done = complete(final_survey, 5)
    InvitationFactory(survey=final_survey, completed_on=None)  # not completed
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(staff_user).post(
            reverse("affinity:drawing", args=[group.pk])
        )
    assert response.status_code == 302
    drawing = Drawing.objects.get(group=group)
    assert drawing.eligible == sorted(i.user_id for i in done)
    assert len(drawing.seed) == 32
    assert drawing.winners == rules.draw_winners(drawing.seed, drawing.eligible)
    assert drawing.drawn_by == staff_user
    assert drawing.note == ""
    winners = {i.user.email for i in done if i.user_id in drawing.winners}
    assert {m.to_email for m in Message.objects.all()} == winners
    assert AuditEvent.objects.filter(action="affinity.drawing").exists()


def test_rerunning_gives_the_same_winners(group, final_survey, staff_user):
    """Anyone with the recorded seed and list gets the recorded winners."""
    complete(final_survey, 12)
    drawing = services.drawing_draw(group=group, by=staff_user)
    for _ in range(3):
        assert rules.draw_winners(drawing.seed, drawing.eligible) == drawing.winners


def test_a_group_cannot_be_drawn_twice(client_as, group, final_survey, staff_user):
    complete(final_survey, 4)
    first = services.drawing_draw(group=group, by=staff_user)
    with pytest.raises(ValidationError) as exc:
        services.drawing_draw(group=group, by=staff_user)
    assert exc.value.messages == [services.DRAWING_ALREADY_DONE]
    response = client_as(staff_user).post(
        reverse("affinity:drawing", args=[group.pk]), follow=True
    )
    assert escape(str(services.DRAWING_ALREADY_DONE)) in response.content.decode()
    assert Drawing.objects.count() == 1
    assert Drawing.objects.get().seed == first.seed


def test_fewer_than_two_eligible_draws_those_there_are_and_says_so(
    client_as, group, final_survey, staff_user
):
    (only,) = complete(final_survey, 1)
    response = client_as(staff_user).post(
        reverse("affinity:drawing", args=[group.pk]), follow=True
    )
    drawing = Drawing.objects.get()
    assert drawing.winners == [only.user_id]
    assert drawing.note == rules.drawing_shortfall_note(1, 2)
    assert escape(drawing.note) in response.content.decode()


def test_no_one_eligible_draws_nothing(group, final_survey, staff_user):
    with pytest.raises(ValidationError) as exc:
        services.drawing_draw(group=group, by=staff_user)
    assert exc.value.messages == [services.DRAWING_NONE_ELIGIBLE]
    assert not Drawing.objects.exists()


def test_a_group_without_final_survey_cannot_draw(group, staff_user):
    with pytest.raises(ValidationError) as exc:
        services.drawing_draw(group=group, by=staff_user)
    assert exc.value.messages == [services.DRAWING_NO_SURVEY]


def test_eligibility_reads_completion_records_never_answers(
    group, final_survey, staff_user
):
    """Answers of an anonymous survey carry no person and change nothing."""
    (done,) = complete(final_survey, 1)
    section = Section.objects.create(survey=final_survey, title="S")
    question = Question.objects.create(section=section, kind="likert", prompt="Q")
    for _ in range(3):
        response = Response.objects.create(
            survey=final_survey, submitted_on=done.completed_on
        )
        Answer.objects.create(response=response, question=question, number=4)
    assert services.drawing_eligible(group) == [done.user_id]


def test_only_staff_run_the_drawing(client_as, group, final_survey, leader, member):
    complete(final_survey, 3)
    for person in (leader, member.user):
        response = client_as(person).post(reverse("affinity:drawing", args=[group.pk]))
        assert response.status_code == 403
    assert not Drawing.objects.exists()


def test_the_drawing_page_lets_a_member_check_it_without_names(
    client_as, group, final_survey, staff_user, member
):
    invitations = complete(final_survey, 3)
    drawing = services.drawing_draw(group=group, by=staff_user)
    page = client_as(member.user).get(reverse("affinity:drawing", args=[group.pk]))
    html = page.content.decode()
    assert page.context["verified"] is True
    assert drawing.seed in html
    assert rules.drawing_key(drawing.seed, drawing.winners[0]) in html
    for invitation in invitations:
        assert invitation.user.full_name not in html
    staff_page = (
        client_as(staff_user)
        .get(reverse("affinity:drawing", args=[group.pk]))
        .content.decode()
    )
    winner = next(i.user for i in invitations if i.user_id == drawing.winners[0])
    assert escape(winner.full_name) in staff_page


def test_a_tampered_drawing_shows_it_does_not_match(
    client_as, group, final_survey, staff_user
):
    complete(final_survey, 4)
    drawing = services.drawing_draw(group=group, by=staff_user)
    loser = next(n for n in drawing.eligible if n not in drawing.winners)
    Drawing.objects.filter(pk=drawing.pk).update(winners=[loser, drawing.winners[0]])
    page = client_as(staff_user).get(reverse("affinity:drawing", args=[group.pk]))
    assert page.context["verified"] is False
    assert "Does not match" in page.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_drawings_at_once_make_one(group, final_survey, staff_user):
    """Two staff pressing "Draw" together: the row lock lets one through."""
    import threading

    from django.db import connection

    complete(final_survey, 6)
    outcomes = []
    barrier = threading.Barrier(2)

    def draw():
        barrier.wait()
        try:
            services.drawing_draw(group=group, by=staff_user)
            outcomes.append("drawn")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=draw) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted(["drawn", services.DRAWING_ALREADY_DONE])
    assert Drawing.objects.count() == 1


@pytest.mark.parametrize(
    ("drawn_in", "read_in", "expected"),
    [
        ("es", "en", "Only 1 person completed the final survey"),
        ("en", "es", "Solo 1 persona completó la encuesta final"),
    ],
)
def test_the_shortfall_note_reads_in_the_readers_language(
    client_as, group, final_survey, staff_user, drawn_in, read_in, expected
):
    """A drawing made by staff reading one language tells its shortfall in the
    language of whoever reads the drawing page later."""
    complete(final_survey, 1)
    staff_user.language = drawn_in
    staff_user.save(update_fields=["language"])
    client_as(staff_user).post(reverse("affinity:drawing", args=[group.pk]))
    staff_user.language = read_in
    staff_user.save(update_fields=["language"])
    page = client_as(staff_user).get(reverse("affinity:drawing", args=[group.pk]))
    assert expected in page.content.decode()
