"""Public pages of a round's questions, webinars and timeline, and the staff
pages that answer, schedule and edit them.

Who asked a question and who registered are shown to staff only; the public
pages show published questions (in wording that names nobody) and sessions.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dashmentor import ratelimit as limits
from dashmentor.csv_export import csv_response
from dashmentor.roles import Role, role_required
from dashmentor.views_support import (
    error_text,
    form_add_errors,
    messages_add_errors,
    posted,
)

from . import calendar, forms, links, rules, selectors, services
from .models import AskedQuestion, FaqEntry, Milestone, Webinar, WebinarRegistration

ASKED = (
    "Thank you. We sent a link to {email}: open it to confirm your address, and "
    "your question reaches the program office. The answer comes to the same "
    "address."
)
ASKED_CONFIRMED = (
    "Thank you. Your question reached the program office; the answer will come "
    "to {email}."
)
REGISTER_CHECK_INBOX = (
    "Almost done: we sent a link to {email}. Open it to confirm your "
    "registration; then you get the join link and a calendar file."
)
REGISTERED = (
    "You are registered for {title}. The join link is below and in your e-mail."
)
TOO_MANY = "Too many messages from this address. Please wait a while and try again."


def _round(slug):
    from applications.models import Round

    return get_object_or_404(Round, slug=slug)


def _limited(request, form) -> bool:
    """Whether the address in a valid public form has asked too often."""
    email = form.cleaned_data.get("email", "").lower()
    return bool(email) and not limits.hit("outreach_email", email)


# --- questions: public ----------------------------------------------------------


@limits.ratelimit("outreach")
def round_questions(request, slug):
    """The published questions of a round, by topic and searchable, and the
    form to ask one (closed after the deadline)."""
    round_ = _round(slug)
    now = timezone.now()
    is_open = services.questions_open(round_, now=now)
    form = forms.AskForm(posted(request), user=request.user)
    if request.method == "POST":
        if not is_open:
            messages.error(
                request,
                services.QUESTIONS_CLOSED.format(
                    deadline=services.deadline_text(round_)
                ),
            )
            return redirect("applications:round-questions", slug)
        if form.is_bot:
            # Answered as if accepted; nothing is stored or sent.
            messages.success(request, ASKED.format(email=request.POST.get("email", "")))
            return redirect("applications:round-questions", slug)
        if form.is_valid():
            if _limited(request, form):
                messages.error(request, TOO_MANY)
                return redirect("applications:round-questions", slug)
            try:
                question = services.question_ask(
                    round=round_,
                    text=form.cleaned_data["text"],
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    user=request.user,
                    now=now,
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                done = (
                    ASKED_CONFIRMED
                    if question.status == AskedQuestion.Status.WAITING
                    else ASKED
                )
                messages.success(request, done.format(email=question.email))
                return redirect("applications:round-questions", slug)
    query = request.GET.get("q", "").strip()[:200]
    entries = list(selectors.faq_list(round=round_, query=query))
    return render(
        request,
        "applications/outreach/round_questions.html",
        {
            "round": round_,
            "form": form,
            "is_open": is_open,
            "query": query,
            "topics": selectors.faq_by_topic(entries),
            "count": len(entries),
            "cutoff": selectors.question_cutoff(round_),
            "now": now,
        },
    )


def question_confirm(request, token):
    """The link of the confirmation e-mail: a GET shows the question, the
    button confirms it (a GET never writes)."""
    try:
        question = services.question_from_token(token)
    except ValidationError as exc:
        return render(
            request,
            "applications/outreach/question_confirm.html",
            {"error": error_text(exc)},
            status=400,
        )
    if request.method == "POST":
        try:
            question = services.question_confirm(question=question)
        except ValidationError as exc:
            messages_add_errors(request, exc)
        else:
            messages.success(
                request,
                "Your address is confirmed: your question reached the program "
                "office. The answer will come by e-mail.",
            )
        return redirect("applications:question-confirm", token)
    return render(
        request,
        "applications/outreach/question_confirm.html",
        {"question": question, "round": question.round},
    )


# --- webinars: public ---------------------------------------------------------


def round_webinars(request, slug):
    """The round's sessions: coming ones to register for, past ones to watch."""
    round_ = _round(slug)
    now = timezone.now()
    webinars = list(selectors.webinar_list(round=round_))
    for webinar in webinars:
        webinar.seats_left = rules.seats_left(webinar.capacity, webinar.taken)
    return render(
        request,
        "applications/outreach/round_webinars.html",
        {
            "round": round_,
            "upcoming": [w for w in webinars if w.ends_at > now],
            "past": [w for w in webinars if w.ends_at <= now],
            "now": now,
        },
    )


@limits.ratelimit("outreach")
def webinar_register(request, pk):
    """Register for a session with a name, an address and an organization."""
    webinar = get_object_or_404(Webinar.objects.select_related("round"), pk=pk)
    form = forms.RegisterForm(posted(request), user=request.user)
    if request.method == "POST":
        if form.is_bot:
            email = request.POST.get("email", "")
            messages.success(request, REGISTER_CHECK_INBOX.format(email=email))
            return redirect("applications:round-webinars", webinar.round.slug)
        if form.is_valid():
            if _limited(request, form):
                messages.error(request, TOO_MANY)
                return redirect("applications:webinar-register", webinar.pk)
            try:
                registration = services.webinar_register(
                    webinar=webinar,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    organization=form.cleaned_data["organization"],
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                own = (
                    request.user.is_authenticated
                    and registration.user_id == request.user.pk
                )
                if own and registration.status == WebinarRegistration.Status.CONFIRMED:
                    messages.success(request, REGISTERED.format(title=webinar.title))
                    return redirect(links.registration_path(registration))
                # The same answer whether the address was new, waiting or
                # already registered: the page tells nobody who registered.
                messages.success(
                    request, REGISTER_CHECK_INBOX.format(email=registration.email)
                )
                return redirect("applications:round-webinars", webinar.round.slug)
    taken = webinar.registrations.filter(
        status=WebinarRegistration.Status.CONFIRMED
    ).count()
    return render(
        request,
        "applications/outreach/webinar_register.html",
        {
            "webinar": webinar,
            "round": webinar.round,
            "form": form,
            "seats_left": rules.seats_left(webinar.capacity, taken),
            "is_past": timezone.now() >= webinar.starts_at,
        },
    )


def _registration(token) -> WebinarRegistration:
    registration = services.registration_from_token(token)
    if registration is None:
        raise Http404("No such registration.")
    return registration


def webinar_registration(request, token):
    """A registrant's own page, from the link of its e-mails: confirm the
    address (a button: a GET never writes), then the join link, the calendar
    file, and a way to give the seat back."""
    registration = _registration(token)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                services.webinar_registration_confirm(registration=registration)
                messages.success(
                    request, REGISTERED.format(title=registration.webinar.title)
                )
            elif action == "cancel":
                services.webinar_registration_cancel(registration=registration)
                messages.success(request, "Your registration is cancelled.")
            else:
                raise Http404("No such action.")
        except ValidationError as exc:
            messages_add_errors(request, exc)
        return redirect("applications:webinar-registration", token)
    webinar = registration.webinar
    return render(
        request,
        "applications/outreach/webinar_registration.html",
        {
            "registration": registration,
            "webinar": webinar,
            "round": webinar.round,
            "token": token,
            "confirmed": registration.status == WebinarRegistration.Status.CONFIRMED,
            "is_past": timezone.now() >= webinar.starts_at,
        },
    )


def webinar_registration_ics(request, token):
    """The registrant's calendar file, with the join link: confirmed seats only."""
    registration = _registration(token)
    if registration.status != WebinarRegistration.Status.CONFIRMED:
        raise Http404("This registration is not confirmed.")
    response = HttpResponse(
        calendar.registration_ics(registration), content_type="text/calendar"
    )
    response["Content-Disposition"] = 'attachment; filename="webinar.ics"'
    return response


# --- timeline: public ---------------------------------------------------------


def round_timeline_ics(request, slug):
    """The round's timeline as a calendar feed (no join links)."""
    round_ = _round(slug)
    items = selectors.round_timeline(round=round_)
    response = HttpResponse(
        calendar.timeline_ics(round_, items), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'inline; filename="{round_.slug}-timeline.ics"'
    return response


# --- staff: questions -----------------------------------------------------------


@role_required(Role.STAFF)
def staff_questions(request, slug):
    """The round's waiting questions with their age, and what was published."""
    round_ = _round(slug)
    now = timezone.now()
    return render(
        request,
        "applications/outreach/staff_questions.html",
        {
            "round": round_,
            "waiting": list(selectors.waiting_questions(round=round_)),
            "entries": list(
                FaqEntry.objects.filter(round=round_).order_by("topic", "pk")
            ),
            "answered": list(selectors.answered_questions(round=round_)),
            "cutoff": selectors.question_cutoff(round_),
            "now": now,
        },
    )


def _waiting_question(pk) -> AskedQuestion:
    return get_object_or_404(AskedQuestion.objects.select_related("round"), pk=pk)


@role_required(Role.STAFF)
def staff_question_answer(request, pk):
    """Answer one question: publish it, answer its asker alone, or answer it
    with a published question; its duplicates with it."""
    question = _waiting_question(pk)
    round_ = question.round
    if question.status != AskedQuestion.Status.WAITING:
        messages.info(request, services.ALREADY_ANSWERED)
        return redirect("applications:staff-questions", round_.slug)
    others = selectors.waiting_questions(round=round_).exclude(pk=question.pk)
    entries = FaqEntry.objects.filter(round=round_, published_at__isnull=False)
    form = forms.AnswerForm(
        posted(request), question=question, others=others, entries=entries
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        mode = data["mode"]
        try:
            entry = services.question_answer(
                question=question,
                by=request.user,
                answer=data["answer"] if mode != form.MODE_EXISTING else "",
                publish=mode == form.MODE_PUBLISH,
                public_question=data["public_question"],
                topic=data["topic"],
                entry=data["entry"] if mode == form.MODE_EXISTING else None,
                also=list(data["also"]),
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            count = 1 + len(data["also"])
            sent = f"The answer is on its way to {count} asker{'s' * (count > 1)}"
            if entry is not None and mode == form.MODE_PUBLISH:
                sent += ", and the question is published"
            messages.success(request, sent + ".")
            return redirect("applications:staff-questions", round_.slug)
    return render(
        request,
        "applications/outreach/staff_question_answer.html",
        {
            "question": question,
            "round": round_,
            "form": form,
            "cutoff": selectors.question_cutoff(round_),
            "now": timezone.now(),
        },
    )


@require_POST
@role_required(Role.STAFF)
def staff_question_dismiss(request, pk):
    question = _waiting_question(pk)
    try:
        services.question_dismiss(question=question, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(request, "The question is dismissed; nobody was e-mailed.")
    return redirect("applications:staff-questions", question.round.slug)


@role_required(Role.STAFF)
def staff_faq_edit(request, slug, pk=None):
    """Write a published question without an asked one, or change one."""
    round_ = _round(slug)
    entry = get_object_or_404(FaqEntry, pk=pk, round=round_) if pk else None
    form = forms.FaqEntryForm(posted(request), instance=entry)
    if request.method == "POST" and form.is_valid():
        services.faq_entry_save(
            round=round_,
            by=request.user,
            entry=entry,
            data={
                **{
                    f: form.cleaned_data[f]
                    for f in forms.FaqEntryForm.Meta.fields
                    if f in form.cleaned_data
                },
                "published": form.cleaned_data["published"],
            },
        )
        messages.success(request, "Saved.")
        return redirect("applications:staff-questions", round_.slug)
    return render(
        request,
        "applications/outreach/staff_faq_form.html",
        {"round": round_, "form": form, "entry": entry},
    )


# --- staff: timeline ----------------------------------------------------------


@role_required(Role.STAFF)
def staff_timeline(request, slug, pk=None):
    """The round's timeline as the public sees it, and its milestones to add,
    change or remove (the opening and the deadline are the round's own)."""
    round_ = _round(slug)
    milestone = get_object_or_404(Milestone, pk=pk, round=round_) if pk else None
    form = forms.MilestoneForm(posted(request), instance=milestone, round=round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_save(
                round=round_,
                by=request.user,
                milestone=milestone,
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error("kind", exc)
        else:
            messages.success(request, "The timeline is saved.")
            return redirect("applications:staff-timeline", round_.slug)
    milestones = list(Milestone.objects.filter(round=round_))
    return render(
        request,
        "applications/outreach/staff_timeline.html",
        {
            "round": round_,
            "form": form,
            "milestone": milestone,
            "milestones": milestones,
            "timeline": selectors.round_timeline(round=round_, milestones=milestones),
        },
    )


@require_POST
@role_required(Role.STAFF)
def staff_milestone_delete(request, slug, pk):
    round_ = _round(slug)
    milestone = get_object_or_404(Milestone, pk=pk, round=round_)
    services.milestone_delete(milestone=milestone, by=request.user)
    messages.success(request, f"“{milestone.label}” is removed from the timeline.")
    return redirect("applications:staff-timeline", round_.slug)


# --- staff: webinars ----------------------------------------------------------


@role_required(Role.STAFF)
def staff_webinars(request, slug, pk=None):
    """The round's sessions with their registrations counted; add or change one
    (its recording and slides afterwards)."""
    round_ = _round(slug)
    webinar = get_object_or_404(Webinar, pk=pk, round=round_) if pk else None
    form = forms.WebinarForm(posted(request), instance=webinar, round=round_)
    if request.method == "POST" and form.is_valid():
        services.webinar_save(
            round=round_, by=request.user, webinar=webinar, data=form.cleaned_data
        )
        messages.success(request, "The session is saved.")
        return redirect("applications:staff-webinars", round_.slug)
    funnel = selectors.webinar_funnel([round_.pk]).get(round_.pk, {})
    return render(
        request,
        "applications/outreach/staff_webinars.html",
        {
            "round": round_,
            "form": form,
            "webinar": webinar,
            "webinars": list(selectors.webinar_list(round=round_)),
            "registrants": funnel.get("registrants", 0),
            "applied": funnel.get("applied", 0),
        },
    )


def _staff_webinar(slug, pk) -> Webinar:
    return get_object_or_404(
        Webinar.objects.select_related("round"), pk=pk, round__slug=slug
    )


@role_required(Role.STAFF)
def staff_webinar_registrations(request, slug, pk):
    webinar = _staff_webinar(slug, pk)
    return render(
        request,
        "applications/outreach/staff_registrations.html",
        {
            "webinar": webinar,
            "round": webinar.round,
            "registrations": list(selectors.registration_list(webinar=webinar)),
        },
    )


@role_required(Role.STAFF)
def staff_webinar_registrations_csv(request, slug, pk):
    webinar = _staff_webinar(slug, pk)
    zone = webinar.round.zone
    rows = [
        [
            r.name,
            r.email,
            r.organization,
            r.get_status_display(),
            timezone.localtime(r.created_at, zone).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(r.confirmed_at, zone).strftime("%Y-%m-%d %H:%M")
            if r.confirmed_at
            else "",
            gettext("yes") if r.applied else gettext("no"),
        ]
        for r in selectors.registration_list(webinar=webinar)
    ]
    return csv_response(
        f"{webinar.round.slug}-webinar-{webinar.pk}-registrations.csv",
        rows,
        header=[
            gettext("name"),
            gettext("e-mail"),
            gettext("organization"),
            gettext("status"),
            gettext("registered (%(zone)s)") % {"zone": zone.key},
            gettext("confirmed (%(zone)s)") % {"zone": zone.key},
            gettext("applied"),
        ],
    )


def staff_links(round_) -> dict[str, str]:
    """The staff pages of a round's outreach, for the staff home."""
    return {
        "questions": reverse("applications:staff-questions", args=[round_.slug]),
        "webinars": reverse("applications:staff-webinars", args=[round_.slug]),
        "timeline": reverse("applications:staff-timeline", args=[round_.slug]),
    }
