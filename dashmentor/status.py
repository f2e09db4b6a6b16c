"""Every status change goes through this gate.

Each model with a ``status`` field declares the moves it allows on the model,
in ``TRANSITIONS``: ``{status: {statuses it may become}}`` (django-oscar's
``Order.pipeline``). A status missing from the table's keys may become nothing.
Services change a status only through the three functions below, which read
that table and nothing else:

- ``status_move(obj, after, ...)``: one loaded row (lock it first when two
  people may act at once). A move the table does not have is refused with a
  ``ValidationError`` (the caller's module-constant message, or
  ``MOVE_REFUSED``, both marked with ``gettext_lazy`` and filled in the
  language active at the refusal) and nothing is saved; otherwise the status
  is set and saved with the other fields named.
- ``status_update(queryset, after, before=..., **fields)``: many rows in one
  conditional ``UPDATE`` (the outbox's claims, a round's bulk moves). Only rows
  in one of the ``before`` statuses change, and every ``before`` must be allowed
  to become ``after``, or the call is refused before it touches a row.
- ``status_sql(model, before, after)``: the same check for a hand-written
  ``UPDATE`` (the outbox's hot path on PostgreSQL), made once when the module
  that holds the statement is imported; it returns the statement's ``SET``
  and ``WHERE`` parts for the status.

Creating a row in its first status is not a move. ``tests/test_status_gate.py``
reads every model's table and scans the code for a status written anywhere
else.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# ``{thing}`` is the model's name ("Award"), so no article is built by code.
MOVE_REFUSED = _("{thing}: “{before}” cannot become “{after}”.")


def status_table(model) -> dict:
    """The model's transition table, as plain values."""
    table = getattr(model, "TRANSITIONS", None)
    if table is None:
        raise ImproperlyConfigured(f"{model.__name__} has no TRANSITIONS table.")
    return {str(before): {str(a) for a in after} for before, after in table.items()}


def status_allowed(model, before: str, after: str) -> bool:
    return str(after) in status_table(model).get(str(before), set())


def _label(model, value: str) -> str:
    choices = dict(model._meta.get_field("status").choices)
    return str(choices.get(value, value))


def status_refusal(
    model, before: str, after: str, message: str | None = None, **args
) -> str:
    """The text that refuses ``before`` → ``after``, in the active language:
    ``message`` (or ``MOVE_REFUSED``) with the model's name, the two statuses'
    labels and ``args`` filled in."""
    return str(message or MOVE_REFUSED).format(
        thing=capfirst(str(model._meta.verbose_name)),
        before=_label(model, before),
        after=_label(model, after),
        **args,
    )


def status_check(obj, after: str, message: str | None = None, **args) -> None:
    """Refuse with ``ValidationError`` unless ``obj`` may become ``after``."""
    model = type(obj)
    if not status_allowed(model, obj.status, after):
        raise ValidationError(status_refusal(model, obj.status, after, message, **args))


def status_move(
    obj,
    after: str,
    *,
    fields: Iterable[str] = (),
    message: str | None = None,
    **args,
) -> str:
    """Move ``obj`` to ``after`` if its table allows it; return the status before.

    ``fields`` are saved with the status (set them on ``obj`` first). A service
    with more checks to make first calls ``status_check`` early and this last.
    """
    status_check(obj, after, message, **args)
    before = obj.status
    obj.status = after
    obj.save(update_fields=["status", *fields])
    return before


def _check_moves(model, before: Iterable[str], after: str) -> list[str]:
    before = [str(b) for b in before]
    wrong = [b for b in before if not status_allowed(model, b, after)]
    if wrong or not before:
        raise ImproperlyConfigured(
            f"{model.__name__}: {wrong or 'no status'} may not become {after!r} "
            "(see its TRANSITIONS)."
        )
    return before


def status_update(
    queryset, after: str, *, before: Iterable[str], rows: Iterable = (), **fields
) -> int:
    """Move the rows of ``queryset`` that are in ``before`` to ``after``, in one
    ``UPDATE``; return how many moved. ``rows``, the caller's loaded copies of
    the rows it moves, are given the new status too."""
    statuses = _check_moves(queryset.model, before, after)
    moved = queryset.filter(status__in=statuses).update(status=after, **fields)
    for row in rows:
        row.status = after
    return moved


def status_sql(model, before: Iterable[str], after: str) -> tuple[str, str]:
    """Check a hand-written move and give its SQL: ``(set_part, where_part)``.

    The parts are literals of the table's own values (``status = 'sent'``,
    ``status IN ('pending', 'queued')``), checked against ``TRANSITIONS`` here.
    """
    statuses = _check_moves(model, before, after)
    column = model._meta.get_field("status").column
    for value in [*statuses, after]:
        if not str(value).replace("_", "").isalnum():
            raise ImproperlyConfigured(f"Unsafe status value {value!r}.")
    listed = ", ".join(f"'{s}'" for s in statuses)
    return f"{column} = '{after}'", f"{column} IN ({listed})"
