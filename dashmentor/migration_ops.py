"""Migration operations of the portal's own.

``FieldLabels`` records the words of a model's fields (``verbose_name``,
``help_text``): what the admin and the forms call them, in the language read.
They are no part of the database, but Django keeps them in the migrations'
state, and its ``AlterField`` reloads the models around each field it changes:
hundreds of them, one per label, made every ``migrate`` (and every test that
migrates back and forth) several times slower. This operation sets the labels
of all of a model's fields, and its own names, at once, rebuilds no model and
runs no SQL.
"""

from __future__ import annotations

from django.db.migrations.operations.base import Operation

LABELS = ("verbose_name", "help_text")
MODEL_LABELS = ("verbose_name", "verbose_name_plural")


class FieldLabels(Operation):
    """Set ``labels`` (``{field: {"verbose_name": ..., "help_text": ...}}``)
    on the fields of ``model_name``, and ``options`` (its ``verbose_name`` and
    ``verbose_name_plural``) on the model; no SQL either way."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, model_name: str, labels: dict, options: dict | None = None):
        self.model_name = model_name
        self.labels = labels
        self.options = options or {}

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "labels": self.labels}
        if self.options:
            kwargs["options"] = self.options
        return (self.__class__.__name__, [], kwargs)

    @property
    def model_name_lower(self) -> str:
        return self.model_name.lower()

    def state_forwards(self, app_label, state):
        key = (app_label, self.model_name_lower)
        model_state = state.models[key]
        for option in self.options:
            if option not in MODEL_LABELS:
                raise ValueError(f"FieldLabels sets labels only, not {option}.")
        model_state.options.update(self.options)
        for name, words in self.labels.items():
            field = model_state.fields[name].clone()
            for attribute, value in words.items():
                if attribute not in LABELS:
                    raise ValueError(f"FieldLabels sets labels only, not {attribute}.")
                setattr(field, attribute, value)
                if attribute == "verbose_name":
                    # What ``Field.deconstruct`` reads (``verbose_name`` itself
                    # is filled from the name when the model is built).
                    field._verbose_name = value
            model_state.fields[name] = field
        if "apps" in state.__dict__:
            # The models already built for this state get the same words in
            # place: rebuilding them (``reload_model``) rebuilds every model
            # related to them, the whole cost this operation exists to avoid.
            self._label_built_model(state.apps.get_model(*key))

    def _label_built_model(self, model) -> None:
        meta = model._meta
        for option, value in self.options.items():
            setattr(meta, option, value)
        for name, words in self.labels.items():
            field = meta.get_field(name)
            for attribute, value in words.items():
                if attribute == "verbose_name" and value is None:
                    value = name.replace("_", " ")
                setattr(field, attribute, value)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self) -> str:
        return f"Set the labels of {len(self.labels)} field(s) of {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name_lower}_labels"
