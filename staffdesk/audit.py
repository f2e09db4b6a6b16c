"""The audit trail in words: "Status: Submitted → Eligible, by Dana Ortiz, 3 Feb 14:02".

Each recorded change is told with the field's label and the choice's label
(from the model the row names), not the raw keys and values kept as JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashmentor.models import AuditEvent

CSV_HEADER = [
    _("When"),
    _("Who"),
    _("Action"),
    _("Object kind"),
    _("Object"),
    _("Changes"),
    _("Note"),
]

# What each action recorded in the portal is called; an action missing here
# (one added later, or an old row's) is told with the words of its key.
ACTION_LABELS = {
    "affinity.attendance_record": _("Affinity-group attendance recorded"),
    "affinity.drawing": _("Gift-card drawing held"),
    "affinity.group_email": _("E-mail sent to an affinity group"),
    "affinity.group_update": _("Affinity group changed"),
    "affinity.membership_decide": _("Affinity-group membership decided"),
    "affinity.membership_leave": _("Affinity group left"),
    "affinity.membership_request": _("Asked to join an affinity group"),
    "affinity.surveys_create": _("Affinity-group surveys created"),
    "api.delivery_redeliver": _("Webhook delivery sent again"),
    "api.endpoint_create": _("Webhook endpoint created"),
    "api.endpoint_rotate": _("Webhook signing secret replaced"),
    "api.endpoint_update": _("Webhook endpoint changed"),
    "api.token_create": _("API token created"),
    "api.token_revoke": _("API token revoked"),
    "application.started": _("Application started"),
    "application.status": _("Application status changed"),
    "award.create": _("Award created"),
    "award.letter_accept": _("Award letter accepted"),
    "award.letter_countersign": _("Award letter countersigned"),
    "award.letter_issue": _("Award letter issued"),
    "award.move": _("Award moved to another mentorship"),
    "award.payment": _("Payment recorded"),
    "award.status": _("Award status changed"),
    "award.tranche_due": _("Tranche became due"),
    "award.tranches_stop": _("Tranches stopped"),
    "award.waitlist_offer": _("Seat offered from the waitlist"),
    "calendar.reset": _("Calendar link replaced"),
    "decision.record": _("Decision recorded"),
    "decision.release": _("Decision released and e-mailed"),
    "discussions.challenge_closed": _("Challenge closed"),
    "discussions.challenge_posted": _("Challenge posted"),
    "discussions.post_hidden": _("Post hidden"),
    "discussions.reply_hidden": _("Reply hidden"),
    "discussions.thread_locked": _("Thread locked"),
    "discussions.thread_opened": _("Thread unlocked"),
    "eligibility.override": _("Eligibility overridden"),
    "eligibility.overridden": _("Eligibility overridden"),
    "eligibility.override_cleared": _("Eligibility override cleared"),
    "event.attendance": _("Attendance recorded"),
    "events.series": _("Event series scheduled"),
    "faq.changed": _("Published question changed"),
    "faq.created": _("Published question written"),
    "faq.published": _("Answer published"),
    "final_report.attach": _("File attached to a final report"),
    "final_report.comment": _("Final report commented"),
    "final_report.decide": _("Final report decided"),
    "final_report.detach": _("File removed from a final report"),
    "final_report.submit": _("Final report submitted"),
    "invitation.accept": _("Cohort invitation accepted"),
    "mailing.send": _("Message sent"),
    "mailing_template.delete": _("Message template deleted"),
    "message.resend": _("E-mail sent again"),
    "milestone.changed": _("Milestone changed"),
    "milestone.created": _("Milestone added"),
    "milestone.deleted": _("Milestone deleted"),
    "organization.created": _("Organization created"),
    "organization.updated": _("Organization changed"),
    "peers.block": _("Organization blocked"),
    "peers.group_move_accept": _("Group move accepted"),
    "peers.group_move_decline": _("Group move declined"),
    "peers.group_move_suggest": _("Group move suggested"),
    "peers.introduction_accept": _("Introduction accepted"),
    "peers.introduction_broker": _("Introduction made by a mentor or staff"),
    "peers.introduction_decline": _("Introduction declined"),
    "peers.introduction_request": _("Introduction asked"),
    "peers.introduction_withdraw": _("Introduction withdrawn"),
    "peers.profile_prefill": _("Collaboration profile filled from the application"),
    "peers.profile_update": _("Collaboration profile changed"),
    "peers.unblock": _("Organization unblocked"),
    "personnel.apply": _("Personnel change applied"),
    "personnel.report": _("Personnel change reported"),
    "placement.commit": _("Placement committed"),
    "placement.discard": _("Placement discarded"),
    "placement.forbid": _("Placement in a mentorship excluded"),
    "placement.forbid.remove": _("Placement exclusion removed"),
    "placement.move": _("Placement changed by hand"),
    "placement.pin": _("Placement pinned to a mentorship"),
    "placement.pin.remove": _("Placement pin removed"),
    "placement.preview": _("Placement previewed"),
    "question.answered": _("Question answered"),
    "question.dismissed": _("Question dismissed"),
    "resource.create": _("Resource created"),
    "resource.edit": _("Resource changed"),
    "resource.review": _("Resource reviewed"),
    "resource.submit": _("Resource submitted"),
    "resource.withdraw": _("Resource withdrawn"),
    "review.assign": _("Reviewer assigned"),
    "review.auto_assign": _("Reviewers assigned automatically"),
    "review.conflict_declared": _("Conflict of interest declared"),
    "review.reassign": _("Reassigned after a conflict"),
    "review.rescored": _("Scores normalized again"),
    "review.scores_changed": _("Submitted scores changed"),
    "review.submitted": _("Review submitted"),
    "review.unassign": _("Reviewer removed"),
    "review_schedule.set": _("Review due dates set"),
    "round.payment_schedule": _("Payment schedule set"),
    "round.report_questions": _("Final report questions set"),
    "round.terms": _("Award terms set"),
    "survey.close": _("Survey closed"),
    "survey.copy": _("Survey copied"),
    "survey.create": _("Survey created"),
    "survey.open": _("Survey opened"),
    "survey.quarantine": _("Survey answer set aside"),
    "survey.question": _("Survey question saved"),
    "survey.question_delete": _("Survey question deleted"),
    "survey.schedule": _("Survey scheduled"),
    "survey.section": _("Survey section saved"),
    "survey.section_delete": _("Survey section deleted"),
    "survey.update": _("Survey changed"),
    "user.email_confirmed": _("E-mail address confirmed"),
    "user.signed_up": _("Account created"),
    "webinar.changed": _("Webinar changed"),
    "webinar.created": _("Webinar added"),
    "workplan.review": _("Work plan reviewed"),
    "workplan.submit": _("Work plan submitted"),
}


def action_label(action: str) -> str:
    """``award.letter_issue`` → "Award letter issued", in the active language;
    an action without a label is told with its key's words."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    words = action.replace(".", " ").replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else gettext("Change")


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(model, name: str) -> str:
    field = _field(model, name)
    label = getattr(field, "verbose_name", None) or name.replace("_", " ")
    return str(label)[:1].upper() + str(label)[1:]


def _value(model, name: str, value) -> str:
    if value is None or value == "":
        return "—"
    field = _field(model, name)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(model, name, v) for v in value) or "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items()) or "—"
    return str(choices.get(value, value))


@dataclass
class Entry:
    event: AuditEvent
    action: str
    who: str
    kind: str
    changes: list[str]

    @property
    def sentence(self) -> str:
        return "; ".join(self.changes)


def in_words(events) -> list[Entry]:
    """Each event told in words (no query beyond the events' own, with their
    actors and content types selected)."""
    entries = []
    for event in events:
        model = event.content_type.model_class() if event.content_type_id else None
        keys = list(dict.fromkeys([*event.before, *event.after]))
        changes = []
        for key in keys:
            label = _label(model, key)
            if key in event.before and key in event.after:
                changes.append(
                    gettext("%(label)s: %(before)s → %(after)s")
                    % {
                        "label": label,
                        "before": _value(model, key, event.before[key]),
                        "after": _value(model, key, event.after[key]),
                    }
                )
            elif key in event.after:
                changes.append(
                    gettext("%(label)s: %(value)s")
                    % {"label": label, "value": _value(model, key, event.after[key])}
                )
            else:
                changes.append(
                    gettext("%(label)s was %(value)s")
                    % {"label": label, "value": _value(model, key, event.before[key])}
                )
        entries.append(
            Entry(
                event=event,
                action=action_label(event.action),
                who=event.actor.get_full_name()
                if event.actor
                else gettext("the portal"),
                kind=str(model._meta.verbose_name).capitalize() if model else "",
                changes=changes,
            )
        )
    return entries


def csv_rows(events):
    for entry in in_words(events):
        e = entry.event
        yield [
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
            entry.who,
            entry.action,
            entry.kind,
            e.object_repr,
            entry.sentence,
            e.note,
        ]


class AuditFilter(forms.Form):
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=100,
        help_text=_("Name or e-mail of who did it."),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    object = forms.CharField(
        label=_("Object"),
        required=False,
        max_length=100,
        help_text=_("Part of the record's name."),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actions = (
            AuditEvent.objects.order_by("action")
            .values_list("action", flat=True)
            .distinct()
        )
        self.fields["action"].choices = [("", _("Any action"))] + [
            (a, action_label(a)) for a in actions
        ]

    def queryset(self):
        events = AuditEvent.objects.select_related("actor", "content_type").order_by(
            "-created_at", "-pk"
        )
        if not self.is_bound or not self.is_valid():
            return events
        data = self.cleaned_data
        if data["person"]:
            events = events.filter(
                Q(actor__full_name__icontains=data["person"])
                | Q(actor__email__icontains=data["person"])
            )
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object"]:
            events = events.filter(object_repr__icontains=data["object"])
        zone = timezone.get_current_timezone()
        if data["since"]:
            start = dt.datetime.combine(data["since"], dt.time.min, tzinfo=zone)
            events = events.filter(created_at__gte=start)
        if data["until"]:
            end = dt.datetime.combine(
                data["until"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone
            )
            events = events.filter(created_at__lt=end)
        return events

    def query_without_page(self) -> str:
        params = QueryDict(mutable=True)
        if self.is_bound:
            for key in self.fields:
                value = self.data.get(key)
                if value:
                    params[key] = value
        return params.urlencode()
