"""Survey pages: answering (token link or signed in), the builder, reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dashmentor import broker
from dashmentor.csv_export import csv_response
from dashmentor.params import choice_param
from dashmentor.ratelimit import ratelimit
from dashmentor.roles import Role, role_required
from dashmentor.views_support import form_add_errors, messages_add_errors

from . import permissions, reports, rules, selectors, services
from .forms import QuestionForm, SectionForm, SurveyForm
from .models import Survey

# --- answering ---


@login_required
def my_surveys(request):
    invitations = selectors.my_invitations(request.user)
    return render(request, "surveys/my_surveys.html", {"invitations": invitations})


@never_cache
@ratelimit("public_form", methods=("GET", "POST"))
def answer_by_token(request, token):
    """Answer through the e-mailed link: no sign-in, the token is the key."""
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return render(
            request,
            "surveys/answer_message.html",
            {"heading": _("This link does not work"), "message": services.BAD_LINK},
            status=404,
        )
    return _answer(request, invitation, request.path)


@never_cache
@login_required
def answer_signed_in(request, pk):
    invitation = permissions.get_invitation_for_user(request.user, pk)
    return _answer(request, invitation, request.path)


def _questions_for_form(sections, values, errors):
    out = []
    number = 0
    for section in sections:
        items = []
        for q in section.questions.all():
            number += 1
            name = f"q{q.pk}"
            if q.kind == rules.LIKERT:
                labels = list(q.likert_labels or [])
                options = [
                    (str(p), labels[p - 1] if len(labels) == 5 else str(p))
                    for p in rules.LIKERT_POINTS
                ]
            else:
                options = [(c.value, c.label) for c in q.choices.all()]
            items.append(
                {
                    "q": q,
                    "number": number,
                    "name": name,
                    "values": values.get(name, []),
                    "value": (values.get(name) or [""])[0],
                    "error": errors.get(name, ""),
                    "options": options,
                }
            )
        out.append({"section": section, "items": items})
    return out


def _message_page(request, survey, message: str, *, status: int, done=False):
    heading = gettext("Your answers are in") if done else survey.title
    return render(
        request,
        "surveys/answer_message.html",
        {"survey": survey, "heading": heading, "message": message, "done": done},
        status=status,
    )


def _answer(request, invitation, action_url):
    survey = invitation.survey
    refusal = services.invitation_answer_refusal(invitation)
    if refusal:
        done = refusal == services.ALREADY_SUBMITTED
        posted_status = 409 if done else 403
        status = posted_status if request.method == "POST" else 200
        return _message_page(request, survey, refusal, status=status, done=done)
    sections = selectors.survey_structure(survey)
    values, errors, status = dict(invitation.progress or {}), {}, 200
    if request.method == "POST":
        values = {k: request.POST.getlist(k) for k in request.POST if k[:1] == "q"}
        try:
            if request.POST.get("action") == "save":
                services.response_save_progress(invitation=invitation, raw=request.POST)
                messages.success(request, gettext("Your answers so far are saved."))
                return redirect(action_url)
            services.response_submit(invitation=invitation, raw=request.POST)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                errors = {k: v[0].message for k, v in exc.error_dict.items()}
                status = 400
            else:
                return _message_page(request, survey, exc.messages[0], status=409)
        else:
            return redirect("surveys:thanks", pk=survey.pk)
    return render(
        request,
        "surveys/answer_form.html",
        {
            "survey": survey,
            "invitation": invitation,
            "sections": _questions_for_form(sections, values, errors),
            "errors": errors,
            "action_url": action_url,
            "storage_key": f"survey-{survey.pk}",
        },
        status=status,
    )


def thanks(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    return render(
        request,
        "surveys/answer_message.html",
        {
            "survey": survey,
            "heading": gettext("Thank you"),
            "message": gettext("Your answers are recorded.")
            + (
                " " + gettext("They are kept apart from any record of who answered.")
                if survey.anonymous
                else ""
            ),
            "done": True,
            "clear_key": f"survey-{survey.pk}",
        },
    )


# --- staff: list and builder ---


@role_required(Role.STAFF)
def staff_survey_list(request):
    surveys = selectors.staff_survey_list()
    return render(request, "surveys/survey_list.html", {"surveys": surveys})


@role_required(Role.STAFF)
def survey_create(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = services.survey_create(by=request.user, **form.service_fields())
        messages.success(
            request, gettext("Survey created. Add its sections and questions.")
        )
        return redirect("surveys:survey-builder", pk=survey.pk)
    return render(request, "surveys/survey_form.html", {"form": form})


@role_required(Role.STAFF)
def survey_edit(request, pk):
    survey = permissions.get_survey_for_staff(pk)
    form = SurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(
                survey=Survey.objects.get(pk=pk),
                by=request.user,
                **form.service_fields(),
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, gettext("Survey saved."))
            return redirect("surveys:survey-builder", pk=pk)
    return render(request, "surveys/survey_form.html", {"form": form, "survey": survey})


@role_required(Role.STAFF)
def survey_builder(request, pk):
    survey = permissions.get_survey_for_staff(pk)
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "sections": selectors.survey_structure(survey),
            "locked": selectors.survey_is_locked(survey),
            "invited": survey.invitations.count(),
            "completed": survey.invitations.filter(completed_on__isnull=False).count(),
            "section_form": SectionForm(),
        },
    )


def _post_action(request, pk, action, success):
    survey = permissions.get_survey_for_staff(pk)
    try:
        result = action(survey)
    except ValidationError as exc:
        messages_add_errors(request, exc)
        return redirect("surveys:survey-builder", pk=pk)
    messages.success(request, success() if callable(success) else success)
    target = result if isinstance(result, Survey) else survey
    return redirect("surveys:survey-builder", pk=target.pk)


@require_POST
@role_required(Role.STAFF)
def survey_open(request, pk):
    return _post_action(
        request,
        pk,
        lambda s: services.survey_open(survey=s, by=request.user),
        # Asked after the commit, when the wake-up has been tried.
        lambda: services.OPENED if broker.available() else services.OPENED_QUEUE_DOWN,
    )


@require_POST
@role_required(Role.STAFF)
def survey_schedule(request, pk):
    return _post_action(
        request,
        pk,
        lambda s: services.survey_schedule(survey=s, by=request.user),
        _("Survey scheduled: it opens by itself at its opening time."),
    )


@require_POST
@role_required(Role.STAFF)
def survey_close(request, pk):
    return _post_action(
        request,
        pk,
        lambda s: services.survey_close(survey=s, by=request.user),
        _("Survey closed: it accepts no more answers."),
    )


@require_POST
@role_required(Role.STAFF)
def survey_copy(request, pk):
    return _post_action(
        request,
        pk,
        lambda s: services.survey_copy(survey=s, by=request.user),
        _("Copied into a new draft: edit its questions and dates."),
    )


def _form_page(request, form, survey, heading, template="surveys/builder_form.html"):
    return render(
        request, template, {"form": form, "survey": survey, "heading": heading}
    )


def _apply(form, call):
    try:
        call()
    except ValidationError as exc:
        form_add_errors(form, exc)
        return False
    return True


@role_required(Role.STAFF)
def section_create(request, pk):
    survey = permissions.get_survey_for_staff(pk)
    form = SectionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: services.section_save(
                survey=survey, by=request.user, **form.cleaned_data
            ),
        )
    ):
        messages.success(request, gettext("Section added."))
        return redirect("surveys:survey-builder", pk=pk)
    return _form_page(request, form, survey, gettext("Add a section"))


@role_required(Role.STAFF)
def section_edit(request, pk):
    section = permissions.get_section_for_staff(pk)
    form = SectionForm(
        request.POST or None,
        initial=SectionForm.initial_for(section),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: services.section_save(
                survey=section.survey,
                section=section,
                by=request.user,
                **form.cleaned_data,
            ),
        )
    ):
        messages.success(request, gettext("Section saved."))
        return redirect("surveys:survey-builder", pk=section.survey_id)
    return _form_page(
        request,
        form,
        section.survey,
        gettext("Edit section “%(title)s”") % {"title": section.title},
    )


def _direction(request) -> str:
    direction = choice_param(request.POST, "direction", services.DIRECTIONS)
    if direction is None:
        raise ValidationError(services.BAD_DIRECTION)
    return direction


def _builder_post(request, obj_survey_id, call, success):
    try:
        call()
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(request, success)
    return redirect("surveys:survey-builder", pk=obj_survey_id)


@require_POST
@role_required(Role.STAFF)
def section_delete(request, pk):
    section = permissions.get_section_for_staff(pk)
    return _builder_post(
        request,
        section.survey_id,
        lambda: services.section_delete(section=section, by=request.user),
        _("Section deleted."),
    )


@require_POST
@role_required(Role.STAFF)
def section_move(request, pk):
    section = permissions.get_section_for_staff(pk)
    return _builder_post(
        request,
        section.survey_id,
        lambda: services.section_move(
            section=section, direction=_direction(request), by=request.user
        ),
        _("Section moved."),
    )


@role_required(Role.STAFF)
def question_create(request, pk):
    section = permissions.get_section_for_staff(pk)
    form = QuestionForm(request.POST or None, initial={"required": True})
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: services.question_save(
                section=section, by=request.user, **form.cleaned_data
            ),
        )
    ):
        messages.success(request, gettext("Question added."))
        return redirect("surveys:survey-builder", pk=section.survey_id)
    return _form_page(
        request,
        form,
        section.survey,
        gettext("Add a question to “%(title)s”") % {"title": section.title},
    )


@role_required(Role.STAFF)
def question_edit(request, pk):
    question = permissions.get_question_for_staff(pk)
    survey = question.section.survey
    form = QuestionForm(
        request.POST or None, initial=QuestionForm.initial_for(question)
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: services.question_save(
                section=question.section,
                question=question,
                by=request.user,
                **form.cleaned_data,
            ),
        )
    ):
        messages.success(request, gettext("Question saved."))
        return redirect("surveys:survey-builder", pk=survey.pk)
    return _form_page(request, form, survey, gettext("Edit a question"))


@require_POST
@role_required(Role.STAFF)
def question_delete(request, pk):
    question = permissions.get_question_for_staff(pk)
    return _builder_post(
        request,
        question.section.survey_id,
        lambda: services.question_delete(question=question, by=request.user),
        _("Question deleted."),
    )


@require_POST
@role_required(Role.STAFF)
def question_move(request, pk):
    question = permissions.get_question_for_staff(pk)
    return _builder_post(
        request,
        question.section.survey_id,
        lambda: services.question_move(
            question=question, direction=_direction(request), by=request.user
        ),
        _("Question moved."),
    )


# --- staff: reports ---


@role_required(Role.STAFF)
def survey_report(request, pk):
    survey = permissions.get_survey_for_staff(pk)
    report, as_of = reports.cached_survey_report(survey)
    baselines = (
        list(selectors.capacity_baselines(survey)[:1])
        if survey.kind == Survey.Kind.CAPACITY and not survey.anonymous
        else []
    )
    return render(
        request,
        "surveys/survey_report.html",
        {
            "survey": survey,
            "report": report,
            "as_of": as_of,
            "has_baseline": bool(baselines),
        },
    )


@role_required(Role.STAFF)
def survey_report_csv(request, pk):
    survey = permissions.get_survey_for_staff(pk)
    return csv_response(
        f"survey-{pk}-report.csv",
        reports.report_csv(reports.cached_survey_report(survey)[0]),
    )


def _comparison(request, pk):
    after = permissions.get_survey_for_staff(pk)
    if after.kind != Survey.Kind.CAPACITY or after.anonymous:
        return after, None, []
    baselines = list(selectors.capacity_baselines(after))
    chosen = request.GET.get("baseline")
    before = next((b for b in baselines if str(b.pk) == chosen), None) or (
        baselines[0] if baselines else None
    )
    if before is None:
        return after, None, baselines
    return after, reports.capacity_comparison(before=before, after=after), baselines


@role_required(Role.STAFF)
def capacity_compare(request, pk):
    after, comparison, baselines = _comparison(request, pk)
    return render(
        request,
        "surveys/capacity_compare.html",
        {
            "survey": after,
            "comparison": comparison,
            "baselines": baselines,
            "csv_url": reverse("surveys:capacity-compare-csv", args=[pk])
            + (f"?baseline={comparison.before.pk}" if comparison else ""),
        },
    )


@role_required(Role.STAFF)
def capacity_compare_csv(request, pk):
    _after, comparison, _ = _comparison(request, pk)
    if comparison is None:
        return csv_response(f"capacity-{pk}.csv", [], header=reports.COMPARISON_HEADER)
    return csv_response(
        f"capacity-{pk}-comparison.csv", reports.comparison_csv(comparison)
    )
