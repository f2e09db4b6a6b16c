"""The staff workspace's pages: the home's to-do, messages, reports, late reviews."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from applications.models import Round
from dashmentor import registry
from dashmentor.csv_export import csv_response
from dashmentor.params import id_param
from dashmentor.roles import Role, role_required
from dashmentor.views_support import form_add_errors

from . import audiences, audit, reports, selectors, services
from .forms import MailingForm, ReviewScheduleForm, TemplateForm
from .models import Mailing, MailingTemplate

PAGE_SIZE = 50


def _round(request, rounds):
    return selectors.round_chosen(rounds, id_param(request.GET, "round"))


@role_required(Role.STAFF)
def staff_home(request):
    """The program office's start page: what needs a person today."""
    rounds = selectors.round_list()
    round_ = _round(request, rounds)
    return render(
        request,
        "staffdesk/home.html",
        {
            "round_choices": rounds,
            "round": round_,
            # What the other apps add to the staff home (each round's funnel,
            # awards, questions waiting), registered with the core.
            "cards": [
                render_to_string(card.template, card.context(request), request=request)
                for card in registry.home_cards("staff")
            ],
            "todo": selectors.todo_list(
                round_=round_, user=request.user, rounds=rounds
            ),
            "actions": audit.in_words(selectors.recent_actions(limit=8)),
        },
    )


# --- late reviews and the review calendar ---


@role_required(Role.STAFF)
def late_reviews(request):
    """Reviewers with late reviews, and each round's review due date."""
    rounds = selectors.round_list()
    chosen = id_param(request.GET, "round")
    round_ = next((r for r in rounds if r.pk == chosen), None)
    rows = selectors.late_reviewers(round_=round_)
    if request.GET.get("format") == "csv":
        return csv_response(
            "late-reviews.csv",
            [
                [
                    r.name,
                    r.email,
                    r.late,
                    r.open,
                    r.due_on,
                    r.days_late,
                    "; ".join(r.rounds),
                ]
                for r in rows
            ],
            header=[
                gettext("Reviewer"),
                gettext("E-mail"),
                gettext("Late"),
                gettext("Unfinished"),
                gettext("Due on"),
                gettext("Days late"),
                gettext("Rounds"),
            ],
        )
    schedules = selectors.schedules_by_round()
    for r in rounds:
        r.schedule = schedules.get(r.pk)
    audience = f"late-reviewers:{round_.pk}" if round_ else "late-reviewers:all"
    return render(
        request,
        "staffdesk/late_reviews.html",
        {"rows": rows, "rounds": rounds, "round": round_, "audience": audience},
    )


@role_required(Role.STAFF)
def review_schedule(request, slug):
    """Set when a round's reviews are due and when reviewers are reminded."""
    round_ = get_object_or_404(Round, slug=slug)
    schedule = getattr(round_, "review_schedule", None)
    initial = (
        {
            "reviews_due_on": schedule.reviews_due_on,
            "reminder_days": ", ".join(str(d) for d in schedule.reminder_days),
        }
        if schedule
        else {"reminder_days": "7, 2"}
    )
    form = ReviewScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_schedule_set(
                round_=round_,
                reviews_due_on=form.cleaned_data["reviews_due_on"],
                reminder_days=form.cleaned_data["reminder_days"],
                by=request.user,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                gettext("Reviews of %(round)s are due as set.")
                % {"round": round_.name},
            )
            return redirect("staffdesk:late-reviews")
    return render(
        request, "staffdesk/review_schedule.html", {"form": form, "round": round_}
    )


# --- messages ---


@role_required(Role.STAFF)
def mailing_list(request):
    """Every message staff sent, with its audience and delivery."""
    page = Paginator(selectors.mailing_list(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "staffdesk/mailing_list.html",
        {"page": page, "templates": MailingTemplate.objects.all()},
    )


@role_required(Role.STAFF)
def mailing_compose(request):
    """Write a message: choose audiences, preview a real person's copy, send
    yourself a test, send it."""
    choices = audiences.audience_choices()
    preview = None
    if request.method == "POST":
        form = MailingForm(request.POST, audience_choices=choices)
        if form.is_valid():
            response, preview = _compose_action(request, form)
            if response is not None:
                return response
    else:
        form = MailingForm(initial=_compose_initial(request), audience_choices=choices)
    return render(
        request,
        "staffdesk/mailing_form.html",
        {"form": form, "preview": preview, "templates": MailingTemplate.objects.all()},
    )


def _compose_initial(request) -> dict:
    initial = {}
    keys = [k for k in request.GET.getlist("audience") if audiences.audience_get(k)]
    if keys:
        initial["audiences"] = keys
    template_id = id_param(request.GET, "template")
    template = (
        MailingTemplate.objects.filter(pk=template_id).first() if template_id else None
    )
    if template:
        initial.update(subject=template.subject, body=template.body, template=template)
    return initial


def _compose_action(request, form):
    """Preview, test or send; return (response or None, preview)."""
    data = form.cleaned_data
    action = request.POST.get("action", "preview")
    fields = {
        "subject": data["subject"],
        "body": data["body"],
        "audience_keys": data["audiences"],
    }
    try:
        if action == "send":
            return _compose_send(request, data, fields), None
        if action == "test":
            message = services.mailing_test_send(
                **fields, by=request.user, person_email=data["preview_as"]
            )
            messages.success(
                request,
                gettext("A test copy is on its way to %(email)s.")
                % {"email": message.to_email},
            )
        people, chosen, duplicates = services.mailing_preview(**fields)
    except ValidationError as exc:
        form_add_errors(form, exc)
        return None, None
    person = next(
        (p for p in people if p.email.lower() == data["preview_as"].strip().lower()),
        people[0],
    )
    subject, body = services.merged(person, data["subject"], data["body"])
    return None, {
        "person": person,
        "subject": subject,
        "body": body,
        "people": people[:200],
        "count": len(people),
        "audiences": chosen,
        "duplicates": duplicates,
        "opted_out": services.opted_out_count(people),
    }


def _compose_send(request, data: dict, fields: dict):
    """Send the mailing, say so, and go to its page."""
    mailing, created = services.mailing_send(
        **fields,
        form_token=data["form_token"],
        template=data["template"],
        by=request.user,
    )
    if created:
        messages.success(
            request,
            ngettext(
                "Your message is on its way to %(count)s person "
                "(%(skipped)s skipped: they turned off messages from the "
                "program office).",
                "Your message is on its way to %(count)s people "
                "(%(skipped)s skipped: they turned off messages from the "
                "program office).",
                mailing.recipients_count,
            )
            % {
                "count": f"{mailing.recipients_count:,}",
                "skipped": f"{mailing.skipped_count:,}",
            },
        )
    else:
        messages.info(request, gettext("This message was already sent; it is below."))
    return redirect(mailing)


@role_required(Role.STAFF)
def mailing_detail(request, pk):
    """One message: what was written, to whom, and where each copy is."""
    mailing = get_object_or_404(Mailing.objects.select_related("sent_by"), pk=pk)
    recipients = selectors.mailing_recipients(mailing)
    if request.GET.get("format") == "csv":
        return csv_response(
            f"message-{mailing.pk}-recipients.csv",
            (
                [
                    r.name,
                    r.email,
                    r.audience,
                    r.message.get_status_display() if r.message else "",
                    r.message.sent_at.isoformat()
                    if r.message and r.message.sent_at
                    else "",
                ]
                for r in recipients.iterator(chunk_size=1000)
            ),
            header=[
                gettext("Name"),
                gettext("E-mail"),
                gettext("Audience"),
                gettext("Delivery"),
                gettext("Sent at"),
            ],
        )
    page = Paginator(recipients, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staffdesk/mailing_detail.html",
        {
            "mailing": mailing,
            "page": page,
            "delivery": selectors.mailing_delivery(mailing),
        },
    )


@role_required(Role.STAFF)
def template_edit(request, pk=None):
    """Create or change a saved message."""
    template = get_object_or_404(MailingTemplate, pk=pk) if pk else None
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.template_save(
                name=form.cleaned_data["name"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                by=request.user,
                template=MailingTemplate.objects.get(pk=pk) if pk else None,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                gettext("The template “%(name)s” is saved.") % {"name": saved.name},
            )
            return redirect("staffdesk:mailing-list")
    return render(
        request, "staffdesk/template_form.html", {"form": form, "template": template}
    )


@role_required(Role.STAFF)
@require_POST
def template_delete(request, pk):
    template = get_object_or_404(MailingTemplate, pk=pk)
    services.template_delete(template=template, by=request.user)
    messages.success(
        request,
        gettext("The template “%(name)s” is deleted.") % {"name": template.name},
    )
    return redirect("staffdesk:mailing-list")


# --- to-do lists ---

TODO_PAGES = {
    "offers": _("Award offers about to expire"),
    "workplans": _("Work plans waiting for approval"),
    "attendance": _("Events and meetings with no attendance recorded"),
    "surveys": _("Surveys to open or close"),
}


@role_required(Role.STAFF)
def todo(request, which):
    """The rows behind one count of the home's to-do, each linked to where it
    is done."""
    if which not in TODO_PAGES:
        raise Http404("No such list.")
    table = reports.todo_table(which)
    if request.GET.get("format") == "csv":
        return csv_response(f"to-do-{which}.csv", table.rows, header=table.header)
    return render(
        request,
        "staffdesk/todo.html",
        {"title": TODO_PAGES[which], "table": table, "which": which},
    )


# --- reports and the audit trail ---


@role_required(Role.STAFF)
def report_index(request):
    """Every report the portal has, with what it answers and its CSV."""
    rounds = selectors.round_list()
    round_ = _round(request, rounds)
    return render(
        request,
        "staffdesk/report_index.html",
        {
            "rounds": rounds,
            "round": round_,
            "sections": reports.catalogue(round_=round_),
        },
    )


@role_required(Role.STAFF)
def report_csv(request, slug):
    """A report's table as CSV, for the round chosen."""
    rounds = selectors.round_list()
    round_ = _round(request, rounds)
    table = reports.table(slug, round_=round_)
    if table is None:
        raise Http404("No such report.")
    stamp = timezone.localdate().isoformat()
    name = f"{slug}-{round_.slug}-{stamp}.csv" if round_ else f"{slug}-{stamp}.csv"
    return csv_response(name, table.rows, header=table.header)


@role_required(Role.STAFF)
def report_page(request, slug):
    """A report of the workspace shown as a table (printable), with its CSV."""
    rounds = selectors.round_list()
    round_ = _round(request, rounds)
    table = reports.table(slug, round_=round_)
    if table is None:
        raise Http404("No such report.")
    return render(
        request,
        "staffdesk/report_table.html",
        {"table": table, "slug": slug, "rounds": rounds, "round": round_},
    )


@role_required(Role.STAFF)
def audit_trail(request):
    """The audit trail in words, filtered by person, date, action and object."""
    filters = audit.AuditFilter(request.GET or None)
    events = filters.queryset()
    if request.GET.get("format") == "csv":
        return csv_response(
            f"audit-trail-{timezone.localdate().isoformat()}.csv",
            audit.csv_rows(events.iterator(chunk_size=1000)),
            header=audit.CSV_HEADER,
        )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staffdesk/audit_trail.html",
        {
            "filters": filters,
            "page": page,
            "entries": audit.in_words(page.object_list),
            "query": filters.query_without_page(),
        },
    )
