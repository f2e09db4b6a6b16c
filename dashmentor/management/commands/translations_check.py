"""Fail when a string people read is not translated, or a translation is broken.

Run by CI and by ``tests/dashmentor/test_translations.py``::

    python manage.py translations_check

It copies the portal's sources to a temporary folder and runs ``makemessages``
there exactly as ``make messages`` does, so the working tree is never touched,
then fails when:

* the catalogs it makes have an entry that is new (a string marked for
  translation since the catalogs were last made) or has no translation;
* an entry is fuzzy (a guess by ``msgmerge`` that nobody checked);
* a translation does not keep the placeholders of its original
  (``%(name)s``, ``{name}``), which ``compilemessages`` would let through for
  strings without a format flag, and which would break the page or the e-mail;
* ``msgfmt --check`` refuses a catalog;
* a compiled catalog (``.mo``, committed so that the portal needs no gettext
  tools to run) says something else than its ``.po``.

Obsolete entries (strings no longer in the sources) are reported, not failed:
``make messages`` drops them.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# What ``make messages`` runs (Makefile), shared so the check makes the same.
MAKEMESSAGES_ARGS = [
    "--locale",
    "es",
    "--add-location",
    "file",
    "--no-obsolete",
    "--ignore",
    "tests/*",
    "--ignore",
    "bench/*",
    "--ignore",
    "node_modules/*",
    "--ignore",
    "static/vendor/*",
    "--ignore",
    "staticfiles/*",
    "--ignore",
    "test-artifacts/*",
    "--ignore",
    ".venv/*",
]
DOMAINS = ["django", "djangojs"]
# What is copied: the sources makemessages reads, the settings, the catalogs.
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "staticfiles",
    "test-artifacts",
    "media",
    "vendor",
    "__pycache__",
    # Databases with their journals (a test run may be writing them).
    "*.sqlite3*",
    "*.pyc",
    "tests",
    "bench",
    "*.png",
    "*.jpg",
    "*.pdf",
)
PLACEHOLDER = re.compile(
    r"%\((?P<named>[^)]+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]"
    r"|(?<!\{)\{(?P<brace>[A-Za-z_][A-Za-z0-9_.]*)(?:![rsa])?(?::[^{}]*)?\}(?!\})"
    r"|%(?P<plain>[sd])"
)


def placeholders(text: str) -> list[str]:
    """The placeholders of ``text``, sorted (``%(name)s``, ``{name}``, ``%s``)."""
    found = []
    for match in PLACEHOLDER.finditer(text.replace("%%", "")):
        found.append(
            match.group("named") or match.group("brace") or "%" + match.group("plain")
        )
    return sorted(found)


def catalog_problems(po_path: Path, *, label: str) -> list[str]:
    """Untranslated, fuzzy and broken entries of one catalog."""
    import polib  # a development tool: installed with the portal's dev extras

    problems = []
    catalog = polib.pofile(str(po_path), wrapwidth=0)
    if catalog.metadata_is_fuzzy:
        problems.append(f"{label}: the header is fuzzy (msgfmt would drop it)")
    for entry in catalog:
        if entry.obsolete:
            continue
        where = f"{label}: {entry.msgid[:70]!r}"
        if entry.msgctxt:
            where += f" (context {entry.msgctxt!r})"
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy (check it and remove the flag): {where}")
            continue
        forms = (
            list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        )
        if not all(form.strip() for form in forms):
            problems.append(f"not translated: {where}")
            continue
        expected = placeholders(entry.msgid)
        expected_plural = placeholders(entry.msgid_plural) if entry.msgid_plural else []
        for form in forms:
            got = placeholders(form)
            if entry.msgid_plural:
                # A plural form may leave out the count ("in a day"): every
                # form keeps what both originals name, and names nothing else.
                allowed = set(expected) | set(expected_plural)
                needed = set(expected) & set(expected_plural)
                if not set(got) <= allowed or not needed <= set(got):
                    problems.append(
                        f"placeholders differ ({got} for {expected_plural}): {where}"
                    )
                    break
            elif got != expected:
                problems.append(f"placeholders differ ({got} for {expected}): {where}")
                break
    return problems


def compiled_differs(po_path: Path, mo_path: Path, workdir: Path) -> str | None:
    """Why the committed ``.mo`` is not the compiled ``.po``, or None."""
    if not mo_path.exists():
        return f"{mo_path.name} is missing: run make messages"
    fresh = workdir / (po_path.stem + ".fresh.mo")
    subprocess.run(  # noqa: S603 - fixed arguments
        ["msgfmt", "--check", "-o", str(fresh), str(po_path)],  # noqa: S607
        check=True,
        capture_output=True,
    )
    with open(fresh, "rb") as a, open(mo_path, "rb") as b:
        if gettext.GNUTranslations(a)._catalog != gettext.GNUTranslations(b)._catalog:
            return f"{mo_path} is older than its .po: run make messages"
    return None


class Command(BaseCommand):
    help = "Fail when a marked string is not translated or a translation is broken."

    def add_arguments(self, parser):
        parser.add_argument(
            "--root",
            default=str(settings.BASE_DIR),
            help="the tree to check (default: this portal)",
        )
        parser.add_argument(
            "--make",
            action="store_true",
            help="make the catalogs in the tree instead (make messages): add "
            "the new strings to locale/es, drop the obsolete ones, compile",
        )

    def handle(self, *args, root, make, **options):
        for tool in ("msgfmt", "xgettext", "msgmerge"):
            if shutil.which(tool) is None:
                raise CommandError(f"{tool} is missing: install gettext")
        root = Path(root)
        if make:
            self.make(root)
            return
        problems: list[str] = []
        with tempfile.TemporaryDirectory(prefix="translations-check-") as tmp:
            work = Path(tmp) / "tree"
            shutil.copytree(root, work, ignore=COPY_IGNORE, symlinks=False)
            messages = Path("locale") / "es" / "LC_MESSAGES"
            for domain in DOMAINS:
                po = root / messages / f"{domain}.po"
                if not po.exists():
                    problems.append(f"{po} is missing: run make messages")
                    continue
                result = subprocess.run(  # noqa: S603 - fixed arguments
                    ["msgfmt", "--check", "-o", "/dev/null", str(po)],  # noqa: S607
                    capture_output=True,
                    text=True,
                )
                if result.returncode:
                    problems.append(f"msgfmt refuses {domain}.po:\n{result.stderr}")
                problems += catalog_problems(po, label=f"{domain}.po")
                reason = compiled_differs(po, po.with_suffix(".mo"), Path(tmp))
                if reason:
                    problems.append(reason)
                made = subprocess.run(  # noqa: S603 - fixed arguments
                    [
                        sys.executable,
                        "manage.py",
                        "makemessages",
                        "--domain",
                        domain,
                        *MAKEMESSAGES_ARGS,
                    ],
                    cwd=work,
                    capture_output=True,
                    text=True,
                )
                if made.returncode:
                    raise CommandError(f"makemessages failed:\n{made.stderr}")
                fresh = work / messages / f"{domain}.po"
                for problem in catalog_problems(fresh, label=f"{domain}.po"):
                    if problem.startswith("not translated"):
                        problem = problem.replace(
                            "not translated",
                            "new or not translated (mark, then translate in "
                            "locale/es; see locale/GLOSSARY.md)",
                            1,
                        )
                    if problem not in problems:
                        problems.append(problem)
        if problems:
            raise CommandError(
                f"{len(problems)} translation problem(s):\n" + "\n".join(problems)
            )
        self.stdout.write("Translations: every marked string is translated.")

    def make(self, root: Path) -> None:
        messages = root / "locale" / "es" / "LC_MESSAGES"
        messages.mkdir(parents=True, exist_ok=True)
        for domain in DOMAINS:
            subprocess.run(  # noqa: S603 - fixed arguments
                [
                    sys.executable,
                    "manage.py",
                    "makemessages",
                    "--domain",
                    domain,
                    *MAKEMESSAGES_ARGS,
                ],
                cwd=root,
                check=True,
            )
            po = messages / f"{domain}.po"
            subprocess.run(  # noqa: S603 - fixed arguments
                ["msgfmt", "--check", "-o", str(po.with_suffix(".mo")), str(po)],  # noqa: S607
                check=True,
            )
        self.stdout.write(
            "Catalogs made: translate the new entries of locale/es/LC_MESSAGES "
            "(see locale/GLOSSARY.md), then run make messages again."
        )
