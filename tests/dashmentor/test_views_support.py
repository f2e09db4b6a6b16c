"""The views' shared helpers: a service's refusal shown on a form or as page
messages, written once for every app."""

import pathlib
import re

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from dashmentor.views_support import error_text, form_add_errors, messages_add_errors

ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = [
    "applications",
    "cohorts",
    "surveys",
    "affinity",
    "awards",
    "peers",
    "notifications",
    "dashmentor",
]


class _Form(forms.Form):
    title = forms.CharField()


def test_a_refusal_naming_a_field_shows_next_to_it():
    form = _Form({"title": "x"})
    assert form.is_valid()
    form_add_errors(form, ValidationError({"title": "Too short.", "other": "Nope."}))
    assert form.errors["title"] == ["Too short."]
    assert form.non_field_errors() == ["Nope."]


def test_a_refusal_without_a_field_shows_on_the_form():
    form = _Form({"title": "x"})
    assert form.is_valid()
    form_add_errors(form, ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == ["One.", "Two."]


def test_each_message_of_a_refusal_becomes_a_page_message():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    messages_add_errors(request, ValidationError(["One.", "Two."]))
    assert [m.message for m in get_messages(request)] == ["One.", "Two."]
    assert error_text(ValidationError(["One.", "Two."])) == "One. Two."


def test_no_app_keeps_its_own_copy_of_the_helpers():
    """A second copy of a cross-cutting helper is a defect (STYLE.md)."""
    copies = re.compile(
        r'" "\.join\(exc\.messages\)|def _(add_errors|error_text|first_error|'
        r"error_messages|render|posted)\("
    )
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in (ROOT / app).rglob("views.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if copies.search(line)
    ]
    assert found == []
