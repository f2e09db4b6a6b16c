"""What every app's views share, written once.

A service refuses a change by raising ``ValidationError`` with a module-constant
message, and saves nothing; a view shows the refusal one of two ways: next to
the form's fields (``form_add_errors``) or as page messages
(``messages_add_errors``), or as text in its own context (``error_text``).
The viewer's role flags reach every template from the context processor
(``dashmentor.context_processors.portal``), so views render with Django's
``render``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError


def error_text(exc: ValidationError) -> str:
    """The refusal's messages as one sentence or more."""
    return " ".join(exc.messages)


def messages_add_errors(
    request, exc: ValidationError, level: int = messages.ERROR
) -> None:
    """Show each of the refusal's messages on the next page."""
    for message in exc.messages:
        messages.add_message(request, level, message)


def form_add_errors(form, exc: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or on the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def posted(request):
    """The POST data to bind a form to; an empty POST still binds (and fails)."""
    return request.POST if request.method == "POST" else None
