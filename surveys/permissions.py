"""Who may reach which survey: staff build and read reports; a person answers
only through its own invitation (token link, or signed in)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from dashmentor.roles import Role, has_role

from . import selectors
from .models import Invitation, Question, Section, Survey


def can_manage_surveys(user) -> bool:
    return has_role(user, Role.STAFF)


def get_survey_for_staff(pk: int) -> Survey:
    return get_object_or_404(
        Survey.objects.select_related("round", "audience_mentorship", "audience_group"),
        pk=pk,
    )


def get_section_for_staff(pk: int) -> Section:
    return get_object_or_404(Section.objects.select_related("survey"), pk=pk)


def get_question_for_staff(pk: int) -> Question:
    return get_object_or_404(Question.objects.select_related("section__survey"), pk=pk)


def get_invitation_for_user(user, survey_pk: int) -> Invitation:
    """The signed-in person's own invitation to a survey, or 404."""
    invitation = selectors.invitation_for_user(user, survey_pk)
    if invitation is None:
        raise Http404("You have no invitation to this survey.")
    return invitation
