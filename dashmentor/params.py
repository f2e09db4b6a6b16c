"""Single values read from the query string or a posted form, without a form.

Most views read their input through a Django form, whose fields refuse NUL
bytes, over-long text, numbers that are not numbers or out of range, and
choices not offered. A few views take one value straight from ``request.GET``
or ``request.POST`` (an id in a button, a direction); these helpers clean it
with the very form field a form would use, so that no such value reaches a
query or a service (PostgreSQL refuses a NUL byte in text, an id larger than
its integer column, and a "²" that ``str.isdigit`` accepts).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

# The largest primary key of an ``AutoField``/``IntegerField`` column.
MAX_ID = 2_147_483_647

_ID_FIELD = forms.IntegerField(min_value=1, max_value=MAX_ID)


def id_param(source, name: str) -> int | None:
    """The id in ``source[name]``, or None when it is missing or is no id."""
    value = source.get(name)
    if value is None or value == "" or len(value) > 20:
        return None
    try:
        return _ID_FIELD.clean(value)
    except ValidationError:
        return None


def choice_param(source, name: str, choices) -> str | None:
    """``source[name]`` when it is one of ``choices``, else None."""
    field = forms.ChoiceField(choices=[(c, c) for c in choices])
    try:
        return field.clean(source.get(name))
    except ValidationError:
        return None
