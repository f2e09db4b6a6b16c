"""Errors as JSON: a service's ``ValidationError`` becomes 400 with its fields.

The services of the apps raise Django's ``ValidationError`` with the same
messages the pages show; the API answers them as 400 with the message under
the field it names (or ``non_field_errors``), and nothing written: the
service's transaction rolled back.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def as_api_error(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        detail = {
            ("non_field_errors" if field == "__all__" else field): [
                message for item in items for message in item.messages
            ]
            for field, items in error.error_dict.items()
        }
    else:
        detail = {"non_field_errors": list(error.messages)}
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = as_api_error(exc)
    return drf_exception_handler(exc, context)
