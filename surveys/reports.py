"""Survey reports: response rates, distributions, breakdowns, comparisons, CSV.

A report reads a fixed number of queries whatever the number of responses. For
an anonymous survey it shows aggregates only: no response is listed with
anything about its author, text answers come in alphabetical order (not of
arrival), and the cohorts it breaks answers down by, in the answers and in the
response rates, are those the releases kept shown (``services.py`` explains
why no difference of two reports can then reveal a smaller group);
``rules.suppress_cells`` runs again as a guard for answers released before
releases were recorded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cohorts.models import Mentorship
from dashmentor import kept
from dashmentor.csv_export import CsvTable

from . import charts, rules, selectors, services
from .models import (
    Answer,
    Invitation,
    PendingResponse,
    Release,
    ReportCache,
    Response,
    Survey,
)

HIDDEN_ALL = _(
    "Answers are not shown yet: {n} people have answered, and this anonymous "
    "survey shows results only once at least {k} have, so that no one's answers "
    "can be picked out."
)
WAITING = _(
    "Not shown yet: {n} newer response(s), kept sealed until they can be released "
    "together with others (at least {k} at a time), so that no single new "
    "response can be matched to a person who just answered."
)
WITHHELD = _(
    "Withheld: {n} response(s) given after the last release. Fewer than {k}, "
    "released on their own they could be matched to the people who answered "
    "last, so they stay sealed and are not in these figures."
)
QUARANTINED = _(
    "Kept apart: {n} response(s) could not be released and are not in these "
    "figures: {problems} They stay sealed; the other answers were released."
)
NO_COHORT = _("Cohorts hidden or not recorded")
HIDDEN_COHORTS_ROW = _("Hidden cohorts, together")
WAITING_ROW = _("Answered, waiting to be released")
HIDDEN_COHORT_NOTE = _(
    "Hidden: its answers went out in a group with other cohorts' answers."
)
BREAKDOWN_NOTE = _(
    "A cohort is shown only while every release has brought it at least {k} "
    "answers or none; once a release mixes its answers with others', it is "
    "hidden for good, with its earlier figures, so that no figure can be worked "
    "out for fewer than {k} people by comparing this report with an earlier one."
)


@dataclass
class RateRow:
    label: str
    invited: int
    completed: int | None
    note: str = ""

    @property
    def rate(self) -> float | None:
        if self.completed is None:
            return None
        return rules.percent(self.completed, self.invited)


@dataclass
class QuestionReport:
    number: int
    section: str
    prompt: str
    kind: str
    kind_label: str
    answered: int
    rows: list[tuple[str, int, float]] = field(default_factory=list)
    chart: str = ""
    mean: float | None = None
    summary: rules.NumberSummary | None = None
    texts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class BreakdownRow:
    label: str
    respondents: int | None
    means: list[float | None]
    reason: str = ""


@dataclass
class SurveyReport:
    survey: Survey
    k: int
    invited: int
    completed: int
    rate_rows: list[RateRow]
    released: int
    waiting: int
    hidden_message: str
    questions: list[QuestionReport]
    likert_headers: list[tuple[int, str]]
    breakdown: list[BreakdownRow]
    suppression_note: str
    releases: int = 0
    quarantined: int = 0
    quarantine_problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return rules.percent(self.completed, self.invited)

    @property
    def waiting_message(self) -> str:
        if not (self.survey.anonymous and self.waiting):
            return ""
        if self.survey.status == Survey.Status.CLOSED:
            return WITHHELD.format(n=self.waiting, k=self.k)
        if not self.hidden_message:
            return WAITING.format(n=self.waiting, k=self.k)
        return ""

    @property
    def quarantine_message(self) -> str:
        if not self.quarantined:
            return ""
        return QUARANTINED.format(
            n=self.quarantined, problems=" ".join(self.quarantine_problems)
        )


def survey_report(survey: Survey) -> SurveyReport:
    """Compute everything the report page and its CSV show."""
    k = survey.min_group_size
    rate_data, responses, segments, names = _rates_and_segments(survey)
    state = _anonymous_state(survey, segments)
    segments = state["segments"]
    released = len(responses)
    hidden_message = ""
    if survey.anonymous and released < k:
        hidden_message = HIDDEN_ALL.format(n=released + state["waiting"], k=k)
    answers_by_q = {} if hidden_message else _answers_by_question(survey)
    org_of = {r["id"]: r["organization__name"] or "" for r in responses}

    questions, likert_questions = _question_reports(
        survey, answers_by_q, org_of, hidden_message
    )
    breakdown, note, shown = _breakdown(
        survey,
        k,
        segments,
        names,
        likert_questions,
        hidden_message,
        has_cohorts=any(r["mentorship_id"] for r in rate_data),
    )
    return SurveyReport(
        survey=survey,
        k=k,
        invited=sum(r["invited"] for r in rate_data),
        completed=sum(r["completed"] for r in rate_data),
        rate_rows=_rate_rows(
            survey,
            rate_data,
            names,
            shown,
            hidden=state["hidden"],
            waiting=state["waiting"],
            releases=state["releases"],
        ),
        released=released,
        waiting=state["waiting"],
        hidden_message=hidden_message,
        questions=questions,
        likert_headers=[(n, q.prompt) for n, q, _ in likert_questions],
        breakdown=breakdown,
        suppression_note=note,
        releases=state["releases"],
        quarantined=state["quarantined"],
        quarantine_problems=state["problems"],
    )


def _question_reports(survey, answers_by_q, org_of, hidden_message):
    """Each question's report, numbered through the survey, and the Likert
    questions as (number, question, answers) for the by-cohort table."""
    questions: list[QuestionReport] = []
    likert_questions = []
    number = 0
    for section in selectors.survey_structure(survey):
        for q in section.questions.all():
            number += 1
            given = answers_by_q.get(q.pk, [])
            questions.append(
                _question_report(
                    survey, section, q, number, given, org_of, hidden_message
                )
            )
            if q.kind == rules.LIKERT:
                likert_questions.append((number, q, given))
    return questions, likert_questions


def _rates_and_segments(survey: Survey):
    """Response rates per cohort, from the completion records (for an anonymous
    survey, counted as of the releases that carried the answers); the released
    responses, each one's cohort (its segment), and the cohorts' names."""
    rate_data = list(
        Invitation.objects.filter(survey=survey)
        .values("mentorship_id")
        .annotate(
            invited=Count("id"),
            completed=Count("id", filter=Q(completed_on__isnull=False)),
            released=Count("id", filter=Q(released_in__isnull=False)),
        )
        .order_by("mentorship_id")
    )
    responses = list(
        Response.objects.filter(survey=survey).values(
            "id", "segment_id", "segment_sealed", "organization__name"
        )
    )
    segments = {
        rid: services.segment_of(survey.pk, row) for rid, row in _rows(responses)
    }
    names = {
        m.pk: m.short_name
        for m in Mentorship.objects.filter(
            pk__in={r["mentorship_id"] for r in rate_data} | set(segments.values())
        ).select_related("mentor_organization")
    }
    return rate_data, responses, segments, names


def _anonymous_state(survey: Survey, segments: dict) -> dict:
    """For an anonymous survey: the releases so far, the cohorts hidden (whose
    responses lose their segment), what waits and what is kept apart, and why."""
    state = {
        "segments": segments,
        "releases": 0,
        "hidden": set(),
        "waiting": 0,
        "quarantined": 0,
        "problems": [],
    }
    if not survey.anonymous:
        return state
    release = _release_state(survey)
    hidden = set(release["hidden"] or [])
    state.update(
        releases=release["last_release"] or 0,
        hidden=hidden,
        segments={rid: None if s in hidden else s for rid, s in segments.items()},
        waiting=release["waiting"],
        quarantined=release["quarantined"],
    )
    if release["quarantined"]:
        state["problems"] = sorted(
            set(
                PendingResponse.objects.filter(
                    survey=survey, quarantined=True
                ).values_list("problem", flat=True)
            )
        )
    return state


def _answers_by_question(survey: Survey) -> dict[int, list[dict]]:
    answers_by_q: dict[int, list[dict]] = defaultdict(list)
    for a in (
        Answer.objects.filter(response__survey=survey)
        .values("response_id", "question_id", "number", "text", "choices")
        .order_by("id")
    ):
        answers_by_q[a["question_id"]].append(a)
    return answers_by_q


def _question_report(
    survey, section, q, number: int, given: list, org_of: dict, hidden_message: str
) -> QuestionReport:
    """One question's figures: a Likert or choice distribution (with its chart),
    a number summary, or the texts (alphabetical and unnamed when anonymous)."""
    qr = QuestionReport(
        number=number,
        section=section.title,
        prompt=q.prompt,
        kind=q.kind,
        kind_label=q.get_kind_display(),
        answered=len(given),
    )
    if q.kind == rules.LIKERT:
        labels = list(q.likert_labels or [])
        counts = rules.distribution(
            (int(a["number"]) for a in given), rules.LIKERT_POINTS
        )
        qr.rows = [
            (
                f"{p} {labels[p - 1]}" if len(labels) == 5 else str(p),
                n,
                rules.percent(n, len(given)),
            )
            for p, n in counts
        ]
        qr.mean = rules.likert_mean(counts)
    elif q.kind in rules.CHOICE_KINDS:
        choices = list(q.choices.all())
        counts = dict(
            rules.distribution(
                (v for a in given for v in a["choices"]),
                [c.value for c in choices],
            )
        )
        qr.rows = [
            (c.label, counts[c.value], rules.percent(counts[c.value], len(given)))
            for c in choices
        ]
    elif q.kind == rules.NUMBER:
        qr.summary = rules.number_summary(a["number"] for a in given)
    elif survey.anonymous:
        qr.texts = sorted(
            (("", a["text"]) for a in given),
            key=lambda t: rules.text_order(t[1]),
        )
    else:
        qr.texts = [(org_of.get(a["response_id"], ""), a["text"]) for a in given]
    if qr.rows and not hidden_message:
        qr.chart = charts.bar_chart_svg(
            gettext("Question %(number)s: %(prompt)s")
            % {"number": number, "prompt": q.prompt[:120]},
            [(label, n) for label, n, _ in qr.rows],
        )
    return qr


def _rate_rows(survey, rate_data, names, shown, *, hidden, waiting, releases):
    """Response rates per cohort; for an anonymous survey, a cell like the others.

    A named survey counts completions as they come. An anonymous one counts a
    cohort's answers once released, and only for the cohorts its breakdown
    shows: the others are counted together, and the answers still waiting in
    one row for all cohorts, so that the table can never say which cohort a
    hidden group of answers came from. (Answers released before releases were
    recorded count as completed, under the same hiding.)
    """

    def label(pk):
        outside = gettext("Not in a cohort")
        return names.get(pk, outside) if pk else outside

    if not survey.anonymous:
        rows = [
            RateRow(label(r["mentorship_id"]), r["invited"], r["completed"])
            for r in rate_data
        ]
        return sorted(rows, key=lambda row: row.label)
    if not any(r["mentorship_id"] for r in rate_data):
        return []  # no cohorts: the overall rate says it all
    counted = "released" if releases else "completed"
    rows, hidden_invited, hidden_released = [], 0, 0
    for r in rate_data:
        pk = r["mentorship_id"]
        hidden_row = pk is None or pk in hidden or (pk not in shown and r[counted] > 0)
        if not hidden_row:
            rows.append(RateRow(label(pk), r["invited"], r[counted]))
        else:
            rows.append(RateRow(label(pk), r["invited"], None, HIDDEN_COHORT_NOTE))
            hidden_invited += r["invited"]
            hidden_released += r[counted]
    rows.sort(key=lambda row: row.label)
    if any(row.completed is None for row in rows):
        rows.append(RateRow(HIDDEN_COHORTS_ROW, hidden_invited, hidden_released))
    if waiting and releases:
        rows.append(RateRow(WAITING_ROW, 0, waiting))
    return rows


# --- the report computed once, kept until something it reads changes ---

# Bumped when the stored shape of a report changes, so old rows are recomputed.
# 3: one report per language (``reports``, keyed by language code), since the
# report's own words (notes, labels, chart titles) are in its reader's language.
CACHE_VERSION = 3


def _report_to_data(report: SurveyReport) -> dict:
    data = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}
    data.pop("survey")
    data["rate_rows"] = [dataclasses.asdict(r) for r in report.rate_rows]
    data["questions"] = [dataclasses.asdict(q) for q in report.questions]
    data["breakdown"] = [dataclasses.asdict(b) for b in report.breakdown]
    return _plain(data)


def _plain(value):
    """``value`` with its translated words as plain strings, ready for JSON."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _report_from_data(survey: Survey, data: dict) -> SurveyReport:
    d = dict(data)
    questions = []
    for q in d.pop("questions"):
        q = dict(q)
        q["rows"] = [tuple(r) for r in q["rows"]]
        q["texts"] = [tuple(t) for t in q["texts"]]
        # Built by charts.py, where every text part is escaped.
        q["chart"] = mark_safe(q["chart"])  # noqa: S308
        if q["summary"] is not None:
            q["summary"] = rules.NumberSummary(**q["summary"])
        questions.append(QuestionReport(**q))
    return SurveyReport(
        survey=survey,
        rate_rows=[RateRow(**r) for r in d.pop("rate_rows")],
        questions=questions,
        breakdown=[BreakdownRow(**b) for b in d.pop("breakdown")],
        likert_headers=[tuple(h) for h in d.pop("likert_headers")],
        **d,
    )


def cached_survey_report(survey: Survey) -> tuple[SurveyReport, dt.datetime]:
    """The survey's report and the time it is "as of".

    The report reads every released answer (and opens every sealed cohort),
    so it is computed once and kept in ``ReportCache``; anything it reads
    (a release, a completion, a change to the survey or its questions) marks
    the kept one stale (``report_invalidate``) and the next view computes it
    again. A computation that a change overtook is shown but not kept.
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    row = ReportCache.objects.filter(survey=survey).first()
    kept_reports = {}
    if row and row.data.get("version") == CACHE_VERSION:
        kept_reports = row.data.get("reports", {})
        if language in kept_reports:
            return _report_from_data(survey, kept_reports[language]), row.computed_at
    started = timezone.now()
    report = survey_report(survey)
    data = {"version": CACHE_VERSION, "reports": {language: _report_to_data(report)}}
    if row is None:
        try:
            with transaction.atomic():
                ReportCache.objects.create(
                    survey=survey, computed_at=started, data=data
                )
        except IntegrityError:
            pass  # another view kept its own computation meanwhile
    elif kept_reports:
        # The kept row is fresh in another language: add this one beside it.
        # Nothing changed since the row was read (the update would find no
        # row otherwise), so the other languages stay true as of its time.
        data["reports"] = {**kept_reports, **data["reports"]}
        ReportCache.objects.filter(pk=row.pk, computed_at=row.computed_at).update(
            data=data
        )
    else:
        # Kept only if nothing marked the row since it was read: a change
        # moves ``computed_at``.
        ReportCache.objects.filter(pk=row.pk, computed_at=row.computed_at).update(
            computed_at=started, data=data
        )
    return report, started


def report_invalidate(survey_id: int) -> None:
    """Mark the kept report of a survey stale: the next view recomputes it."""
    kept.rows_changed(
        ReportCache.objects.filter(survey_id=survey_id),
        computed_at=timezone.now(),
        data={"stale": True},
    )


def _release_state(survey: Survey) -> dict:
    """The last release's number and hidden cohorts, and what waits, in one query."""
    last = Release.objects.filter(survey=OuterRef("pk")).order_by("-number")
    pending = (
        PendingResponse.objects.filter(survey=OuterRef("pk"))
        .order_by()
        .values("survey")
    )
    return (
        Survey.objects.filter(pk=survey.pk)
        .annotate(
            last_release=Subquery(last.values("number")[:1]),
            hidden=Subquery(last.values("hidden_cohorts")[:1]),
            waiting=Coalesce(
                Subquery(
                    pending.filter(quarantined=False)
                    .annotate(n=Count("id"))
                    .values("n")
                ),
                0,
            ),
            quarantined=Coalesce(
                Subquery(
                    pending.filter(quarantined=True).annotate(n=Count("id")).values("n")
                ),
                0,
            ),
        )
        .values("last_release", "hidden", "waiting", "quarantined")
        .get()
    )


class _Row:
    """Adapter so ``services.segment_of`` can read a ``values()`` row."""

    def __init__(self, row: dict):
        self.segment_id = row["segment_id"]
        self.segment_sealed = row["segment_sealed"]


def _rows(responses):
    return ((r["id"], _Row(r)) for r in responses)


def _breakdown(
    survey, k, segments, names, likert_questions, hidden_message, has_cohorts
):
    """The by-cohort table, and the set of cohorts it shows.

    For an anonymous survey the releases decide which cohorts may be shown
    (a response keeps its sealed cohort only then); ``suppress_cells`` runs
    again as a guard, and hides nothing for answers released that way.
    """
    if hidden_message or not segments:
        return [], "", set()
    if not any(s is not None for s in segments.values()) and not (
        survey.anonymous and has_cohorts
    ):
        return [], "", set()
    respondents: dict = defaultdict(int)
    for segment in segments.values():
        respondents[segment] += 1
    named = {s: n for s, n in respondents.items() if s is not None}
    suppression = (
        rules.suppress_cells(named, k)
        if survey.anonymous
        else rules.Suppression(frozenset(), frozenset())
    )
    rows = []
    for segment in sorted(named, key=lambda s: names.get(s, "")):
        label = names.get(segment, gettext("Cohort"))
        if segment in suppression.hidden:
            rows.append(
                BreakdownRow(
                    label,
                    None,
                    [None] * len(likert_questions),
                    suppression.reason(segment, k),
                )
            )
            continue
        means = _cohort_means(likert_questions, segments, segment)
        rows.append(BreakdownRow(label, named[segment], means))
    if respondents.get(None):
        rows.append(
            BreakdownRow(
                NO_COHORT,
                None,
                [None] * len(likert_questions),
                gettext(
                    "Answers of hidden cohorts, or given without a cohort: counted "
                    "in the totals only."
                ),
            )
        )
    note = _breakdown_note(survey, k, suppression)
    return rows, note, set(named) - suppression.hidden


def _cohort_means(likert_questions, segments, segment) -> list[float | None]:
    """The cohort's mean answer to each Likert question (None: no answer)."""
    means = []
    for _number, _prompt, given in likert_questions:
        values = [
            int(a["number"]) for a in given if segments.get(a["response_id"]) == segment
        ]
        means.append(sum(values) / len(values) if values else None)
    return means


def _breakdown_note(survey, k, suppression) -> str:
    """What the by-cohort table leaves out, and why."""
    note = BREAKDOWN_NOTE.format(k=k) if survey.anonymous else ""
    if suppression.hidden:
        note = (
            ngettext(
                "Cohorts with fewer than %(k)s respondents are hidden, and so is "
                "%(count)d more where the total would let someone work the hidden "
                "figures out.",
                "Cohorts with fewer than %(k)s respondents are hidden, and so are "
                "%(count)d more where the total would let someone work the hidden "
                "figures out.",
                len(suppression.complementary),
            )
            % {"k": k, "count": len(suppression.complementary)}
            if suppression.complementary
            else gettext("Cohorts with fewer than %(k)s respondents are hidden.")
            % {"k": k}
        )
    return note


def report_csv(report: SurveyReport) -> CsvTable:
    """The report as CSV: the same figures and the same hidden cells."""
    w = CsvTable()
    _csv_heading(w, report)
    _csv_rates(w, report)
    _csv_answer_counts(w, report)
    for q in report.questions:
        _csv_question(w, q)
    for row in report.breakdown:
        _csv_breakdown(w, row, report.likert_headers)
    return w


def _csv_heading(w: CsvTable, report: SurveyReport) -> None:
    """The column names, the survey, and its overall response rate."""
    s = report.survey
    w.writerow(
        [
            pgettext("survey report CSV", "section"),
            pgettext("survey report CSV", "item"),
            pgettext("survey report CSV", "label"),
            pgettext("survey report CSV", "value"),
            pgettext("survey report CSV", "percent"),
            pgettext("survey report CSV", "note"),
        ]
    )
    w.writerow(
        [
            pgettext("survey report CSV", "survey"),
            s.title,
            s.get_kind_display(),
            "",
            "",
            "",
        ]
    )
    w.writerow(
        [
            pgettext("survey report CSV", "response rate"),
            pgettext("survey report CSV", "all"),
            pgettext("survey report CSV", "completed of invited"),
            f"{report.completed}/{report.invited}",
            report.rate,
            "",
        ]
    )


def _csv_rates(w: CsvTable, report: SurveyReport) -> None:
    """The response rate of each cohort (or why it is not shown)."""
    for row in report.rate_rows:
        if row.completed is None:
            w.writerow(
                [
                    pgettext("survey report CSV", "response rate"),
                    pgettext("survey report CSV", "cohort"),
                    row.label,
                    "",
                    "",
                    row.note,
                ]
            )
            continue
        w.writerow(
            [
                pgettext("survey report CSV", "response rate"),
                pgettext("survey report CSV", "cohort"),
                row.label,
                f"{row.completed}/{row.invited}" if row.invited else row.completed,
                row.rate if row.invited else "",
                "",
            ]
        )


def _csv_answer_counts(w: CsvTable, report: SurveyReport) -> None:
    """How many answers are released, waiting or kept apart, and why some
    are hidden."""
    s = report.survey
    w.writerow(
        [
            pgettext("survey report CSV", "answers"),
            pgettext("survey report CSV", "released"),
            pgettext("survey report CSV", "responses"),
            report.released,
            "",
            "",
        ]
    )
    if s.anonymous:
        w.writerow(
            [
                pgettext("survey report CSV", "answers"),
                pgettext("survey report CSV", "released"),
                pgettext("survey report CSV", "releases"),
                report.releases,
                "",
                "",
            ]
        )
        w.writerow(
            [
                pgettext("survey report CSV", "answers"),
                pgettext("survey report CSV", "waiting"),
                pgettext("survey report CSV", "responses"),
                report.waiting,
                "",
                report.waiting_message,
            ]
        )
        if report.quarantined:
            w.writerow(
                [
                    pgettext("survey report CSV", "answers"),
                    pgettext("survey report CSV", "kept apart"),
                    pgettext("survey report CSV", "responses"),
                    report.quarantined,
                    "",
                    report.quarantine_message,
                ]
            )
    if report.hidden_message:
        w.writerow(
            [
                pgettext("survey report CSV", "answers"),
                "",
                "",
                "",
                "",
                report.hidden_message,
            ]
        )


def _csv_question(w: CsvTable, q: QuestionReport) -> None:
    """A question's counts, mean, number summary and text answers."""
    item = pgettext("survey report CSV", "Q%(number)s %(prompt)s") % {
        "number": q.number,
        "prompt": q.prompt,
    }
    for label, n, pct in q.rows:
        w.writerow([q.section, item, label, n, pct, ""])
    if q.mean is not None:
        w.writerow(
            [
                q.section,
                item,
                pgettext("survey report CSV", "mean (1 to 5)"),
                f"{q.mean:.2f}",
                "",
                "",
            ]
        )
    if q.summary is not None and q.summary.n:
        for name, label in (
            ("n", pgettext("survey report CSV", "n")),
            ("mean", pgettext("survey report CSV", "mean")),
            ("median", pgettext("survey report CSV", "median")),
            ("minimum", pgettext("survey report CSV", "minimum")),
            ("maximum", pgettext("survey report CSV", "maximum")),
            ("stdev", pgettext("survey report CSV", "stdev")),
        ):
            value = getattr(q.summary, name)
            w.writerow(
                [
                    q.section,
                    item,
                    label,
                    "" if value is None else f"{value:g}",
                    "",
                    "",
                ]
            )
    for org, text in q.texts:
        w.writerow(
            [
                q.section,
                item,
                org or pgettext("survey report CSV", "answer"),
                text,
                "",
                "",
            ]
        )


def _csv_breakdown(w: CsvTable, row: BreakdownRow, likert_headers) -> None:
    """A cohort's respondents and its Likert means (or why it is hidden)."""
    if row.respondents is None:
        w.writerow(
            [
                pgettext("survey report CSV", "by cohort"),
                row.label,
                pgettext("survey report CSV", "respondents"),
                "",
                "",
                row.reason,
            ]
        )
        return
    w.writerow(
        [
            pgettext("survey report CSV", "by cohort"),
            row.label,
            pgettext("survey report CSV", "respondents"),
            row.respondents,
            "",
            "",
        ]
    )
    for (number, _prompt), mean in zip(likert_headers, row.means, strict=True):
        w.writerow(
            [
                pgettext("survey report CSV", "by cohort"),
                row.label,
                pgettext("survey report CSV", "Q%(number)s mean") % {"number": number},
                "" if mean is None else f"{mean:.2f}",
                "",
                "",
            ]
        )


# --- capacity assessment: before and after ---


@dataclass
class Comparison:
    before: Survey
    after: Survey
    org_rows: list[tuple[str, float | None, float | None, float | None]]
    question_rows: list[tuple[str, float | None, float | None, float | None]]
    overall: tuple[float | None, float | None, float | None]
    org_chart: str
    question_chart: str


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _likert_by_org(survey: Survey):
    """{organization name: {question key: [values]}} of a named survey."""
    data: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    prompts: dict[str, str] = {}
    for a in Answer.objects.filter(
        response__survey=survey, question__kind=rules.LIKERT
    ).values(
        "number", "question__key", "question__prompt", "response__organization__name"
    ):
        org = a["response__organization__name"] or gettext("No organization")
        data[org][a["question__key"]].append(float(a["number"]))
        prompts[a["question__key"]] = a["question__prompt"]
    return data, prompts


def capacity_comparison(*, before: Survey, after: Survey) -> Comparison:
    """Mean Likert capacity scores per organization and per question, then and now.

    Questions are matched by their key, which a copied survey keeps.
    """
    b_data, b_prompts = _likert_by_org(before)
    a_data, a_prompts = _likert_by_org(after)
    org_rows = []
    for org in sorted(set(b_data) | set(a_data)):
        bm = _mean([v for vs in b_data.get(org, {}).values() for v in vs])
        am = _mean([v for vs in a_data.get(org, {}).values() for v in vs])
        org_rows.append((org, bm, am, rules.change(bm, am)))
    question_rows = []
    for key in list(dict.fromkeys([*b_prompts, *a_prompts])):
        bm = _mean([v for org in b_data.values() for v in org.get(key, [])])
        am = _mean([v for org in a_data.values() for v in org.get(key, [])])
        question_rows.append(
            (a_prompts.get(key) or b_prompts.get(key), bm, am, rules.change(bm, am))
        )
    ob = _mean([v for org in b_data.values() for vs in org.values() for v in vs])
    oa = _mean([v for org in a_data.values() for vs in org.values() for v in vs])
    return Comparison(
        before=before,
        after=after,
        org_rows=org_rows,
        question_rows=question_rows,
        overall=(ob, oa, rules.change(ob, oa)),
        org_chart=charts.paired_chart_svg(
            gettext("Mean capacity score per organization, before and after"),
            [(o, b, a) for o, b, a, _ in org_rows],
        )
        if org_rows
        else "",
        question_chart=charts.paired_chart_svg(
            gettext("Mean score per question, all organizations, before and after"),
            [(p, b, a) for p, b, a, _ in question_rows],
        )
        if question_rows
        else "",
    )


COMPARISON_HEADER = [
    pgettext_lazy("survey report CSV", "level"),
    pgettext_lazy("survey report CSV", "name"),
    pgettext_lazy("survey report CSV", "before"),
    pgettext_lazy("survey report CSV", "after"),
    pgettext_lazy("survey report CSV", "change"),
]


def comparison_csv(c: Comparison) -> CsvTable:
    w = CsvTable()
    w.writerow(COMPARISON_HEADER)

    def f(v):
        return "" if v is None else f"{v:.2f}"

    w.writerow(
        [
            pgettext("survey report CSV", "overall"),
            pgettext("survey report CSV", "all organizations"),
            *map(f, c.overall),
        ]
    )
    for org, b, a, d in c.org_rows:
        w.writerow(
            [pgettext("survey report CSV", "organization"), org, f(b), f(a), f(d)]
        )
    for prompt, b, a, d in c.question_rows:
        w.writerow(
            [pgettext("survey report CSV", "question"), prompt, f(b), f(a), f(d)]
        )
    return w
