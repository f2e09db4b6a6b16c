"""The survey seal key: its own setting, required in production, and rotation."""

import html as htmllib
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from surveys import sealing, services
from surveys.models import Invitation, PendingResponse, Response, Survey
from tests.dashmentor.test_settings import STRONG_KEY, run

from .factories import SurveyFactory, add_questions, cohort_with_mentees, valid_answers

SEAL_KEY = "s" * 12 + "-survey-seal-key-for-the-test-only-0123"
PROBE = (
    "import django; from django.conf import settings; django.setup(); "
    "print(repr((settings.SURVEY_SEAL_KEY, settings.SURVEY_SEAL_OLD_KEYS)))"
)
PRODUCTION = {
    "DJANGO_PRODUCTION": "1",
    "SECRET_KEY": STRONG_KEY,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/dashmentor",
    "ALLOWED_HOSTS": "portal.example.org",
}


def test_the_seal_key_and_old_keys_come_from_the_environment():
    result = run(PROBE, SURVEY_SEAL_KEY=SEAL_KEY, SURVEY_SEAL_OLD_KEYS="old-1, old-2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == repr(
        (SEAL_KEY, ["old-1", "old-2"])
    )


@pytest.mark.parametrize(
    "seal_key", [None, "short", STRONG_KEY], ids=["missing", "short", "secret-key"]
)
def test_production_refuses_to_start_without_its_own_seal_key(seal_key):
    """Without it, anonymous answers would be sealed under SECRET_KEY, which
    every process and every signed cookie shares."""
    env = dict(PRODUCTION)
    if seal_key is not None:
        env["SURVEY_SEAL_KEY"] = seal_key
    result = run(PROBE, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SURVEY_SEAL_KEY" in result.stderr


def test_production_starts_with_a_seal_key():
    result = run(PROBE, SURVEY_SEAL_KEY=SEAL_KEY, **PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_answers_are_sealed_under_the_seal_key_not_the_secret_key(
    settings, open_survey, invite, submit
):
    survey, q, cohorts = open_survey
    settings.SURVEY_SEAL_KEY = SEAL_KEY
    settings.SURVEY_SEAL_OLD_KEYS = []
    submit(invite(survey, cohorts["big"][1][0])[0], valid_answers(q))
    pending = PendingResponse.objects.get()
    assert sealing.unseal(survey.pk, pending.payload)["answers"]
    settings.SURVEY_SEAL_KEY = settings.SECRET_KEY
    with pytest.raises(sealing.SealError):
        sealing.unseal(survey.pk, pending.payload)


@pytest.mark.django_db
def test_rotating_the_key_keeps_waiting_answers_and_cohorts_readable(
    settings, client_as, staff_user, django_capture_on_commit_callbacks
):
    """Five answers of a cohort go out with their cohort sealed, three more
    wait, all under the old key. The key rotates (the old one kept as an old
    key): the report still shows the cohort, and the waiting answers are
    released. ``survey_reseal`` seals everything under the new key, after
    which the old key can go and nothing is lost."""
    old, new = "old-seal-key-" * 4, "new-seal-key-" * 4
    settings.SURVEY_SEAL_KEY, settings.SURVEY_SEAL_OLD_KEYS = old, []
    survey = SurveyFactory(status=Survey.Status.OPEN, min_group_size=5)
    q = add_questions(survey)
    mentorship, users = cohort_with_mentees(survey.round, 8)
    invitations = [
        Invitation.objects.create(
            survey=survey,
            user=user,
            email=user.email,
            mentorship=mentorship,
            token_hash=f"t-{user.pk}",
        )
        for user in users
    ]
    for invitation in invitations:
        with django_capture_on_commit_callbacks(execute=True):
            services.response_submit(invitation=invitation, raw=valid_answers(q))
    assert PendingResponse.objects.count() == 3

    settings.SURVEY_SEAL_KEY, settings.SURVEY_SEAL_OLD_KEYS = new, [old]
    report = client_as(staff_user).get(
        reverse("surveys:survey-report", args=[survey.pk])
    )
    assert f"{mentorship.short_name}</th>" in htmllib.unescape(report.text)
    out = io.StringIO()
    call_command("survey_reseal", stdout=out)
    assert "Sealed again under the current key: 8." in out.getvalue()
    assert "old keys can go" in out.getvalue()

    settings.SURVEY_SEAL_OLD_KEYS = []
    assert all(
        services.segment_of(survey.pk, r) == mentorship.pk
        for r in Response.objects.all()
    )
    survey.min_group_size = 3
    survey.save()
    services.survey_close(survey=survey)
    assert Response.objects.filter(survey=survey).count() == 8
    assert not PendingResponse.objects.exists()
