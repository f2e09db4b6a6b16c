"""Every admin page that shows rows (inlines) saved back unchanged writes
nothing, over the demo program.

For each model whose admin page has inlines, the record with the most rows in
them is opened as a superuser and its form posted back exactly as the page
rendered it: every row of the portal's tables is as it was (the admin's own
log of the save aside, which is Django's, not the portal's).
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from tests import factories
from tests.support.forms import assert_same_rows, database_rows, page_forms

PAGES_WITH_ROWS = sorted(
    (
        (model._meta.label, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model_admin.inlines
    ),
    key=lambda item: item[0],
)


@pytest.fixture(scope="module")
def demo_program(demo_snapshot, django_db_blocker):
    with django_db_blocker.unblock():
        demo_snapshot.restore()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0, reset_sequences=False)


def richest(model, model_admin):
    """The record with the most rows in the page's inlines."""
    counts = {}
    for inline in model_admin.inlines:
        fk = next(
            f
            for f in inline.model._meta.get_fields()
            if getattr(f, "related_model", None) is model and f.many_to_one
        )
        counts[f"n_{inline.model._meta.model_name}"] = Count(
            fk.remote_field.get_accessor_name(), distinct=True
        )
    return (
        model.objects.annotate(**counts)
        .order_by(*[f"-{name}" for name in counts], "pk")
        .first()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "label", [label for label, _ in PAGES_WITH_ROWS], ids=lambda label: label
)
def test_an_admin_page_with_rows_saved_back_unchanged_changes_nothing(
    demo_program, client, label
):
    model_admin = dict(PAGES_WITH_ROWS)[label]
    model = model_admin.model
    staff = factories.StaffFactory(is_superuser=True)
    if label == "cohorts.PlacementRun" and not model.objects.exists():
        # The demo places its cohorts without a run: preview one.
        from applications.models import Decision
        from cohorts.placement.services import placement_preview

        decided = Decision.objects.filter(outcome=Decision.Outcome.ACCEPT).first()
        placement_preview(round=decided.application.round, by=staff)
    record = richest(model, model_admin)
    assert record is not None, f"the demo has no {label}"
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
        args=[record.pk],
    )
    response = client.get(url)
    assert response.status_code == 200
    (form,) = [
        f for f in page_forms(response.content.decode()) if "TOTAL_FORMS" in str(f.data)
    ]
    before = database_rows()
    response = client.post(url, form.post_data("_save"))
    assert response.status_code == 302, [
        e for e in (response.context or {}).get("errors", [])
    ]
    assert_same_rows(before, database_rows())
