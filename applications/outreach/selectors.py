"""Reads the public pages and the staff pages share: each in a fixed number of
queries, whatever the number of rows."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from dashmentor.bilingual import bilingual_fields

from . import rules
from .models import (
    AskedQuestion,
    FaqEntry,
    Milestone,
    Topic,
    Webinar,
    WebinarRegistration,
)

# Applications that count as "applied" in the funnel: submitted and after.
APPLIED = ("submitted", "under_review", "decided")


def faq_list(*, round, query: str = ""):
    """The round's published questions, by topic, filtered by ``query``."""
    entries = FaqEntry.objects.filter(round=round, published_at__isnull=False)
    # Every language's text is searched: a page in Spanish shows the English
    # of an entry without a translation, and finds it too.
    texts = bilingual_fields(FaqEntry, ["question", "answer"])
    for word in query.split()[:8]:
        match = Q()
        for name in texts:
            match |= Q(**{f"{name}__icontains": word})
        entries = entries.filter(match)
    return entries.order_by("topic", "published_at", "pk")


def faq_by_topic(entries) -> list[tuple[str, list[FaqEntry]]]:
    """(topic label, entries) in the order of ``Topic``, empty topics left out."""
    grouped: dict[str, list] = {}
    for entry in entries:
        grouped.setdefault(entry.topic, []).append(entry)
    return [
        (label, grouped[value]) for value, label in Topic.choices if value in grouped
    ]


def question_cutoff(round) -> dt.datetime | None:
    """The round's question cut-off from its timeline, or None."""
    milestone = (
        Milestone.objects.filter(round=round, kind=Milestone.Kind.QUESTIONS_CLOSE)
        .only("on", "at_time")
        .first()
    )
    if milestone is None:
        return None
    return rules.question_cutoff(milestone.on, milestone.at_time, round.zone)


def waiting_questions(*, round=None):
    """Confirmed questions not yet answered, oldest first, with their rounds."""
    questions = AskedQuestion.objects.filter(status=AskedQuestion.Status.WAITING)
    if round is not None:
        questions = questions.filter(round=round)
    return questions.select_related("round").order_by("confirmed_at", "pk")


def answered_questions(*, round, limit: int = 50):
    return (
        AskedQuestion.objects.filter(
            round=round,
            status__in=[AskedQuestion.Status.ANSWERED, AskedQuestion.Status.DISMISSED],
        )
        .select_related("entry", "answered_by")
        .order_by("-answered_at", "-pk")[:limit]
    )


def webinar_list(*, round):
    """The round's sessions with their confirmed registrations counted."""
    return (
        Webinar.objects.filter(round=round)
        .annotate(
            taken=Count(
                "registrations",
                filter=Q(registrations__status=WebinarRegistration.Status.CONFIRMED),
            )
        )
        .order_by("starts_at", "pk")
    )


def registration_list(*, webinar):
    """A session's registrations whose address was confirmed (those cancelled
    since included), with whether each went on to apply. An address never
    confirmed is nobody staff should see."""
    return (
        WebinarRegistration.objects.filter(webinar=webinar)
        .exclude(status=WebinarRegistration.Status.UNCONFIRMED)
        .annotate(applied=_applied(round_ref=webinar.round_id))
        .order_by("status", "confirmed_at", "pk")
    )


def _applied(*, round_ref):
    """Whether the registrant's address applied to the round: a member of the
    applying organization, or one of the application's contacts."""
    from applications.models import Application

    return Exists(
        Application.objects.filter(round_id=round_ref, status__in=APPLIED).filter(
            Q(organization__memberships__user__email__iexact=OuterRef("email"))
            | Q(contacts__email__iexact=OuterRef("email"))
        )
    )


def webinar_funnel(round_ids) -> dict[int, dict[str, int]]:
    """Per round: webinar registrants (confirmed, each address once) and those
    of them who applied. One query for all the rounds."""
    rows = (
        WebinarRegistration.objects.filter(
            webinar__round_id__in=list(round_ids),
            status=WebinarRegistration.Status.CONFIRMED,
        )
        .annotate(applied=_applied(round_ref=OuterRef("webinar__round_id")))
        .values_list("webinar__round_id", "email", "applied")
    )
    funnel: dict[int, dict[str, set]] = {}
    for round_id, email, applied in rows:
        counts = funnel.setdefault(round_id, {"registrants": set(), "applied": set()})
        counts["registrants"].add(email)
        if applied:
            counts["applied"].add(email)
    return {
        round_id: {name: len(emails) for name, emails in counts.items()}
        for round_id, counts in funnel.items()
    }


def round_timeline(*, round, webinars=None, milestones=None, now=None):
    """The round's timeline: its milestones, its opening and deadline (from the
    round itself), and its webinar sessions; past ones marked, the next flagged."""
    now = now or timezone.now()
    if milestones is None:
        milestones = Milestone.objects.filter(round=round)
    if webinars is None:
        webinars = Webinar.objects.filter(round=round)
    items = [
        rules.TimelineItem(key="opens", label="Applications open", when=round.opens_at),
        rules.TimelineItem(
            key="deadline", label="Application deadline", when=round.closes_at
        ),
    ]
    for m in milestones:
        items.append(
            rules.TimelineItem(
                key=f"milestone-{m.pk}",
                label=m.label,
                when=rules.milestone_when(m.on, m.at_time, round.zone),
                when_text=m.when_text,
            )
        )
    webinars_url = reverse("applications:round-webinars", args=[round.slug])
    for w in webinars:
        items.append(
            rules.TimelineItem(
                key=f"webinar-{w.pk}",
                label=w.title
                if "webinar" in w.title.lower()
                else f"Informational webinar: {w.title}",
                when=w.starts_at,
                url=f"{webinars_url}#webinar-{w.pk}",
                extra={
                    "ends_at": w.ends_at,
                    "recording_url": w.recording_url,
                    "slides_url": w.slides_url,
                },
            )
        )
    return rules.timeline(items, now=now, zone=round.zone)


def round_page(*, round, now=None) -> dict:
    """What the round's public page shows of its outreach: the timeline, the
    sessions, and how many questions are answered. Three queries."""
    now = now or timezone.now()
    webinars = list(webinar_list(round=round))
    for webinar in webinars:
        webinar.seats_left = rules.seats_left(webinar.capacity, webinar.taken)
    return {
        "timeline": round_timeline(round=round, webinars=webinars, now=now),
        "webinars_upcoming": [w for w in webinars if w.ends_at > now],
        "recordings": [w for w in webinars if w.ends_at <= now and w.recording_url],
        "faq_count": FaqEntry.objects.filter(
            round=round, published_at__isnull=False
        ).count(),
    }


STAFF_HOME_QUEUE = 20


def webinar_funnel_set(rounds) -> list:
    """``rounds`` as a list, each with ``webinar_registrants`` and
    ``webinar_applied`` set (one query for them all), for the staff home's
    funnel."""
    rounds = list(rounds)
    funnel = webinar_funnel([r.pk for r in rounds])
    for round_ in rounds:
        counts = funnel.get(round_.pk, {})
        round_.webinar_registrants = counts.get("registrants", 0)
        round_.webinar_applied = counts.get("applied", 0)
    return rounds


def questions_waiting_card(request) -> dict:
    """The staff home's card of the questions waiting for an answer, oldest
    first with their age. Two queries."""
    waiting = waiting_questions()
    return {
        "waiting_questions": list(waiting[:STAFF_HOME_QUEUE]),
        "waiting_count": waiting.count(),
        "now": timezone.now(),
    }
