"""The preferences section: one select per rank, rendered without crispy-forms."""

import re

import pytest
from django.urls import reverse

from applications import forms
from applications.models import Preference

pytestmark = pytest.mark.django_db


def section_url(application):
    return reverse(
        "applications:application-section", args=[application.pk, "preferences"]
    )


def selected(page: str, name: str) -> list[str]:
    """The values of the selected options of the select ``name``."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_each_rank_shows_the_saved_choice_and_every_mentorship(client_as, draft):
    mentorships = list(draft.round.mentorships.order_by("pk"))
    Preference.objects.filter(application=draft).delete()
    Preference.objects.create(application=draft, mentorship=mentorships[1], rank=1)
    page = client_as(draft.created_by).get(section_url(draft)).content.decode()

    assert '<label for="id_choice_1" class="form-label">First choice</label>' in page
    assert selected(page, "choice_1") == [str(mentorships[1].pk)]
    assert selected(page, "choice_2") == [""]
    for mentorship in mentorships:
        option = f'<option value="{mentorship.pk}"'
        assert page.count(option) == len(mentorships)


def test_a_repeated_mentorship_is_marked_at_its_select_and_kept(client_as, draft):
    """The refused form shows what was posted, the error tied to its select."""
    mentorship = draft.round.mentorships.first()
    response = client_as(draft.created_by).post(
        section_url(draft),
        {"choice_1": str(mentorship.pk), "choice_2": str(mentorship.pk)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        '<select name="choice_2" class="select form-select is-invalid" '
        'aria-invalid="true" aria-describedby="id_choice_2_error" id="id_choice_2">'
    ) in page
    error = forms.DUPLICATE_PREFERENCE.format(rank="as your first choice")
    assert '<div id="id_choice_2_error" class="invalid-feedback">' in page
    assert error in page
    assert (
        selected(page, "choice_1") == selected(page, "choice_2") == [str(mentorship.pk)]
    )
