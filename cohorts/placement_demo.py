"""Demo data for placement: the open round is left for staff to place in one click.

The review demo records the accept and waitlist decisions; this seed only adds
one exclusion, an organizational conflict, so the demo shows the engine
honouring it, and logs where staff place the round. It creates nothing when
there is no accepted applicant yet, and nothing twice.
"""

from __future__ import annotations

from django.urls import reverse

from applications.models import Application, Award, Decision

from .models import PlacementConstraint, PlacementRun

CONFLICT_NOTE = (
    "Organizational conflict: the applicant's board chair also sits on the mentor "
    "organization's board."
)


def seed(ctx) -> None:
    round_ = ctx.rounds.get("open")
    if round_ is None:
        return
    accepted = list(
        Application.objects.filter(
            round=round_, decision__outcome=Decision.Outcome.ACCEPT
        )
        .select_related("organization")
        .prefetch_related("preferences__mentorship__mentor_organization")
        .order_by("id")
    )
    if not accepted:
        ctx.log.append(
            "Placement demo: no accepted applicant in the open round yet; record "
            "decisions in the review, then place them."
        )
        return
    has_rules = PlacementConstraint.objects.filter(mentorship__round=round_).exists()
    committed = PlacementRun.objects.filter(
        round=round_, status=PlacementRun.Status.COMMITTED
    ).exists()
    if not has_rules and not committed:
        for application in accepted:
            prefs = sorted(application.preferences.all(), key=lambda p: p.rank)
            if len(prefs) >= 2:
                PlacementConstraint.objects.get_or_create(
                    application=application,
                    mentorship=prefs[-1].mentorship,
                    defaults={
                        "kind": PlacementConstraint.Kind.FORBID,
                        "note": CONFLICT_NOTE,
                        "created_by": ctx.users.get("staff"),
                    },
                )
                break
    awarded = Award.objects.filter(application__round=round_).count()
    ctx.log.append(
        f"Placement demo: {len(accepted)} accepted applicant(s) of {round_.name}, "
        f"{awarded} award(s); staff place them at "
        f"{reverse('cohorts:placement-round', args=[round_.pk])}"
    )
