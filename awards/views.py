"""Pages of close-out: the program office's rounds, payments and funder
report; each award's letter, tranches and final report.

Every handler checks the role (403 for another role), reaches its object
through ``permissions`` (404 for someone else's), calls one service or
selector and answers. A refused form comes back with its message and status
400, having written nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from applications.models import Round
from cohorts.permissions import is_mentor_of
from dashmentor.csv_export import csv_response
from dashmentor.params import choice_param, id_param
from dashmentor.roles import Role, has_role, role_required
from dashmentor.views_support import form_add_errors, messages_add_errors

from . import forms, pdf, permissions, reports, rules, selectors, services
from .models import AwardLetter, Document, FinalReport, ReportAttachment, Tranche

# Alumni keep their award's close-out: its letter, payments and final report.
YEAR_ROLES = (Role.STAFF, Role.MENTOR, Role.MENTEE, Role.ALUMNI)


def _download(document: Document) -> FileResponse:
    """The file, as an attachment under its person-given name."""
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The file is not in the store.")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _round(round_id) -> Round:
    return get_object_or_404(Round, pk=round_id)


# --- the program office ---


@role_required(Role.STAFF)
def round_list(request):
    """Every round with awards: where its close-out stands."""
    rounds = selectors.rounds_with_awards()
    by_round = selectors.payment_summaries(rounds)
    summaries = [(r, by_round[r.pk]) for r in rounds]
    return render(request, "awards/round_list.html", {"summaries": summaries})


@role_required(Role.STAFF)
def round_closeout(request, round_id):
    """A round's awards: letters, tranches and final reports, one row each."""
    round_ = _round(round_id)
    rows = selectors.closeout_rows(round_)
    return render(
        request,
        "awards/round_closeout.html",
        {
            "round": round_,
            "rows": rows,
            "summary": selectors.payment_summary(round_),
            "nav": "awards",
        },
    )


@role_required(Role.STAFF)
def letter_template(request, round_id):
    """The round's letter: its words, expectations, links and signatory."""
    round_ = _round(round_id)
    terms = selectors.terms_of(round_)
    form = forms.TermsForm(request.POST or None, instance=terms)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {f: form.cleaned_data[f] for f in services.TERMS_FIELDS}
            try:
                services.terms_save(round_=round_, by=request.user, **values)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, gettext("The letter template is saved."))
                return redirect("awards:letter-template", round_.pk)
        status = 400
    return render(
        request,
        "awards/letter_template.html",
        {
            "round": round_,
            "form": form,
            "placeholders": rules.PLACEHOLDERS,
            "schedule": selectors.schedule_of(round_),
        },
        status=status,
    )


def _schedule_initial(round_) -> list[dict]:
    return [
        {
            "label": t.label,
            "percent": t.percent,
            "requires_letter": t.requires_letter,
            "requires_workplan": t.requires_workplan,
            "requires_report": t.requires_report,
        }
        for t in selectors.schedule_of(round_)
    ]


@role_required(Role.STAFF)
def schedule(request, round_id):
    """The round's payment schedule: tranches, shares and their conditions."""
    round_ = _round(round_id)
    initial = _schedule_initial(round_)
    formset = forms.PaymentTermFormSet(
        request.POST or None, initial=initial, prefix="terms"
    )
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            rows = [
                row
                for row in (f.cleaned_data for f in formset.forms)
                if row and not row.get("DELETE")
            ]
            try:
                services.schedule_save(round_=round_, terms=rows, by=request.user)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, gettext("The payment schedule is saved."))
                return redirect("awards:schedule", round_.pk)
        status = 400
    in_use = Tranche.objects.filter(award__application__round=round_).exists()
    return render(
        request,
        "awards/schedule.html",
        {"round": round_, "formset": formset, "errors": errors, "in_use": in_use},
        status=status,
    )


@role_required(Role.STAFF)
def report_questions(request, round_id):
    """The final report's narrative questions for the round."""
    round_ = _round(round_id)
    initial = [
        {
            "key": q.key,
            "prompt": q.prompt,
            "help_text": q.help_text,
            "word_limit": q.word_limit,
            "required": q.required,
        }
        for q in selectors.report_questions_of(round_)
    ]
    formset = forms.ReportQuestionFormSet(
        request.POST or None, initial=initial, prefix="questions"
    )
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            rows = [
                row
                for row in (f.cleaned_data for f in formset.forms)
                if row and not row.get("DELETE")
            ]
            services.report_questions_save(
                round_=round_, questions=rows, by=request.user
            )
            messages.success(
                request, gettext("The final report's questions are saved.")
            )
            return redirect("awards:report-questions", round_.pk)
        status = 400
    return render(
        request,
        "awards/report_questions.html",
        {"round": round_, "formset": formset},
        status=status,
    )


@role_required(Role.STAFF)
def payments(request, round_id):
    """What the round has paid, what is due and what is outstanding."""
    round_ = _round(round_id)
    status = choice_param(request.GET, "status", Tranche.Status.values) or ""
    page = Paginator(selectors.tranche_list(round_, status=status), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "awards/payments.html",
        {
            "round": round_,
            "summary": selectors.payment_summary(round_),
            "page": page,
            "status": status,
            "statuses": Tranche.Status.choices,
        },
    )


@role_required(Role.STAFF)
def payments_csv(request, round_id):
    """Every tranche of the round, for accounting."""
    round_ = _round(round_id)
    rows = (
        [
            t.award.application.organization.name,
            t.award.application.organization.ein,
            t.award.pk,
            t.number,
            t.label,
            t.amount,
            t.get_status_display(),
            timezone.localdate(t.due_since).isoformat() if t.due_since else "",
            t.payment.amount if t.status == Tranche.Status.PAID else "",
            t.payment.paid_on.isoformat() if t.status == Tranche.Status.PAID else "",
            t.payment.reference if t.status == Tranche.Status.PAID else "",
        ]
        for t in selectors.tranche_list(round_).iterator(chunk_size=500)
    )
    return csv_response(
        f"payments-{slugify(round_.slug)}.csv",
        rows,
        header=[
            gettext("organization"),
            gettext("EIN"),
            gettext("award"),
            gettext("tranche"),
            gettext("label"),
            gettext("amount"),
            gettext("status"),
            gettext("due since"),
            gettext("paid amount"),
            gettext("paid on"),
            gettext("reference"),
        ],
    )


@role_required(Role.STAFF)
def tranche_pay(request, tranche_id):
    """Record a due tranche paid."""
    tranche = get_object_or_404(
        Tranche.objects.select_related(
            "award__application__organization", "award__application__round", "payment"
        ),
        pk=tranche_id,
    )
    form = forms.PaymentForm(request.POST or None, tranche=tranche)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.payment_record(
                    tranche=tranche, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(
                    request,
                    gettext("%(amount)s paid to %(organization)s is recorded.")
                    % {
                        "amount": rules.money(form.cleaned_data["amount"]),
                        "organization": tranche.award.application.organization.name,
                    },
                )
                return redirect("awards:payments", tranche.award.application.round_id)
        status = 400
    return render(
        request,
        "awards/tranche_pay.html",
        {"tranche": tranche, "form": form, "round": tranche.award.application.round},
        status=status,
    )


@role_required(Role.STAFF)
def funder_report(request, round_id):
    """The round for the funder: figures, charts, "as of" their computation."""
    round_ = _round(round_id)
    data, as_of = reports.funder_report(round_)
    from surveys.charts import bar_chart_svg

    return render(
        request,
        "awards/funder_report.html",
        {
            "round": round_,
            "data": data,
            "as_of": as_of,
            "funnel_chart": bar_chart_svg(
                gettext("From application to award"),
                [(reports.funnel_label(row), row["count"]) for row in data["funnel"]],
            ),
            "funnel_rows": [
                (reports.funnel_label(row), row["count"]) for row in data["funnel"]
            ],
            "money_rows": [
                (gettext("Budget"), data["money"]["budget"]),
                (gettext("Awarded"), data["money"]["awarded"]),
                (gettext("Paid"), data["money"]["paid"]),
                (gettext("Due, not yet paid"), data["money"]["due"]),
                (gettext("Still to become due"), data["money"]["pending"]),
                (gettext("Stopped (awards withdrawn)"), data["money"]["stopped"]),
            ],
        },
    )


@role_required(Role.STAFF)
def funder_report_pdf(request, round_id):
    round_ = _round(round_id)
    data, _as_of = reports.funder_report(round_)
    response = HttpResponse(pdf.funder_report_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="funder-report-{slugify(round_.slug)}.pdf"'
    )
    return response


@role_required(Role.STAFF)
def funder_report_csv(request, round_id):
    round_ = _round(round_id)
    data, _as_of = reports.funder_report(round_)
    return csv_response(
        f"funder-report-{slugify(round_.slug)}.csv", reports.funder_report_csv(data)
    )


@require_POST
@role_required(Role.STAFF)
def funder_report_refresh(request, round_id):
    round_ = _round(round_id)
    services.funder_report_refresh(round_=round_)
    messages.success(request, gettext("The figures are computed again, as of now."))
    return redirect("awards:funder-report", round_.pk)


# --- one award ---


def _award_context(request, award) -> dict:
    letter = selectors.current_letter(award)
    contacts = [m.user_id for m in services._contacts(award)]
    return {
        "award": award,
        "organization": award.application.organization,
        "round": award.application.round,
        "letter": letter,
        "letters": [x for x in selectors.letters_of(award) if x != letter],
        "tranches": list(
            Tranche.objects.filter(award=award)
            .select_related("payment")
            .order_by("number")
        )
        if permissions.can_see_payments(request.user, award)
        else None,
        "report": selectors.report_of(award),
        "is_staff": permissions.is_staff(request.user),
        "is_signatory": request.user.pk in contacts,
        "is_mentee": permissions.is_member_of(request.user, award),
        "is_mentor": is_mentor_of(request.user, award.mentorship),
        "signed_form": forms.SignedLetterForm(),
        "can_issue": award.status in services.LETTER_STATUSES
        and not (letter and letter.status == AwardLetter.Status.COUNTERSIGNED),
    }


@role_required(*YEAR_ROLES)
def award(request, award_id):
    """One award's close-out: its letter, payments and final report."""
    award = permissions.get_award(request.user, award_id)
    return render(request, "awards/award_detail.html", _award_context(request, award))


@require_POST
@role_required(Role.STAFF)
def letter_issue(request, award_id):
    award = permissions.get_award(request.user, award_id)
    expected = id_param(request.POST, "expected") or 0
    try:
        letter = services.letter_issue(
            award=award, by=request.user, expected_number=expected
        )
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(
            request,
            gettext("Letter %(number)s is issued and on its way to the organization.")
            % {"number": letter.number},
        )
    return redirect("awards:award", award.pk)


def _letter(award, number) -> AwardLetter:
    return get_object_or_404(
        AwardLetter.objects.select_related("document", "signed_copy"),
        award=award,
        number=number,
    )


@role_required(*YEAR_ROLES)
def letter_pdf(request, award_id, number):
    award = permissions.get_award(request.user, award_id)
    return _download(_letter(award, number).document)


@role_required(*YEAR_ROLES)
def letter_signed(request, award_id, number):
    award = permissions.get_award(request.user, award_id)
    letter = _letter(award, number)
    if letter.signed_copy is None:
        raise Http404("No signed copy.")
    return _download(letter.signed_copy)


def _current_or_404(award) -> AwardLetter:
    letter = selectors.current_letter(award)
    if letter is None:
        raise Http404("No letter.")
    return letter


@require_POST
@role_required(Role.MENTEE, Role.ALUMNI)
def letter_accept(request, award_id):
    award = permissions.get_award(request.user, award_id)
    try:
        services.letter_accept(letter=_current_or_404(award), by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(request, gettext("You accepted the award letter. Thank you!"))
    return redirect("awards:award", award.pk)


@require_POST
@role_required(Role.MENTEE, Role.ALUMNI)
def letter_upload(request, award_id):
    award = permissions.get_award(request.user, award_id)
    letter = _current_or_404(award)
    form = forms.SignedLetterForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.letter_upload_signed(
                letter=letter, upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, gettext("The signed letter is uploaded."))
            return redirect("awards:award", award.pk)
    context = _award_context(request, award)
    context["signed_form"] = form
    return render(request, "awards/award_detail.html", context, status=400)


@require_POST
@role_required(Role.STAFF)
def letter_countersign(request, award_id):
    award = permissions.get_award(request.user, award_id)
    try:
        services.letter_countersign(letter=_current_or_404(award), by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(
            request, gettext("The letter is countersigned: the contract is signed.")
        )
    return redirect("awards:award", award.pk)


# --- final reports ---


def _report_context(request, award, **extra) -> dict:
    report = selectors.report_of(award)
    structure = selectors.report_structure(award)
    versions = list(report.versions.order_by("-number")) if report.pk else []
    pending = next((v for v in versions if v.decision == v.Decision.PENDING), None)
    return {
        "award": award,
        "organization": award.application.organization,
        "report": report,
        "structure": structure,
        "versions": versions,
        "latest": versions[0] if versions else None,
        "pending": pending,
        "attachments": list(report.attachments.select_related("document"))
        if report.pk
        else [],
        "can_write": permissions.can_write_report(request.user, award)
        and report.status in FinalReport.EDITABLE,
        "is_mentee": permissions.is_member_of(request.user, award),
        "can_comment": permissions.can_comment_report(request.user, award)
        and pending is not None,
        "can_decide": permissions.is_staff(request.user) and pending is not None,
        "resources": list(award.resources.order_by("-created_at")),
        "attachment_form": forms.AttachmentForm(),
        "comment_form": forms.CommentForm(
            initial={"comment": pending.mentor_comment if pending else ""}
        ),
        "decision_form": forms.DecisionForm(),
        **extra,
    }


@role_required(*YEAR_ROLES)
def report(request, award_id):
    """The final report: the mentee's draft to fill in, or the submitted report."""
    award = permissions.get_award(request.user, award_id)
    report = selectors.report_of(award)
    structure = selectors.report_structure(award)
    writable = (
        permissions.can_write_report(request.user, award)
        and report.status in FinalReport.EDITABLE
    )
    form = forms.FinalReportForm(
        request.POST or None, structure=structure, data_initial=report.data or {}
    )
    status = 200
    if request.method == "POST":
        if not writable:
            raise PermissionDenied("Only the organization writes its final report.")
        if form.is_valid():
            try:
                services.report_save(award=award, data=form.to_data(), by=request.user)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                if "submit" in request.POST:
                    return _submit(request, award)
                messages.success(request, gettext("Your draft is saved."))
                return redirect("awards:report", award.pk)
        status = 400
    return render(
        request,
        "awards/report_detail.html",
        _report_context(request, award, form=form),
        status=status,
    )


def _submit(request, award):
    try:
        version = services.report_submit(award=award, by=request.user)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            gettext(
                "Version %(number)s of your final report is submitted: your "
                "mentor and the program office have it."
            )
            % {"number": version.number},
        )
    return redirect("awards:report", award.pk)


@require_POST
@role_required(Role.MENTEE, Role.ALUMNI)
def report_submit(request, award_id):
    award = permissions.get_award(request.user, award_id)
    if not permissions.can_write_report(request.user, award):
        raise Http404("No such report.")
    return _submit(request, award)


@require_POST
@role_required(Role.MENTOR)
def report_comment(request, award_id):
    award = permissions.get_award(request.user, award_id)
    if not permissions.can_comment_report(request.user, award):
        raise Http404("No such report.")
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            services.report_comment(
                award=award, comment=form.cleaned_data["comment"], by=request.user
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, gettext("Your comment is saved."))
            return redirect("awards:report", award.pk)
    context = _report_context(request, award, comment_form=form)
    context["form"] = forms.FinalReportForm(
        structure=context["structure"], data_initial=context["report"].data or {}
    )
    return render(request, "awards/report_detail.html", context, status=400)


@require_POST
@role_required(Role.STAFF)
def report_decide(request, award_id):
    award = permissions.get_award(request.user, award_id)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.report_decide(
                award=award,
                accept=accept,
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                gettext("The final report is accepted: its payment is due.")
                if accept
                else gettext("Changes are requested: the organization is told."),
            )
            return redirect("awards:report", award.pk)
    context = _report_context(request, award, decision_form=form)
    context["form"] = forms.FinalReportForm(
        structure=context["structure"], data_initial=context["report"].data or {}
    )
    return render(request, "awards/report_detail.html", context, status=400)


@role_required(*YEAR_ROLES)
def report_version(request, award_id, number):
    award = permissions.get_award(request.user, award_id)
    report = get_object_or_404(FinalReport, award=award)
    version = get_object_or_404(report.versions, number=number)
    return render(
        request,
        "awards/report_version.html",
        {
            "award": award,
            "organization": award.application.organization,
            "report": report,
            "version": version,
            "snapshot": version.snapshot,
        },
    )


@require_POST
@role_required(Role.MENTEE, Role.ALUMNI)
def report_attach(request, award_id):
    award = permissions.get_award(request.user, award_id)
    if not permissions.can_write_report(request.user, award):
        raise Http404("No such report.")
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.report_attachment_add(
                award=award,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, gettext("The file is attached."))
            return redirect("awards:report", award.pk)
    context = _report_context(request, award, attachment_form=form)
    context["form"] = forms.FinalReportForm(
        structure=context["structure"], data_initial=context["report"].data or {}
    )
    return render(request, "awards/report_detail.html", context, status=400)


@require_POST
@role_required(Role.MENTEE, Role.ALUMNI)
def report_detach(request, award_id, attachment_id):
    award = permissions.get_award(request.user, award_id)
    if not permissions.can_write_report(request.user, award):
        raise Http404("No such report.")
    attachment = get_object_or_404(
        ReportAttachment.objects.select_related("document"),
        pk=attachment_id,
        report__award=award,
    )
    try:
        services.report_attachment_remove(attachment=attachment, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(request, gettext("The file is taken off the report."))
    return redirect("awards:report", award.pk)


@role_required(*YEAR_ROLES)
def report_file(request, award_id, document_id):
    award = permissions.get_award(request.user, award_id)
    report = get_object_or_404(FinalReport, award=award)
    if document_id not in selectors.report_document_ids(report):
        raise Http404("No such file.")
    return _download(get_object_or_404(Document, pk=document_id))


@role_required(Role.STAFF, Role.MENTOR)
def reports_waiting(request):
    """Final reports submitted and waiting: a mentor's cohorts', or all."""
    mentor = None if has_role(request.user, Role.STAFF) else request.user
    return render(
        request,
        "awards/reports_waiting.html",
        {"reports": list(selectors.reports_waiting(mentor=mentor)[:200])},
    )
