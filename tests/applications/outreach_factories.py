"""Questions, webinars and milestones of a round, for the outreach tests."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.utils import timezone

from applications.outreach.models import (
    AskedQuestion,
    FaqEntry,
    Webinar,
    WebinarRegistration,
)


def waiting_question(round_, *, text="Can a county health department apply?", **f):
    fields = {
        "email": "asker@example.org",
        "name": "Ada Asker",
        "status": AskedQuestion.Status.WAITING,
        "confirmed_at": timezone.now() - dt.timedelta(hours=5),
        **f,
    }
    return AskedQuestion.objects.create(round=round_, text=text, **fields)


def published_entry(round_, *, question="Who can apply?", answer="Nonprofits.", **f):
    fields = {"published_at": timezone.now(), **f}
    return FaqEntry.objects.create(
        round=round_, question=question, answer=answer, **fields
    )


def webinar(round_, *, days=3, **f):
    fields = {
        "title": "Informational webinar",
        "starts_at": timezone.now() + dt.timedelta(days=days),
        "join_url": "https://meet.example.org/j/123",
        **f,
    }
    return Webinar.objects.create(round=round_, **fields)


def registration(webinar_, *, email="reg@example.org", confirmed=True, **f):
    return WebinarRegistration.objects.create(
        webinar=webinar_,
        name=f.pop("name", "Reggie Registrant"),
        email=email,
        status=(
            WebinarRegistration.Status.CONFIRMED
            if confirmed
            else WebinarRegistration.Status.UNCONFIRMED
        ),
        confirmed_at=timezone.now() if confirmed else None,
        **f,
    )


def link_in(message, pattern: str) -> str:
    """The path of the first link of a sent e-mail matching ``pattern``."""
    match = re.search(rf"https?://[^/\s]+({pattern}\S*)", message.body)
    assert match, f"no link like {pattern} in:\n{message.body}"
    return match.group(1)


def sent_to(address: str):
    return [m for m in mail.outbox if address in m.to]
