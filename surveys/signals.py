"""Keep the kept survey reports honest: anything a report reads marks it stale.

Releases rewrite responses in bulk (no signals), so ``survey_release`` marks the
report itself; these receivers cover everything saved one row at a time.
"""

from django.db.models.signals import post_delete, post_save

from .models import (
    Choice,
    Invitation,
    PendingResponse,
    Question,
    Response,
    Section,
    Survey,
)
from .reports import report_invalidate


def _survey_id(instance) -> int | None:
    if isinstance(instance, Survey):
        return instance.pk
    if isinstance(instance, Section):
        return instance.survey_id
    if isinstance(instance, Question):
        return (
            Section.objects.filter(pk=instance.section_id)
            .values_list("survey_id", flat=True)
            .first()
        )
    if isinstance(instance, Choice):
        return (
            Section.objects.filter(questions__pk=instance.question_id)
            .values_list("survey_id", flat=True)
            .first()
        )
    return instance.survey_id


def _changed(sender, instance, **kwargs) -> None:
    survey_id = _survey_id(instance)
    if survey_id is not None:
        report_invalidate(survey_id)


def connect() -> None:
    for model in (Survey, Section, Question, Choice, Invitation, Response):
        post_save.connect(_changed, sender=model, dispatch_uid=f"report-{model}")
    # Not Response or PendingResponse deletes: a receiver would make Django
    # delete them row by row; the release that deletes them marks the report.
    for model in (Section, Question, Choice):
        post_delete.connect(_changed, sender=model, dispatch_uid=f"report-d-{model}")
    post_save.connect(_changed, sender=PendingResponse, dispatch_uid="report-pending")
