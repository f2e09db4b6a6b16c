"""Date-times entered and shown in a zone the form names, not the viewer's.

A round's dates belong to the round's zone: a deadline of 3:30 pm in a New York
round is 3:30 pm in New York whoever types it, whatever zone their profile (and
so the page) is in. ``ZonedDateTimeField`` reads what is typed and shows what is
stored in its ``zone``; ``zone_fields`` gives a form's zoned fields the zone and
says so in their help text. Every staff form of a round's dates uses them, the
admin's included.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .rows import kept_minute

AMBIGUOUS = _(
    "%(value)s does not happen exactly once in %(zone)s (the clocks change then): "
    "choose another time."
)
IN_ZONE = _("In the round's time zone, {zone}.")


def zone_or_none(name) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(str(name)) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class ZonedDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input whose wall time is in ``zone``."""

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
    )

    def __init__(self, *, zone: zoneinfo.ZoneInfo | None = None, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)
        self.zone = zone or zoneinfo.ZoneInfo(settings.PORTAL_DEFAULT_TIME_ZONE)

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.make_naive(value, self.zone)
        return super().prepare_value(value)

    def to_python(self, value):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value
        with timezone.override(self.zone):
            try:
                return super().to_python(value)
            except ValidationError as exc:
                if exc.code != "ambiguous_timezone":
                    raise
        raise ValidationError(
            AMBIGUOUS,
            code="ambiguous_timezone",
            params={"value": value, "zone": self.zone.key.replace("_", " ")},
        )

    def has_changed(self, initial, data):
        # The input shows minutes: a stored time with seconds, posted back as
        # shown, has not changed.
        if isinstance(initial, dt.datetime):
            initial = initial.replace(second=0, microsecond=0)
        return super().has_changed(initial, data)


def zone_fields(form, zone_name: str, names=None) -> None:
    """Put ``form``'s zoned fields (or ``names``) in the zone ``zone_name``."""
    zone = zone_or_none(zone_name) or zoneinfo.ZoneInfo(
        settings.PORTAL_DEFAULT_TIME_ZONE
    )
    for name, field in form.fields.items():
        if not isinstance(field, ZonedDateTimeField):
            continue
        if names is not None and name not in names:
            continue
        field.zone = zone
        said = IN_ZONE.format(zone=zone.key.replace("_", " "))
        field.help_text = f"{field.help_text} {said}".strip()


def kept(form, name: str):
    """The cleaned value of ``name``, the stored one if posted back as shown."""
    return kept_minute(getattr(form.instance, name, None), form.cleaned_data.get(name))
