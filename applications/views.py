"""The applicant side: sign-up and e-mail confirmation, the organization profile,
the application form in sections, submission, withdrawal, the status page and
the printable copy; and the staff page that overrides a screening result."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from dashmentor.ratelimit import ratelimit
from dashmentor.redirects import safe_next
from dashmentor.roles import Role, home_url, role_required
from dashmentor.services import audit_trail
from dashmentor.views_support import (
    error_text,
    form_add_errors,
    messages_add_errors,
    posted,
)

from . import forms, rules, selectors, services
from .models import Application, EligibilityResult, Round
from .outreach import selectors as outreach_selectors
from .permissions import get_application_for_applicant, get_application_for_user
from .review import selectors as review_selectors

SAVED = _("Saved. You can come back and finish at any time before the deadline.")
EDITABLE = (Application.Status.DRAFT, Application.Status.WITHDRAWN)


# --- accounts ---


@ratelimit("signup")
def signup(request):
    """Create an applicant account and send the e-mail confirmation link."""
    if request.user.is_authenticated:
        return redirect(home_url(request.user))
    form = forms.SignupForm(posted(request))
    if request.method == "POST" and form.is_valid():
        # The same answer whether the address was new or known.
        services.applicant_signup(
            form=form, language=getattr(request, "LANGUAGE_CODE", "")
        )
        email = form.cleaned_data["email"]
        messages.success(request, services.SIGNUP_CHECK_INBOX.format(email=email))
        query = urlencode({"next": reverse("applications:organization")})
        return redirect(f"{reverse('login')}?{query}")
    return render(request, "registration/signup.html", {"form": form})


def email_confirm(request, token):
    """Open the link from the confirmation e-mail: the address is confirmed."""
    try:
        user = services.email_confirm(token=token)
    except ValidationError as exc:
        return render(
            request,
            "registration/email_confirm.html",
            {"error": error_text(exc)},
            status=400,
        )
    return render(request, "registration/email_confirm.html", {"confirmed": user})


@require_POST
@ratelimit("signup")
@role_required(Role.APPLICANT, Role.STAFF)
def email_confirmation_resend(request):
    if request.user.email_confirmed:
        messages.info(request, _("Your e-mail address is already confirmed."))
    else:
        services.email_confirmation_send(user=request.user)
        messages.success(
            request,
            _(
                "We sent a new confirmation link to %(email)s. It is valid for "
                "seven days."
            )
            % {"email": request.user.email},
        )
    return redirect(safe_next(request, "applications:applicant-home"))


@role_required(Role.APPLICANT, Role.PARTICIPANT)
def organization_edit(request):
    """Create or edit the applicant organization's profile.

    An affinity-group participant may create one too, to apply: it then
    becomes an applicant."""
    organization = services.applicant_organization(request.user)
    form = forms.OrganizationForm(posted(request), instance=organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_save(
                user=request.user,
                data={f: form.cleaned_data[f] for f in form.Meta.fields},
                organization=services.applicant_organization(request.user),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your organization's profile is saved."))
            return redirect(safe_next(request, "applications:applicant-home"))
    applications = (
        list(selectors.application_list_for_applicant(user=request.user))
        if organization
        else []
    )
    return render(
        request,
        "applications/organization_form.html",
        {
            "form": form,
            "organization": organization,
            # What an edit changes: drafts and later submissions; not what was
            # already submitted (each keeps the copy taken at submission).
            "fixed": [a for a in applications if a.status not in EDITABLE],
            "open_drafts": [a for a in applications if a.status in EDITABLE],
        },
    )


# --- applicant home and rounds ---


@role_required(Role.APPLICANT, Role.STAFF)
def applicant_home(request):
    """The applicant's applications, its organization and the open rounds."""
    now = timezone.now()
    applications = list(selectors.application_list_for_applicant(user=request.user))
    by_round = {a.round_id: a for a in applications}
    open_rounds = [
        (round_, by_round.get(round_.pk))
        for round_ in selectors.round_list_open(now=now)
    ]
    rows = [(a, selectors.applicant_status(a)) for a in applications]
    return render(
        request,
        "applications/applicant_home.html",
        {
            "rows": rows,
            "open_rounds": open_rounds,
            "organization": services.applicant_organization(request.user),
            "now": now,
        },
    )


def round_detail(request, slug):
    round_ = get_object_or_404(
        Round.objects.prefetch_related("mentorships__mentor_organization"), slug=slug
    )
    application = None
    if request.user.is_authenticated:
        application = (
            Application.objects.filter(
                round=round_, organization__memberships__user=request.user
            )
            .only("pk", "status")
            .first()
        )
    return render(
        request,
        "applications/round_detail.html",
        {
            "round": round_,
            "application": application,
            "is_open": round_.is_open(),
            "questions": round_.questions.all(),
            **outreach_selectors.round_page(round=round_),
        },
    )


@require_POST
@role_required(Role.APPLICANT, Role.PARTICIPANT)
def application_start(request, slug):
    """Start (or return to) the organization's application to a round."""
    round_ = get_object_or_404(Round, slug=slug)
    if services.applicant_organization(request.user) is None:
        messages.info(request, services.NO_ORGANIZATION)
        start = reverse("applications:round-detail", args=[slug])
        return redirect(f"{reverse('applications:organization')}?next={start}")
    try:
        application = services.application_start(round=round_, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
        return redirect(round_)
    return redirect("applications:application-section", application.pk, "contacts")


# --- the form, one section per page ---


def _section_form(key, application, data=None):
    if key == "organization":
        return forms.OrganizationForm(data, instance=application.organization)
    if key == "contacts":
        return forms.ContactsSection(application, data)
    if key == "collaboration":
        return forms.CollaborationSection(application, data)
    if key == "goal":
        return forms.GoalForm(
            data, initial={"learning_goal": application.learning_goal}
        )
    if key == "questions":
        return forms.QuestionsForm(
            data,
            questions=application.round.questions.all(),
            answers={a.question_id: a.text for a in application.answers.all()},
        )
    if key == "all-in":
        return forms.AllInForm(
            data, initial={"all_in_profile": application.all_in_profile}
        )
    if key == "preferences":
        return forms.PreferencesForm(
            data,
            mentorships=application.round.mentorships.select_related(
                "mentor_organization"
            ),
            ranked_ids=[p.mentorship_id for p in application.preferences.all()],
        )
    raise Http404("No such section.")


def _section_save(key, application, form, by):
    if key == "organization":
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        return services.application_organization_save(
            application=application, by=by, data=data
        )
    service = {
        "contacts": services.application_contacts_save,
        "collaboration": services.application_collaboration_save,
        "goal": services.application_fields_save,
        "all-in": services.application_fields_save,
        "questions": services.application_answers_save,
        "preferences": services.application_preferences_save,
    }[key]
    return service(application=application, by=by, **form.service_kwargs())


def _after_section(application, section, go_on: bool) -> tuple:
    """Where a saved section leads: the same section, or (to go on) the next
    one, and after the last the submit page."""
    following = _next_section(section) if go_on else section
    if following:
        return "applications:application-section", application.pk, following
    return "applications:application-submit", application.pk


def _next_section(key):
    keys = [k for k, _ in rules.SECTIONS]
    index = keys.index(key)
    return keys[index + 1] if index + 1 < len(keys) else None


@role_required(Role.APPLICANT)
def application_section(request, pk, section):
    """One section of the application: fill it in, save it as a draft."""
    if section not in rules.SECTION_TITLES:
        raise Http404("No such section.")
    application = get_application_for_applicant(
        request.user, pk, selectors.application_full_queryset()
    )
    if not services.application_is_editable(application):
        why = services.application_not_editable_reason(application)
        if why == services.NOT_EDITABLE:
            messages.info(request, why)
        elif why:
            messages.error(request, why)
        return redirect(application)
    form = _section_form(section, application, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            _section_save(section, application, form, request.user)
        except ValidationError as exc:
            messages_add_errors(request, exc)
        else:
            messages.success(request, SAVED)
            return redirect(
                *_after_section(application, section, "continue" in request.POST)
            )
        # The service refused: show the saved state again.
        application = get_application_for_applicant(
            request.user, pk, selectors.application_full_queryset()
        )
    elif request.method == "POST":
        messages.error(
            request,
            _("Nothing was saved: please correct the fields marked below."),
        )
    return render(
        request,
        "applications/application_form.html",
        {
            "application": application,
            "section": section,
            "section_title": rules.SECTION_TITLES[section],
            "sections": selectors.application_sections(application=application),
            "form": form,
            "next_section": _next_section(section),
        },
    )


@role_required(Role.APPLICANT)
def application_submit(request, pk):
    """Review what is missing, then submit."""
    application = get_application_for_applicant(
        request.user, pk, selectors.application_full_queryset()
    )
    form = forms.SubmitForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(application=application, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "Your application is submitted. We sent a confirmation to "
                f"{request.user.email}.",
            )
            return redirect(application)
    sections = selectors.application_sections(application=application)
    return render(
        request,
        "applications/application_submit.html",
        {
            "application": application,
            "sections": sections,
            "missing": [s for s in sections if s.missing],
            "form": form,
            "editable": services.application_is_editable(application),
        },
    )


@require_POST
@role_required(Role.APPLICANT)
def application_withdraw(request, pk):
    """Withdraw a submitted application before the deadline, to edit it."""
    application = get_application_for_applicant(request.user, pk)
    try:
        services.application_withdraw(application=application, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(
            request,
            _(
                "Your application is withdrawn. Make your changes and submit it again "
                "before the deadline."
            ),
        )
    return redirect(application)


@role_required(Role.APPLICANT, Role.STAFF)
def application_detail(request, pk):
    """The status page: where the application stands and what to do next."""
    application = get_application_for_user(
        request.user, pk, selectors.application_full_queryset()
    )
    sections = selectors.application_sections(application=application)
    status_code, status_label = selectors.applicant_status(application)
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "sections": sections,
            "missing_count": sum(len(s.missing) for s in sections),
            "status_code": status_code,
            "status_label": status_label,
            # The released decision and shared feedback only: the staff note
            # on a decision is internal.
            "applicant_decision": review_selectors.decision_for_applicant(application),
            "editable": services.application_is_editable(application),
            "is_open": application.round.is_open(),
            "steps": _steps(status_code),
        },
    )


def _steps(status_code):
    order = ["draft", "submitted", "under_review", "decided"]
    labels = ["Draft", "Submitted", "Under review", "Decision"]
    current = order.index(status_code) if status_code in order else 0
    return [
        {"label": label, "done": i < current, "current": i == current}
        for i, label in enumerate(labels)
    ]


@role_required(Role.APPLICANT, Role.STAFF)
def application_print(request, pk):
    """A printable copy of the whole application (and, for staff, its
    screening)."""
    application = get_application_for_user(
        request.user, pk, selectors.application_full_queryset()
    )
    answers = {a.question_id: a.text for a in application.answers.all()}
    qa = [(q, answers.get(q.pk, "")) for q in application.round.questions.all()]
    contacts = list(application.contacts.all())
    return render(
        request,
        "applications/application_print.html",
        {
            "application": application,
            "qa": qa,
            "primary": next((c for c in contacts if c.kind == "primary"), None),
            "secondary": next((c for c in contacts if c.kind == "secondary"), None),
            "team": [c for c in contacts if c.kind == "team"],
            "partners": [
                (p, [rules.sector_label(code) for code in p.sectors])
                for p in application.partners.all()
            ],
            "is_staff_view": request.user.is_staff,
            "criteria": rules.CRITERIA,
            "status_label": selectors.applicant_status(application)[1],
        },
    )


# --- staff: override a screening result ---


@role_required(Role.STAFF)
def eligibility_override(request, pk):
    """The application's screening results, each with the form that overrides
    it; a POST names its criterion."""
    application = get_application_for_user(
        request.user, pk, selectors.application_full_queryset()
    )
    if request.method != "POST":
        return _eligibility_page(request, application)
    criterion = request.POST.get("criterion", "")
    result = next(
        (
            r
            for r in application.eligibility_results.all()
            if str(r.criterion) == criterion
        ),
        None,
    )
    if result is None:
        raise Http404("No such screening result.")
    return _eligibility_override_record(request, application, result)


@require_POST
@role_required(Role.STAFF)
def eligibility_override_result(request, pk):
    """The same override, posted from the review file's inline form."""
    result = get_object_or_404(EligibilityResult.objects.only("application_id"), pk=pk)
    application = get_application_for_user(
        request.user, result.application_id, selectors.application_full_queryset()
    )
    result = next(r for r in application.eligibility_results.all() if r.pk == pk)
    return _eligibility_override_record(request, application, result)


def _eligibility_override_record(request, application, result):
    form = forms.EligibilityOverrideForm(request.POST, prefix=f"c{result.criterion}")
    if form.is_valid():
        outcome = form.cleaned_data["outcome"]
        try:
            services.eligibility_override(
                result=result,
                outcome=outcome,
                justification=form.cleaned_data["justification"],
                by=request.user,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            done = (
                _("Criterion %(criterion)s: override recorded.")
                if outcome
                else _("Criterion %(criterion)s: screening result restored.")
            )
            messages.success(request, done % {"criterion": result.criterion})
            page = reverse("applications:eligibility-override", args=[application.pk])
            return redirect(safe_next(request, page))
    return _eligibility_page(request, application, bound={result.criterion: form})


def _eligibility_page(request, application, bound=None):
    results = list(application.eligibility_results.all())
    forms_by_criterion = {
        r.criterion: forms.EligibilityOverrideForm.for_result(r) for r in results
    }
    forms_by_criterion.update(bound or {})
    history = [
        e
        for e in audit_trail(application)
        if e.action in ("eligibility.overridden", "eligibility.override_cleared")
    ]
    return render(
        request,
        "applications/eligibility_override_form.html",
        {
            "application": application,
            "rows": [
                (r, rules.CRITERIA[r.criterion], forms_by_criterion[r.criterion])
                for r in results
            ],
            "history": history,
            "Outcome": EligibilityResult.Outcome,
        },
    )
