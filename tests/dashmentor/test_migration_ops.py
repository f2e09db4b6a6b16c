"""``FieldLabels``: a model's field labels set in the migrations' state at
once, with no SQL, and the state it leaves is the models' own."""

from __future__ import annotations

import pytest
from django.db import connection, models
from django.db.migrations.state import ModelState, ProjectState

from dashmentor.migration_ops import FieldLabels


def state_with_a_model() -> ProjectState:
    state = ProjectState()
    state.add_model(
        ModelState(
            "lab",
            "Sample",
            [
                ("id", models.AutoField(primary_key=True)),
                ("name", models.CharField(max_length=20)),
                ("notes", models.TextField(blank=True)),
            ],
        )
    )
    return state


def test_labels_are_set_in_the_state_as_the_model_would_write_them():
    state = state_with_a_model()
    FieldLabels(
        model_name="Sample",
        labels={
            "name": {"verbose_name": "full name"},
            "notes": {"verbose_name": "notes", "help_text": "Kept for staff."},
        },
    ).state_forwards("lab", state)
    fields = state.models["lab", "sample"].fields
    _, _, _, name = fields["name"].deconstruct()
    _, _, _, notes = fields["notes"].deconstruct()
    assert name["verbose_name"] == "full name"
    assert notes == {
        "blank": True,
        "verbose_name": "notes",
        "help_text": "Kept for staff.",
    }
    model = state.apps.get_model("lab", "Sample")
    assert model._meta.get_field("name").verbose_name == "full name"


def test_it_refuses_anything_but_labels():
    state = state_with_a_model()
    with pytest.raises(ValueError, match="labels only"):
        FieldLabels(
            model_name="Sample", labels={"name": {"max_length": 40}}
        ).state_forwards("lab", state)


@pytest.mark.django_db(transaction=True)
def test_it_runs_no_sql_either_way():
    op = FieldLabels(model_name="Sample", labels={"name": {"verbose_name": "x"}})
    before, after = state_with_a_model(), state_with_a_model()
    op.state_forwards("lab", after)
    with connection.schema_editor(collect_sql=True) as editor:
        op.database_forwards("lab", editor, before, after)
        op.database_backwards("lab", editor, after, before)
    assert editor.collected_sql == []


def test_the_models_names_and_a_built_model_follow_without_a_rebuild():
    state = state_with_a_model()
    built = state.apps.get_model("lab", "Sample")  # the state's models are built
    FieldLabels(
        model_name="Sample",
        labels={"name": {"verbose_name": "full name"}},
        options={"verbose_name": "sample", "verbose_name_plural": "samples"},
    ).state_forwards("lab", state)
    assert state.models["lab", "sample"].options["verbose_name_plural"] == "samples"
    assert state.apps.get_model("lab", "Sample") is built
    assert built._meta.get_field("name").verbose_name == "full name"
    assert str(built._meta.verbose_name_plural) == "samples"
