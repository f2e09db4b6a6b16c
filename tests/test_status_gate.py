"""Every status change goes through one gate (dashmentor/status.py).

The tests walk every model that has a ``status`` and its transition table,
refuse a move the table does not have, find no status written anywhere in the
code but the gate, and find no admin page that edits a status around it.
"""

from __future__ import annotations

import ast
import pathlib
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import RequestFactory
from django.utils import translation

from dashmentor.admin import StatusGateForm
from dashmentor.status import (
    status_allowed,
    status_move,
    status_refusal,
    status_sql,
    status_table,
    status_update,
)

ROOT = pathlib.Path(__file__).resolve().parents[1]
APPS = [
    "applications",
    "cohorts",
    "surveys",
    "affinity",
    "peers",
    "discussions",
    "awards",
    "api",
    "staffdesk",
    "notifications",
    "dashmentor",
]
# The demo seed writes rows as they stood at a date in the past (a finished
# year, a sent message); it makes history, it does not move a status.
NOT_SCANNED = {"migrations", "demo.py"}
GATE = ROOT / "dashmentor" / "status.py"


def _models_with_status():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in APPS
        and any(f.name == "status" for f in model._meta.concrete_fields)
    ]


def _choices(model) -> set[str]:
    return {str(value) for value, _ in model._meta.get_field("status").choices}


def _models_refusing_a_move():
    """The models whose table lacks a move (a record like attendance may be
    corrected from any status to any other, so it lacks none)."""
    return [
        model
        for model in _models_with_status()
        if any(
            _choices(model) - after - {before}
            for before, after in status_table(model).items()
        )
    ]


def test_the_walk_finds_the_models_with_a_status():
    names = {model.__name__ for model in _models_with_status()}
    assert {
        "Application",
        "ReviewAssignment",
        "Award",
        "PlacementRun",
        "WorkPlan",
        "Activity",
        "Attendance",
        "PersonnelChange",
        "Survey",
        "GroupMember",
        "Message",
    } <= names


@pytest.mark.parametrize("model", _models_with_status(), ids=lambda m: m.__name__)
def test_every_status_has_a_row_in_its_models_table(model):
    """Each status is a key of the table (a final one maps to nothing), and the
    table names no status the field does not offer."""
    table = status_table(model)
    choices = _choices(model)
    assert set(table) == choices
    for before, after in table.items():
        assert after <= choices, (before, after - choices)
        assert before not in after, f"{before} to itself is no move"


@pytest.mark.parametrize("model", _models_refusing_a_move(), ids=lambda m: m.__name__)
def test_a_move_the_table_lacks_is_refused_with_a_clear_message(model):
    """The gate refuses, names both statuses, and saves nothing."""
    table = status_table(model)
    pairs = [
        (before, after)
        for before in table
        for after in _choices(model)
        if after != before and after not in table[before]
    ]
    before, after = pairs[0]
    obj = model(status=before)
    with pytest.raises(ValidationError) as exc:
        status_move(obj, after)
    labels = dict(model._meta.get_field("status").choices)
    (message,) = exc.value.messages
    assert str(labels[before]) in message and str(labels[after]) in message
    assert obj.status == before and obj.pk is None
    assert message == status_refusal(model, before, after)


def test_a_refusal_is_told_in_the_active_language():
    """In Spanish the gate names the record and both statuses in Spanish, and
    a caller's own message is filled in Spanish too."""
    from affinity.models import GroupMember
    from affinity.services import MEMBERSHIP_BAD_MOVE
    from applications.models import Award

    with translation.override("es"):
        with pytest.raises(ValidationError) as exc:
            status_move(Award(status=Award.Status.OFFERED), Award.Status.ENDED)
        (message,) = exc.value.messages
        assert message == "Adjudicación: «Ofrecida» no puede pasar a «Terminada»."
        own = status_refusal(GroupMember, "left", "admitted", MEMBERSHIP_BAD_MOVE)
    assert "no puede" in own and "cannot" not in own
    with translation.override("en"):
        assert status_refusal(Award, "offered", "ended") == (
            "Award: “Offered” cannot become “Ended”."
        )


@pytest.mark.parametrize("model", _models_refusing_a_move(), ids=lambda m: m.__name__)
def test_bulk_and_hand_written_moves_are_checked_too(model):
    table = status_table(model)
    before = next(b for b in table if _choices(model) - table[b] - {b})
    after = sorted(set(_choices(model)) - table[before] - {before})[0]
    assert not status_allowed(model, before, after)
    with pytest.raises(ImproperlyConfigured):
        status_update(model.objects.none(), after, before=[before])
    with pytest.raises(ImproperlyConfigured):
        status_sql(model, [before], after)


# --- no status written outside the gate ------------------------------------

_SQL_WRITE = re.compile(r"\bSET\s+status\b", re.I)


def _writes(tree: ast.AST):
    """Lines of ``tree`` that write a status without the gate."""
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and part.attr == "status":
                    yield node.lineno, "assigns .status"
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else None
            keywords = {k.arg: k.value for k in node.keywords}
            if name in {"update", "create_or_update"} and "status" in keywords:
                yield node.lineno, "update(status=...)"
            if name == "save" and _names_status(keywords.get("update_fields")):
                yield node.lineno, "save(update_fields=[... 'status'])"
            if name == "bulk_update" and any(_names_status(a) for a in node.args[1:]):
                yield node.lineno, "bulk_update(..., ['status'])"
            is_setattr = isinstance(func, ast.Name) and func.id == "setattr"
            if is_setattr and len(node.args) > 1 and _is_status(node.args[1]):
                yield node.lineno, "setattr(..., 'status')"
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and _SQL_WRITE.search(node.value):
            yield node.lineno, "SQL that sets a status"


def _is_status(node) -> bool:
    return isinstance(node, ast.Constant) and node.value == "status"


def _names_status(node) -> bool:
    return isinstance(node, ast.List | ast.Tuple | ast.Set) and any(
        _is_status(e) for e in node.elts
    )


def test_no_status_is_written_outside_the_gate():
    """A static scan of the apps: assignments to ``.status``, ``update(status=)``,
    ``save(update_fields=[..."status"])``, ``bulk_update`` and hand-written
    ``SET status`` appear in the gate only."""
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if NOT_SCANNED & set(path.relative_to(ROOT).parts) or path == GATE:
                continue
            tree = ast.parse(path.read_text())
            found += [
                f"{path.relative_to(ROOT)}:{line}: {what}"
                for line, what in _writes(tree)
            ]
    assert found == []


def test_the_scan_sees_each_way_of_writing_a_status():
    """The scan itself: each spelling it must catch, it catches."""
    source = """
obj.status = "x"
a.b.status, c = "x", 1
Model.objects.filter(pk=1).update(status="x")
obj.save(update_fields=["status", "updated_at"])
Model.objects.bulk_update(rows, ["status"])
setattr(obj, "status", "x")
SQL = "UPDATE t SET status = %s WHERE id = %s"
"""
    assert len(list(_writes(ast.parse(source)))) == 7


# --- the admin asks the same gate -------------------------------------------


def _admin_pages_editing_a_status(user):
    request = RequestFactory().get("/")
    request.user = user
    with_status = set(_models_with_status())
    for model, model_admin in admin.site._registry.items():
        pages = [(model, model_admin)]
        pages += [
            (inline.model, inline(model, admin.site)) for inline in model_admin.inlines
        ]
        for page_model, page in pages:
            if page_model not in with_status or not page.has_change_permission(request):
                continue
            fields = page.get_fields(request, None)
            readonly = set(page.get_readonly_fields(request, None))
            if "status" in fields and "status" not in readonly:
                yield page_model, page


@pytest.mark.django_db
def test_every_admin_page_that_edits_a_status_asks_the_gate(django_user_model):
    superuser = django_user_model.objects.create_superuser(
        email="admin-pages@dash.test", password="x-Password-1"
    )
    pages = list(_admin_pages_editing_a_status(superuser))
    assert pages, "the walk finds the award's admin at least"
    unchecked = [
        f"{type(page).__module__}.{type(page).__name__}"
        for _model, page in pages
        if not issubclass(page.form, StatusGateForm)
    ]
    assert unchecked == []


@pytest.mark.django_db
def test_the_admin_refuses_a_move_the_table_lacks(client, django_user_model):
    """Staff editing an award in the admin cannot end an offer: the page says
    why and the award keeps its status."""
    from applications.models import Award
    from tests import factories

    award = factories.AwardFactory(status=Award.Status.OFFERED)
    staff = django_user_model.objects.create_superuser(
        email="admin-gate@dash.test", password="x-Password-1"
    )
    client.force_login(staff)
    url = f"/admin/applications/award/{award.pk}/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: form.initial.get(name) if form.initial.get(name) is not None else ""
        for name in form.fields
    }
    data["status"] = Award.Status.ENDED
    response = client.post(url, data)
    assert response.status_code == 200
    assert status_refusal(Award, "offered", "ended") in response.content.decode()
    award.refresh_from_db()
    assert award.status == Award.Status.OFFERED
