"""The translation check CI runs: nothing marked is left untranslated or broken.

``manage.py translations_check`` makes the catalogs again from the sources in a
copy of the tree; a string marked since, an empty or fuzzy translation, a
translation that loses or changes a placeholder, or a compiled catalog older
than its ``.po`` fails it (and so CI), never a page.
"""

import shutil
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from dashmentor.management.commands.translations_check import (
    catalog_problems,
    placeholders,
)

NEEDS_GETTEXT = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("msgfmt", "xgettext", "msgmerge")),
    reason="needs gettext (apt-get install gettext)",
)

HEADER = textwrap.dedent(
    """\
    msgid ""
    msgstr ""
    "Content-Type: text/plain; charset=UTF-8\\n"
    "Language: es\\n"
    "Plural-Forms: nplurals=2; plural=(n != 1);\\n"

    """
)


def po(tmp_path, body: str) -> Path:
    path = tmp_path / "django.po"
    path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_complete_catalog_has_no_problem(tmp_path):
    path = po(
        tmp_path,
        """\
        #, python-format
        msgid "Hello %(name)s"
        msgstr "Hola, %(name)s"

        msgid "{count} applications"
        msgstr "{count} solicitudes"

        #, python-format
        msgid "%(n)s day"
        msgid_plural "%(n)s days"
        msgstr[0] "%(n)s día"
        msgstr[1] "%(n)s días"
        """,
    )
    assert catalog_problems(path, label="t") == []


@pytest.mark.parametrize(
    "entry, problem",
    [
        ('msgid "Submit"\nmsgstr ""\n', "not translated"),
        ('#, fuzzy\nmsgid "Submit"\nmsgstr "Enviar"\n', "fuzzy"),
        ('msgid "Hello %(name)s"\nmsgstr "Hola %(nombre)s"\n', "placeholders"),
        ('msgid "Hello %(name)s"\nmsgstr "Hola"\n', "placeholders"),
        ('msgid "{count} rows"\nmsgstr "{cuenta} filas"\n', "placeholders"),
        ('msgid "{count} rows"\nmsgstr "{count} filas {extra}"\n', "placeholders"),
        (
            'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\n'
            'msgstr[0] "%(n)s día"\nmsgstr[1] ""\n',
            "not translated",
        ),
        (
            'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\n'
            'msgstr[0] "un día"\nmsgstr[1] "varios días"\n',
            "placeholders",
        ),
    ],
)
def test_an_empty_fuzzy_or_broken_translation_is_a_problem(tmp_path, entry, problem):
    problems = catalog_problems(po(tmp_path, entry), label="t")
    assert len(problems) == 1 and problems[0].startswith(problem), problems


def test_placeholders_are_read_in_every_syntax():
    assert placeholders("%(a)s and {b} and %(c)d, 100%% {{not}}") == ["a", "b", "c"]
    assert placeholders("{when:%Y} %s") == ["%s", "when"]


@NEEDS_GETTEXT
def test_the_portals_catalogs_pass_the_check():
    call_command("translations_check")


@NEEDS_GETTEXT
def test_a_string_marked_and_not_translated_fails_the_check(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(
        settings.BASE_DIR,
        tree,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "node_modules",
            "tests",
            "bench",
            "test-artifacts",
            "staticfiles",
            "vendor",
            "*.sqlite3",
            "__pycache__",
            "media",
        ),
    )
    (tree / "templates" / "brand_new.html").write_text(
        '{% load i18n %}<p>{% translate "A sentence nobody translated yet" %}</p>'
    )
    with pytest.raises(CommandError) as failure:
        call_command("translations_check", root=str(tree))
    assert "A sentence nobody translated yet" in str(failure.value)
    assert "new or not translated" in str(failure.value)
