"""Save the rows of a form's repeated part (a formset) without losing any.

A page that lists rows (partners, team members, activities, measures, the
options of a question) posts every row it shows, each existing one with its id.
The rule, the same on every page:

- a row posted unchanged is left as it is: same primary key, same values, no
  write;
- a row posted changed is updated in place (its primary key is kept, and with
  it whatever points to it);
- a row is removed only when its delete box is ticked or its fields are
  emptied, which the form reports as an id to remove;
- a row that is neither posted nor removed (added meanwhile in another tab) is
  left as it is;
- a posted row without an id, or with an id that is not one of the rows (a
  row removed meanwhile, or an id typed into the page), is added as a new row,
  so that nothing typed is lost and no other record can be reached.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models


@dataclass
class RowsChange:
    """What ``rows_sync`` wrote."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def rows_sync(
    *,
    queryset: models.QuerySet,
    rows: Sequence[dict],
    remove: Iterable[int] = (),
    fields: Sequence[str],
    new: Callable[..., models.Model],
) -> RowsChange:
    """Make the rows of ``queryset`` what a form posted, writing only changes.

    ``rows`` are dicts of the values of ``fields``, with ``id`` for an existing
    row; ``new(**values)`` builds an unsaved row for one without. ``remove``
    holds ids of rows to delete (ids outside ``queryset`` are ignored). Run it
    inside the caller's transaction.
    """
    existing = {row.pk: row for row in queryset}
    change = RowsChange()
    removed = set()
    for pk in remove:
        row = existing.get(pk)
        if row is not None and pk not in removed:
            removed.add(pk)
            change.removed.append(row)
    # Removed first, so that a unique value can pass from a removed row to a
    # new one in the same save.
    for row in change.removed:
        row.delete()
    for values in rows:
        values = dict(values)
        row = existing.get(values.pop("id", None))
        if row is None or row.pk in removed:
            created = new(**values)
            created.save()
            change.created.append(created)
            continue
        changed = [
            name
            for name in fields
            if name in values and getattr(row, name) != values[name]
        ]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            row.save(update_fields=changed)
            change.updated.append(row)
    return change


def kept_minute(stored, posted):
    """The stored time when a form posted it back to the minute it shows.

    Date-time inputs show minutes; a time stored with seconds (an import, a
    seed, a service) comes back without them. Unchanged on the page, it stays
    unchanged in the database.
    """
    if (
        stored is not None
        and posted is not None
        and stored.replace(second=0, microsecond=0) == posted
    ):
        return stored
    return posted
