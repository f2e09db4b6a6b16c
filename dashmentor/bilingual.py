"""Forms that edit what staff write in English and Spanish.

The texts registered with django-modeltranslation (each app's
``translation.py``) have a column per language: ``description_en``,
``description_es``. A staff form lists the original name; ``bilingual_fields``
gives the form both columns instead, and ``BilingualFormMixin`` labels them
"Description (English)" and "Description (Spanish)", the English required as
the original was, the Spanish optional (where it is empty, pages show the
English).

A sentence the portal writes itself and people read later (a placement's
explanation) is stored in every language the same way, each column written
with its language active (``in_each_language``), so that each reader reads
it in their own.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator

LANGUAGE_NAMES = {"en": _("English"), "es": _("Spanish")}
SPANISH_OPTIONAL = _("Optional: where it is empty, the English is shown.")


def translated_names(model) -> tuple[str, ...]:
    """The fields of ``model`` that have a column per language."""
    try:
        return tuple(translator.get_options_for_model(model).get_field_names())
    except NotRegistered:
        return ()


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def in_each_language(name: str, write) -> dict[str, str]:
    """The language columns of the translated field ``name``, each holding
    ``write()`` called with its language active:
    ``{"explanation_en": ..., "explanation_es": ...}``."""
    columns = {}
    for code in language_codes():
        with translation.override(code):
            columns[f"{name}_{code}"] = str(write())
    return columns


def bilingual_fields(model, names) -> list[str]:
    """``names`` with each translated field replaced by its language columns."""
    translated = set(translated_names(model))
    fields = []
    for name in names:
        if name in translated:
            fields += [f"{name}_{code}" for code in language_codes()]
        else:
            fields.append(name)
    return fields


def bilingual_options(model, options: dict) -> dict:
    """A ``Meta.widgets``/``labels``/``help_texts`` mapping keyed by the
    original names, given to each language column too."""
    translated = set(translated_names(model))
    expanded = {}
    for name, value in options.items():
        if name in translated:
            for code in language_codes():
                expanded[f"{name}_{code}"] = copy.deepcopy(value)
        else:
            expanded[name] = value
    return expanded


def stored_text(value):
    """A text as compared with a posted one: an empty column (NULL, as a
    language column left empty is) reads as the empty text."""
    return "" if value is None else value


class BilingualFormMixin:
    """Label a ModelForm's language columns and require the English one where
    the original field is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        labels = self._meta.labels or {}
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        for name in translated_names(model):
            original = model._meta.get_field(name)
            for code in language_codes():
                field = self.fields.get(f"{name}_{code}")
                if field is None:
                    continue
                base = labels.get(name) or capfirst(original.verbose_name)
                field.label = format_lazy("{} ({})", base, LANGUAGE_NAMES[code])
                if code == default:
                    field.required = not original.blank
                    field.widget.is_required = field.required
                elif not field.help_text:
                    field.help_text = SPANISH_OPTIONAL

    def clean(self):
        data = super().clean()
        # An empty text in another language than the default is stored empty
        # (NULL), as it was, so that saving a form back unchanged changes
        # nothing and the page falls back to the English.
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        for name in translated_names(self._meta.model):
            for code in language_codes():
                key = f"{name}_{code}"
                if code != default and key in data and data[key] in ("", [], {}):
                    data[key] = None
        return data
