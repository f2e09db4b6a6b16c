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
from django.utils.translation import gettext_lazy as _

from dashmentor.models import AuditEvent

CSV_HEADER = ["When", "Who", "Action", "Object kind", "Object", "Changes", "Note"]


def action_label(action: str) -> str:
    """``application.eligibility_override`` → "Application eligibility override"."""
    words = action.replace(".", " ").replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else "Change"


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
        return "yes" if value else "no"
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
                    f"{label}: {_value(model, key, event.before[key])} → "
                    f"{_value(model, key, event.after[key])}"
                )
            elif key in event.after:
                changes.append(f"{label}: {_value(model, key, event.after[key])}")
            else:
                changes.append(f"{label} was {_value(model, key, event.before[key])}")
        entries.append(
            Entry(
                event=event,
                action=action_label(event.action),
                who=event.actor.get_full_name() if event.actor else "the portal",
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
