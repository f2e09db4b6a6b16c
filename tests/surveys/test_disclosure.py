"""Differencing attacks on the published reports of an anonymous survey.

The attacker is a staff member who downloads the report's CSV after every
answer and at the close, and who knows what staff know: which cohort each
person is in, and who completed. From every report alone, and from every
pair of reports, the attacker works out every figure that can be computed by
adding and subtracting published figures: overall answers, the by-cohort
table, the response-rate table, the hidden remainder (overall minus the
cohorts shown), free-text answers, and their differences between releases.

The tests then hold each computed figure against the truth (which people's
answers it covers, read from the database): it covers no one or at least k
people, and it never equals the answers of a cohort the report hides.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from surveys import reports, rules, services
from surveys.models import Answer, Invitation, Survey

from .factories import SurveyFactory, add_questions, cohort_with_mentees

K = 5
NO_COHORT = "(no cohort)"
SPECIAL_RATE_ROWS = {reports.HIDDEN_COHORTS_ROW, reports.WAITING_ROW}

# --- what the attacker reads ---


@dataclass
class Figures:
    """Published figures of one group of answers, by the kinds they include.

    ``n`` is the number of answers; ``likert`` the sum of Likert points per
    question (from means times counts); ``full`` every overall figure
    (distributions, number sums, free texts), where a missing key counts 0.
    """

    kinds: frozenset
    values: dict = field(default_factory=dict)

    def combine(self, other: Figures, sign: int) -> Figures | None:
        kinds = self.kinds & other.kinds
        if not kinds:
            return None
        keys = {
            key for key in set(self.values) | set(other.values) if _kind(key) in kinds
        }
        return Figures(
            kinds,
            {
                key: self.values.get(key, 0) + sign * other.values.get(key, 0)
                for key in keys
            },
        )


def _kind(key) -> str:
    if key == "n":
        return "n"
    if key[0] == "likert_sum":
        return "likert"
    return "full"


ZERO = Figures(frozenset({"n", "likert", "full"}), {"n": 0})


@dataclass
class Published:
    """One downloaded report, parsed."""

    cohorts: set  # every cohort label the report names
    pieces: dict  # frozenset of cohort labels -> Figures
    hidden: set  # cohorts whose figures the report hides
    text_rows: dict  # question -> texts in the order of the rows

    def state(self):
        """What the report says about answers (not the live completion count)."""
        return tuple(
            sorted(
                (tuple(sorted(region)), tuple(sorted(map(repr, f.values.items()))))
                for region, f in self.pieces.items()
            )
        )


def parse(text: str) -> Published:
    rows = list(csv.reader(io.StringIO(text)))[2:]  # language line, header
    rate: dict[str, int | None] = {}
    completed_all = None
    released = None
    overall: dict = {}
    cohort_rows: dict[str, dict | None] = {}
    text_rows: dict[str, list[str]] = {}
    hidden_together = None
    for section, item, label, value, _pct, _note in rows:
        if section == "response rate":
            if item == "all":
                completed_all = int(value.split("/")[0])
            elif label == reports.HIDDEN_COHORTS_ROW:
                hidden_together = int(value.split("/")[0])
            elif label not in SPECIAL_RATE_ROWS:
                name = NO_COHORT if label == "Not in a cohort" else label
                rate[name] = int(value.split("/")[0]) if value else None
        elif section == "answers":
            if item == "released" and label == "responses":
                released = int(value)
        elif section == "by cohort":
            if item == reports.NO_COHORT:
                continue
            if label == "respondents":
                cohort_rows[item] = {"n": int(value)} if value else None
            elif label.endswith(" mean") and value and cohort_rows.get(item):
                n = cohort_rows[item]["n"]
                question = label.split()[0]
                cohort_rows[item][("likert_sum", question)] = round(float(value) * n)
        elif item.startswith("Q"):
            question = item.split()[0]
            if label == "answer":
                text_rows.setdefault(question, []).append(value)
                overall[("text", question, value)] = (
                    overall.get(("text", question, value), 0) + 1
                )
            elif label in {"mean (1 to 5)", "median", "minimum", "maximum", "stdev"}:
                continue
            elif label == "n":
                overall[("number_n", question)] = int(value)
            elif label == "mean":
                overall[("number_mean", question)] = float(value)
            else:
                overall[("dist", question, label)] = int(value)
    # The overall Likert sum, and the number sum, from the distributions.
    likert = {}
    for key, count in list(overall.items()):
        if key[0] == "dist" and key[2][:1].isdigit() and key[2][1:2] in (" ", ""):
            likert[key[1]] = likert.get(key[1], 0) + int(key[2][0]) * count
    for question, total in likert.items():
        overall[("likert_sum", question)] = total
    for key in [k for k in overall if k[0] == "number_mean"]:
        n = overall.get(("number_n", key[1]), 0)
        overall[("number_sum", key[1])] = round(overall.pop(key) * n)
    if released is None:  # reports that do not say it: the required Q1's count
        released = sum(v for k, v in overall.items() if k[0] == "dist" and k[1] == "Q1")
    overall["n"] = released

    cohorts = set(rate) | set(cohort_rows)
    pieces = {frozenset(cohorts): Figures(frozenset({"n", "likert", "full"}), overall)}
    hidden = {c for c in cohorts if cohort_rows.get(c) is None}
    for label, figures in cohort_rows.items():
        if figures is not None:
            pieces[frozenset({label})] = Figures(frozenset({"n", "likert"}), figures)
    # The response-rate table counts answers per cohort; they are released
    # answers whenever nothing waits (every completion released).
    if completed_all == released:
        for label, count in rate.items():
            region = frozenset({label})
            if count is not None and region not in pieces:
                pieces[region] = Figures(frozenset({"n"}), {"n": count})
        if hidden_together is not None and hidden:
            pieces.setdefault(
                frozenset(hidden), Figures(frozenset({"n"}), {"n": hidden_together})
            )
    return Published(cohorts, pieces, hidden, text_rows)


def derivable(report: Published) -> dict[frozenset, Figures]:
    """Every group of cohorts whose figures one report gives, by sums and
    differences of what it publishes."""
    found = dict(report.pieces)
    changed = True
    while changed:
        changed = False
        for (a, fa), (b, fb) in itertools.permutations(list(found.items()), 2):
            if not a & b:
                region, figures = a | b, fa.combine(fb, +1)
            elif b < a:
                region, figures = a - b, fa.combine(fb, -1)
            else:
                continue
            if figures is None or not region:
                continue
            known = found.get(region)
            if known is None or not figures.kinds <= known.kinds:
                if known is not None:
                    figures = Figures(
                        known.kinds | figures.kinds, {**figures.values, **known.values}
                    )
                found[region] = figures
                changed = True
    return found


@dataclass
class Finding:
    later: int
    later_region: frozenset
    earlier: int | None
    earlier_region: frozenset
    figures: Figures


def attack(published: list[Published]) -> list[Finding]:
    """Every figure computable from one report or from any pair of reports.

    Released answers only ever grow, and a group of cohorts holds all that a
    smaller group holds, so a later report's group minus an earlier report's
    subgroup is the figures of exactly the answers in between.
    """
    groups = [derivable(p) for p in published]
    findings = []
    for j, later in enumerate(groups):
        for region, figures in later.items():
            findings.append(Finding(j, region, None, frozenset(), figures))
        for i in range(j + 1):
            for region_j, fj in later.items():
                for region_i, fi in groups[i].items():
                    if not region_i <= region_j or (i == j and region_i == region_j):
                        continue
                    diff = fj.combine(fi, -1)
                    if diff is not None:
                        findings.append(Finding(j, region_j, i, region_i, diff))
    return findings


# --- the truth the attacker does not have ---


@dataclass
class Person:
    tag: str
    cohort: str
    invitation: Invitation
    likert: int


class Scenario:
    """Cohorts, people answering in a given order, and every report seen."""

    def __init__(self, sizes: dict[str, int], client):
        self.survey = SurveyFactory(status=Survey.Status.OPEN, min_group_size=K)
        self.q = add_questions(self.survey)
        self.client = client
        self.people: list[Person] = []
        for name, size in sizes.items():
            mentorship, users = cohort_with_mentees(self.survey.round, size)
            mentorship.mentor_organization.name = name
            mentorship.mentor_organization.save(update_fields=["name"])
            for user in users:
                invitation = Invitation.objects.create(
                    survey=self.survey,
                    user=user,
                    email=user.email,
                    mentorship=mentorship,
                    token_hash=f"{name}-{user.pk}",
                )
                n = len(self.people)
                self.people.append(
                    Person(f"note {name}{n:02d}", name, invitation, 1 + (n * 3) % 5)
                )
        self.csvs: list[str] = []
        self.released: list[set[str]] = []
        self.look()

    def answer(self, person: Person, capture) -> None:
        q = self.q
        n = self.people.index(person)
        with capture(execute=True):
            services.response_submit(
                invitation=person.invitation,
                raw={
                    f"q{q['likert'].pk}": [str(person.likert)],
                    f"q{q['single'].pk}": [["weekly", "monthly", "rarely"][n % 3]],
                    f"q{q['multiple'].pk}": [["webinars", "peers"], ["check-ins"]][
                        n % 2
                    ],
                    f"q{q['number'].pk}": [str(n)],
                    f"q{q['short_text'].pk}": [f"word {n % 4}"],
                    f"q{q['long_text'].pk}": [person.tag],
                },
            )
        self.look()

    def close(self) -> None:
        services.survey_close(survey=self.survey)
        self.look()

    def look(self) -> None:
        """Download the report as staff do, and note the truth beside it."""
        url = reverse("surveys:survey-report-csv", args=[self.survey.pk])
        self.csvs.append(self.client.get(url).content.decode())
        self.released.append(
            set(
                Answer.objects.filter(
                    question=self.q["long_text"], response__survey=self.survey
                ).values_list("text", flat=True)
            )
        )

    def who(self, index: int, region: frozenset) -> frozenset:
        return frozenset(
            p.tag
            for p in self.people
            if p.tag in self.released[index] and p.cohort in region
        )

    def check(self) -> int:
        """Attack every report and pair of reports; return the figures tried."""
        published, where, seen = [], [], set()
        for position, text in enumerate(self.csvs):
            report = parse(text)
            # Text answers are listed by their words alone: the order of the
            # rows says nothing of who, when, or what else they answered.
            for question, texts in report.text_rows.items():
                assert texts == sorted(texts, key=rules.text_order), question
            if report.state() not in seen:
                seen.add(report.state())
                published.append(report)
                where.append(position)
        hidden_cells = {
            self.who(where[r], frozenset({cohort}))
            for r, report in enumerate(published)
            for cohort in report.hidden
        } - {frozenset()}
        findings = attack(published)
        long_q = f"Q{self._number('long_text')}"
        for f in findings:
            people = self.who(where[f.later], f.later_region)
            if f.earlier is not None:
                people -= self.who(where[f.earlier], f.earlier_region)
            if "n" in f.figures.kinds:
                # The attacker's arithmetic is right: the count it computes
                # is the number of answers the figure covers.
                assert f.figures.values["n"] == len(people), f
            if "full" in f.figures.kinds:
                texts = Counter(
                    {
                        key[2]: v
                        for key, v in f.figures.values.items()
                        if key[:2] == ("text", long_q) and v
                    }
                )
                assert texts == Counter(people), f
            assert len(people) == 0 or len(people) >= K, (
                f"{len(people)} answer(s) worked out: {sorted(people)} from "
                f"report {f.later} {sorted(f.later_region)} minus report "
                f"{f.earlier} {sorted(f.earlier_region)}"
            )
            assert people not in hidden_cells, (
                f"a hidden cohort's answers worked out: {sorted(people)}"
            )
        return len(findings)

    def _number(self, kind: str) -> int:
        order = ["likert", "single", "multiple", "number", "short_text", "long_text"]
        return order.index(kind) + 1


@pytest.fixture
def scenario(client_as, staff_user):
    return lambda sizes: Scenario(sizes, client_as(staff_user))


def _people(scn, cohort):
    return [p for p in scn.people if p.cohort == cohort]


# --- the attacks ---


@pytest.mark.django_db
def test_the_close_never_releases_fewer_than_k_answers(
    scenario, django_capture_on_commit_callbacks
):
    """Save the report, let one person answer, close the survey, compare: the
    one answer is not in the report, which says it is withheld."""
    scn = scenario({"Alder": 6, "Birch": 5})
    alder = _people(scn, "Alder")
    for person in alder[:5]:
        scn.answer(person, django_capture_on_commit_callbacks)
    before = parse(scn.csvs[-1])
    scn.answer(alder[5], django_capture_on_commit_callbacks)
    scn.close()
    after = parse(scn.csvs[-1])
    everyone = frozenset(after.cohorts)
    assert after.pieces[everyone].values["n"] == 5
    assert after.pieces[everyone] == before.pieces[everyone]
    assert reports.WITHHELD.format(n=1, k=K) in scn.csvs[-1]
    assert scn.check() > 0


@pytest.mark.django_db
def test_three_releases_never_give_a_hidden_cohort_of_four_away(
    scenario, django_capture_on_commit_callbacks
):
    """Five of one cohort, then five of another, then a cohort of four with the
    sixth of the second: no difference of the three releases' figures (overall,
    cohorts, response rates, free texts) covers fewer than five people or a
    hidden cohort exactly."""
    scn = scenario({"Alder": 6, "Birch": 5, "Cedar": 4})
    for person in _people(scn, "Birch"):
        scn.answer(person, django_capture_on_commit_callbacks)
    for person in _people(scn, "Alder")[:5]:
        scn.answer(person, django_capture_on_commit_callbacks)
    for person in _people(scn, "Cedar") + _people(scn, "Alder")[5:]:
        scn.answer(person, django_capture_on_commit_callbacks)
    scn.close()
    assert scn.survey.releases.count() == 3
    final = parse(scn.csvs[-1])
    # Birch came in as a group of its own and stays shown; Alder's sixth went
    # out with Cedar's four, so Alder is hidden from then on, with Cedar.
    assert final.hidden == {"Alder", "Cedar"}
    assert scn.check() > 0


@pytest.mark.django_db
def test_the_response_rate_table_does_not_say_which_hidden_cohort_grew(
    scenario, django_capture_on_commit_callbacks
):
    """One of a cohort and four of another go out together: the response-rate
    table counts them together, not per cohort."""
    scn = scenario({"Alder": 5, "Birch": 4, "Cedar": 4})
    for person in _people(scn, "Alder"):
        scn.answer(person, django_capture_on_commit_callbacks)
    for person in _people(scn, "Birch") + _people(scn, "Cedar")[:1]:
        scn.answer(person, django_capture_on_commit_callbacks)
    scn.close()
    final = parse(scn.csvs[-1])
    assert final.hidden == {"Birch", "Cedar"}
    assert scn.check() > 0


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_no_order_of_answers_lets_reports_be_differenced(
    seed, scenario, django_capture_on_commit_callbacks
):
    """People of four cohorts answer in a random order, some never; the report
    is saved after every answer and at the close. Every difference of every
    pair of reports covers no one or at least five people."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible order, not a secret
    scn = scenario({"Alder": 6, "Birch": 5, "Cedar": 4, "Dogwood": 7})
    order = [p for p in scn.people if rng.random() < 0.85]
    rng.shuffle(order)
    for person in order:
        scn.answer(person, django_capture_on_commit_callbacks)
    scn.close()
    assert scn.survey.releases.count() >= 2
    assert scn.check() > 0
