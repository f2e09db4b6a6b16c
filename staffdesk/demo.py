"""The staff workspace's demo: review due dates (the open round's passed a few
days ago, so the home shows late reviewers) and the templates of the messages
the program office sends every year."""

from __future__ import annotations

import datetime as dt

from .models import MailingTemplate, ReviewSchedule

TEMPLATES = [
    (
        "Reviews are late",
        "Your reviews for the DASH Mentor Program were due {{ due_date }}",
        "Dear {{ first_name }},\n\n"
        "Your reviews were due on {{ due_date }}. Reviews still to send: "
        "{{ reviews_late }}. Could you finish them this week? Your queue is here:\n\n"
        "{{ link }}\n\n"
        "If something keeps you from reviewing, reply and we will reassign them.\n\n"
        "Thank you,\nThe DASH program office",
    ),
    (
        "Welcome to the mentorship year",
        "Welcome to your DASH mentorship, {{ first_name }}",
        "Dear {{ first_name }},\n\n"
        "Welcome to the DASH Mentor Program! {{ organization }} starts its "
        "mentorship year now. Your first step is the work plan: you find it on "
        "your page, {{ link }}\n\n"
        "The program office",
    ),
    (
        "The application deadline is near",
        "DASH Mentor Program: your application is due {{ due_date }}",
        "Dear {{ first_name }},\n\n"
        "The application of {{ organization }} is still a draft. Applications "
        "are due {{ due_date }}; submit yours from {{ link }}\n\n"
        "The program office",
    ),
]


def seed(ctx) -> None:
    today = ctx.today
    made = 0
    for key, due in (
        ("open", today - dt.timedelta(days=3)),
        ("historical", dt.date(ctx.dates.past_year + 1, 1, 15)),
        ("current", ctx.dates.current_closes + dt.timedelta(days=21)),
    ):
        round_ = ctx.rounds.get(key)
        if round_ is None:
            continue
        _schedule, created = ReviewSchedule.objects.get_or_create(
            round=round_, defaults={"reviews_due_on": due, "reminder_days": [7, 2]}
        )
        made += created
    templates = 0
    for name, subject, body in TEMPLATES:
        _template, created = MailingTemplate.objects.get_or_create(
            name=name,
            defaults={
                "subject": subject,
                "body": body,
                "created_by": ctx.users.get("staff"),
            },
        )
        templates += created
    ctx.log.append(
        f"Staff workspace: {made} review due dates, {templates} message templates."
    )
