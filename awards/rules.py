"""Pure rules of close-out: money, conditions, letters' words, file types,
final reports. No ORM and no request: unit-tested without a database."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashmentor.templatetags.dates import format_when

CENT = Decimal("0.01")
HUNDRED = Decimal("100")

# --- money ---

# xgettext:no-python-format
SCHEDULE_NOT_100 = _("The tranches must add up to 100%; these add up to {total}%.")
SCHEDULE_EMPTY = _("A payment schedule needs at least one tranche.")
SCHEDULE_NO_CONDITION = _("Tranche {n} ({label}) needs a condition that makes it due.")
# xgettext:no-python-format
SCHEDULE_PERCENT_RANGE = _(
    "Tranche {n} ({label}) must be more than 0% and at most 100%."
)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def split_amount(amount: Decimal, percents: Sequence[Decimal]) -> list[Decimal]:
    """The award's amount in tranches of ``percents`` (which add up to 100).

    Each tranche is rounded to the cent, and the last one takes what the
    rounding left, so the tranches always add up to the award exactly.
    """
    if not percents:
        return []
    parts = [cents(amount * Decimal(p) / HUNDRED) for p in percents[:-1]]
    return [*parts, amount - sum(parts, Decimal("0"))]


def schedule_problems(terms: Sequence[tuple[str, Decimal, bool]]) -> list[str]:
    """What is wrong with a schedule of (label, percent, has a condition)."""
    if not terms:
        return [SCHEDULE_EMPTY]
    problems = []
    for n, (label, percent, has_condition) in enumerate(terms, start=1):
        if not (Decimal("0") < Decimal(percent) <= HUNDRED):
            problems.append(SCHEDULE_PERCENT_RANGE.format(n=n, label=label))
        if not has_condition:
            problems.append(SCHEDULE_NO_CONDITION.format(n=n, label=label))
    total = sum((Decimal(p) for _l, p, _c in terms), Decimal("0"))
    if total != HUNDRED:
        problems.append(SCHEDULE_NOT_100.format(total=f"{total.normalize():f}"))
    return problems


@dataclass(frozen=True)
class Milestones:
    """What an award has reached, for the tranches' conditions."""

    letter_countersigned: bool
    workplan_approved: bool
    report_accepted: bool


def condition_met(
    *,
    requires_letter: bool,
    requires_workplan: bool,
    requires_report: bool,
    reached: Milestones,
) -> bool:
    """Whether every requirement ticked on a tranche is met (at least one is)."""
    if not (requires_letter or requires_workplan or requires_report):
        return False
    return (
        (not requires_letter or reached.letter_countersigned)
        and (not requires_workplan or reached.workplan_approved)
        and (not requires_report or reached.report_accepted)
    )


def condition_text(
    *, requires_letter: bool, requires_workplan: bool, requires_report: bool
) -> str:
    """When a tranche is paid, in the active language ("when the work plan is
    approved")."""
    parts = []
    if requires_letter:
        parts.append(gettext("the award letter is countersigned"))
    if requires_workplan:
        parts.append(gettext("the work plan is approved"))
    if requires_report:
        parts.append(gettext("the final report is accepted"))
    if not parts:
        return gettext("never")
    if len(parts) > 1:
        parts = [
            gettext("%(first)s and %(last)s")
            % {"first": ", ".join(parts[:-1]), "last": parts[-1]}
        ]
    return gettext("when %(conditions)s") % {"conditions": parts[0]}


def money(value: Decimal | str | None) -> str:
    """$5,000.00"""
    if value is None or value == "":
        return ""
    return f"${Decimal(value):,.2f}"


def parse_money(text: str) -> Decimal | None:
    """A typed amount ("2,500", "$2500.00") as Decimal cents; None if not one."""
    cleaned = (text or "").strip().replace(",", "").replace("$", "")
    if not re.fullmatch(r"\d{1,8}(\.\d{1,2})?", cleaned):
        return None
    try:
        return cents(Decimal(cleaned))
    except InvalidOperation:
        return None


# --- letters ---

PLACEHOLDERS = (
    "organization",
    "amount",
    "contract_start",
    "contract_end",
    "mentorship",
    "mentor",
    "round",
    "report_due",
)
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
UNKNOWN_PLACEHOLDER = _("Unknown word in braces: {words}. Use only {known}.")
BAD_LINK = _("Line {n} is not “title | https://address”: {line}")


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace the known ``{word}``s of ``text``; leave anything else as typed.

    A plain replacement, not a template language: a letter's text cannot
    reach anything but the values given.
    """
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def unknown_placeholders(text: str) -> list[str]:
    found = re.findall(r"\{([A-Za-z_]+)\}", text or "")
    return sorted({word for word in found if word not in PLACEHOLDERS})


def paragraphs(text: str) -> list[str]:
    """Blocks of text separated by a blank line, each on one line."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    return [" ".join(line.strip() for line in b.splitlines()) for b in blocks if b]


def lines(text: str) -> list[str]:
    return [
        line.strip().lstrip("-•* ").strip()
        for line in (text or "").splitlines()
        if line.strip()
    ]


def is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def parse_links(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """("title | url" lines) → ([(title, url)], [problems])."""
    links, problems = [], []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        title, bar, url = line.partition("|")
        title, url = title.strip(), url.strip()
        if not bar or not title or not is_web_address(url):
            problems.append(BAD_LINK.format(n=n, line=line.strip()[:80]))
            continue
        links.append((title, url))
    return links, problems


def long_date(day: dt.date) -> str:
    """A date written out in the active language: "March 3, 2026"."""
    return format_when(day, "date")


# --- files ---

FILE_EMPTY = _("The file is empty.")
FILE_TOO_LARGE = _("The file is {size}; files may be at most {limit}.")
FILE_EXECUTABLE = _("Programs and scripts cannot be uploaded.")
FILE_MACROS = _("Office files with macros cannot be uploaded; save it without macros.")
FILE_UNKNOWN = _(
    "This kind of file cannot be uploaded. Upload a PDF, a Word, Excel or "
    "PowerPoint file, an image (PNG, JPEG, GIF, WebP) or a CSV file."
)
FILE_NAME_MISMATCH = _(
    "The file's name ends in “{given}” but its content is {kind}: rename it "
    "to end in {expected}, or upload the file you meant."
)
FILE_NOT_ALLOWED_HERE = _("{kind} cannot be uploaded here: upload {allowed}.")


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


KINDS = {
    k.key: k
    for k in (
        FileKind("pdf", "a PDF document", "application/pdf", ("pdf",)),
        FileKind("png", "a PNG image", "image/png", ("png",)),
        FileKind("jpeg", "a JPEG image", "image/jpeg", ("jpg", "jpeg")),
        FileKind("gif", "a GIF image", "image/gif", ("gif",)),
        FileKind("webp", "a WebP image", "image/webp", ("webp",)),
        FileKind(
            "docx",
            "a Word document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        FileKind(
            "xlsx",
            "an Excel workbook",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
        ),
        FileKind(
            "pptx",
            "a PowerPoint presentation",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
        ),
        FileKind(
            "ole",
            "an older Office document",
            "application/octet-stream",
            ("doc", "xls", "ppt"),
        ),
        FileKind("csv", "a CSV table", "text/csv", ("csv",)),
    )
}
# What each upload accepts.
SIGNED_LETTER_KINDS = ("pdf", "png", "jpeg")
ANY_DOCUMENT = tuple(KINDS)

_EXECUTABLE_STARTS = (
    b"MZ",  # Windows programs and libraries
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa",  # Mach-O
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java classes
    b"#!",  # scripts
    b"\x00asm",  # WebAssembly
)
_EXECUTABLE_EXTENSIONS = frozenset(
    [
        "exe",
        "dll",
        "com",
        "bat",
        "cmd",
        "sh",
        "bash",
        "ps1",
        "msi",
        "scr",
        "vbs",
        "js",
        "jar",
        "app",
        "apk",
        "bin",
        "elf",
        "run",
        "py",
        "pl",
        "rb",
        "php",
        "cgi",
        "so",
        "dylib",
        "wsf",
        "hta",
        "lnk",
    ]
)
_OOXML_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def extension_of(name: str) -> str:
    base = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _zip_kind(stream) -> str | None:
    """docx, xlsx or pptx from the parts inside the zip; refuses macros."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ValueError(FILE_MACROS)
    for key, part in _OOXML_PARTS.items():
        if part in names:
            return key
    return None


def _is_csv_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        return False
    return bool(text.strip())


def content_kind(stream) -> str | None:
    """The kind of file ``stream`` holds, read from its bytes, not its name.

    Raises ``ValueError`` for what is never accepted (programs, scripts,
    Office files with macros); ``None`` for a kind not known here.
    """
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    if head.startswith(_EXECUTABLE_STARTS):
        raise ValueError(FILE_EXECUTABLE)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
        stream.seek(0)
        return kind
    if _is_csv_text(head):
        return "csv"
    return None


def check_file(
    stream, *, name: str, size: int, max_bytes: int, allowed: Iterable[str]
) -> FileKind:
    """The file's kind if it may be kept; else ``ValueError`` with the reason.

    Its content decides its kind; its name must then end as that kind's
    files do, so a renamed program, or a PDF named ``.docx``, is refused.
    """
    allowed = tuple(allowed)
    if size <= 0:
        raise ValueError(FILE_EMPTY)
    if size > max_bytes:
        raise ValueError(
            FILE_TOO_LARGE.format(size=human_size(size), limit=human_size(max_bytes))
        )
    given = extension_of(name)
    if given in _EXECUTABLE_EXTENSIONS:
        raise ValueError(FILE_EXECUTABLE)
    key = content_kind(stream)
    if key is None:
        raise ValueError(FILE_UNKNOWN)
    kind = KINDS[key]
    if key not in allowed:
        labels = [KINDS[k].label for k in allowed]
        raise ValueError(
            FILE_NOT_ALLOWED_HERE.format(
                kind=kind.label[0].upper() + kind.label[1:],
                allowed=", ".join(labels[:-1]) + " or " + labels[-1]
                if len(labels) > 1
                else labels[0],
            )
        )
    if given not in kind.extensions:
        raise ValueError(
            FILE_NAME_MISMATCH.format(
                given=f".{given}" if given else "(nothing)",
                kind=kind.label,
                expected=" or ".join(f".{e}" for e in kind.extensions),
            )
        )
    return kind


def safe_download_name(name: str, extension: str) -> str:
    """A file name for the download: no path, no control characters."""
    base = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    base = re.sub(r"[\x00-\x1f\x7f\"]", "", base).strip() or "file"
    if extension_of(base) != extension:
        base = f"{base}.{extension}"
    return base[:200]


def sniff_bytes(data: bytes) -> str | None:
    """``content_kind`` of bytes in memory."""
    return content_kind(io.BytesIO(data))


# --- final reports ---

GOAL_MET_CHOICES = (
    ("met", _("Met")),
    ("partly", _("Partly met")),
    ("not_met", _("Not met")),
)
REPORT_ANSWER_MISSING = _("Answer “{prompt}”.")
REPORT_ANSWER_TOO_LONG = _("“{prompt}” is {words} words; the limit is {limit}.")
REPORT_GOAL_MISSING = _("Say whether the goal “{title}” was met.")
REPORT_GOAL_WHY = _("Say why the goal “{title}” was {status}.")
REPORT_MEASURE_MISSING = _("Give the final value of “{name}”.")
REPORT_LESSONS_MISSING = _("Share the lessons you learned.")


def word_count(text: str) -> int:
    return len((text or "").split())


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    prompt: str
    required: bool
    word_limit: int


def report_problems(
    data: Mapping,
    *,
    questions: Sequence[QuestionSpec],
    goals: Sequence[tuple[str, str]],
    measures: Sequence[tuple[str, str]],
) -> list[str]:
    """What a final report lacks before it can be submitted.

    ``goals`` and ``measures`` are (key, title) pairs of the work plan's goals
    and the success goal's measures; ``data`` is the draft.
    """
    problems = []
    answers = data.get("answers", {})
    for q in questions:
        text = (answers.get(q.key) or "").strip()
        if q.required and not text:
            problems.append(REPORT_ANSWER_MISSING.format(prompt=q.prompt[:80]))
        elif word_count(text) > q.word_limit:
            problems.append(
                REPORT_ANSWER_TOO_LONG.format(
                    prompt=q.prompt[:80], words=word_count(text), limit=q.word_limit
                )
            )
    goal_data = data.get("goals", {})
    labels = dict(GOAL_MET_CHOICES)
    for key, title in goals:
        entry = goal_data.get(key) or {}
        met = entry.get("met")
        if met not in labels:
            problems.append(REPORT_GOAL_MISSING.format(title=title))
        elif met != "met" and not (entry.get("why") or "").strip():
            problems.append(
                REPORT_GOAL_WHY.format(title=title, status=labels[met].lower())
            )
    measure_data = data.get("measures", {})
    for key, name in measures:
        value = (measure_data.get(key) or {}).get("final")
        if value in (None, ""):
            problems.append(REPORT_MEASURE_MISSING.format(name=name))
    if not (data.get("lessons") or "").strip():
        problems.append(REPORT_LESSONS_MISSING)
    return problems


# --- shares ---


def percent(part: int | Decimal, whole: int | Decimal) -> int | None:
    """A whole percentage, or None when there is nothing to divide by."""
    if not whole:
        return None
    return int(
        (Decimal(part) * HUNDRED / Decimal(whole)).quantize(
            Decimal("1"), rounding=ROUND_HALF_UP
        )
    )
