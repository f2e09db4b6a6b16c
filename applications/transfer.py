"""Export a round with everything staff own in it as JSON, and import it again.

The export holds the round, its questions, rubric and mentorships; every
application with its contacts, partners, answers, preferences, screening,
assignments, reviews, scores, decision and award; placement runs; the mentorship
year (cohort members, work plans and versions, goals, measures, progress, events,
attendance, action periods and logs, check-in notes, personnel changes); the
round's surveys with their questions, invitations and responses (anonymous
responses carry no person, so the export cannot join them either); its
timeline, questions and answers, webinars and registrations; the
organizations and people those rows name. Password hashes are not exported: an
imported person sets a password through "forgot your password".

Primary keys are kept, so an import goes into a database that does not hold
these rows yet (a new instance, or one restored from before the round).
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.db import models, transaction

FORMAT_VERSION = 1

# (model label, lookup from the model to the round) in an order that loads.
ROUND_SCOPED = [
    ("applications.Round", "pk"),
    ("applications.Question", "round"),
    ("applications.Criterion", "round"),
    ("cohorts.Mentorship", "round"),
    ("applications.Application", "round"),
    ("applications.Contact", "application__round"),
    ("applications.Partner", "application__round"),
    ("applications.Answer", "application__round"),
    ("applications.Preference", "application__round"),
    ("applications.EligibilityResult", "application__round"),
    ("applications.Conflict", "application__round"),
    ("applications.ReviewAssignment", "application__round"),
    ("applications.Review", "assignment__application__round"),
    ("applications.Score", "review__assignment__application__round"),
    ("applications.Decision", "application__round"),
    ("applications.Award", "application__round"),
    ("cohorts.PlacementRun", "round"),
    ("cohorts.PlacementEntry", "run__round"),
    ("cohorts.PlacementConstraint", "application__round"),
    ("cohorts.CohortMember", "award__application__round"),
    ("cohorts.WorkPlan", "award__application__round"),
    ("cohorts.WorkPlanVersion", "workplan__award__application__round"),
    ("cohorts.Goal", "workplan__award__application__round"),
    ("cohorts.Activity", "goal__workplan__award__application__round"),
    ("cohorts.SuccessGoal", "award__application__round"),
    ("cohorts.Measure", "success_goal__award__application__round"),
    ("cohorts.ProgressEntry", "measure__success_goal__award__application__round"),
    ("cohorts.Event", "mentorship__round"),
    ("cohorts.Attendance", "event__mentorship__round"),
    ("cohorts.ActionPeriod", "mentorship__round"),
    ("cohorts.ActionLog", "period__mentorship__round"),
    ("cohorts.CheckInNote", "award__application__round"),
    ("cohorts.PersonnelChange", "award__application__round"),
    ("surveys.Survey", "round"),
    ("surveys.Section", "survey__round"),
    ("surveys.Question", "section__survey__round"),
    ("surveys.Choice", "question__section__survey__round"),
    ("surveys.Invitation", "survey__round"),
    ("surveys.Release", "survey__round"),
    ("surveys.Response", "survey__round"),
    ("surveys.Answer", "response__survey__round"),
    ("surveys.ReportCache", "survey__round"),
    ("notifications.ReminderRule", "round"),
    ("applications.Milestone", "round"),
    ("applications.FaqEntry", "round"),
    ("applications.AskedQuestion", "round"),
    ("applications.Webinar", "round"),
    ("applications.WebinarRegistration", "webinar__round"),
]

USER_FIELDS = [
    "email",
    "full_name",
    "title",
    "phone",
    "time_zone",
    "is_active",
    "is_staff",
    "is_reviewer",
    "is_external_reviewer",
    "email_confirmed_at",
    "date_joined",
]

ROUND_IMPORT_EXISTS = "This database already holds a round with the slug “{slug}”."
ROUND_IMPORT_BAD_FORMAT = (
    "This file is not a round export of a version this portal reads."
)


def _querysets(round_):
    for label, lookup in ROUND_SCOPED:
        model = apps.get_model(label)
        filter_ = {lookup: round_.pk} if lookup == "pk" else {lookup: round_}
        yield model, model.objects.filter(**filter_).order_by("pk")


def _referenced(objs, target) -> set:
    """Primary keys of ``target`` rows that ``objs`` point at (FKs and M2Ms)."""
    found = set()
    for obj in objs:
        for field in obj._meta.concrete_fields:
            if field.is_relation and field.related_model is target:
                value = getattr(obj, field.attname)
                if value is not None:
                    found.add(value)
    return found


def round_export(*, round_) -> dict:
    """Return the round and everything staff own in it as a JSON-ready dict."""
    from dashmentor.models import Membership, Organization, User

    collected: list[tuple[type[models.Model], list]] = []
    all_objs = []
    for model, qs in _querysets(round_):
        objs = list(qs)
        collected.append((model, objs))
        all_objs.extend(objs)

    user_ids = _referenced(all_objs, User)
    for model, objs in collected:
        for field in model._meta.many_to_many:
            if field.related_model is User:
                through = field.remote_field.through
                source = field.m2m_field_name()
                target = field.m2m_reverse_field_name()
                user_ids.update(
                    through.objects.filter(
                        **{f"{source}__in": [o.pk for o in objs]}
                    ).values_list(f"{target}", flat=True)
                )
    org_ids = _referenced(all_objs, Organization)
    memberships = list(
        Membership.objects.filter(organization_id__in=org_ids).order_by("pk")
    )
    user_ids.update(m.user_id for m in memberships)

    users = [
        {"pk": u.pk, **{f: _plain(getattr(u, f)) for f in USER_FIELDS}}
        for u in User.objects.filter(pk__in=user_ids).order_by("pk")
    ]
    organizations = Organization.objects.filter(pk__in=org_ids).order_by("pk")
    data = OrderedDict(
        format="dashmentor-round",
        version=FORMAT_VERSION,
        round=round_.slug,
        users=users,
        records=json.loads(
            serializers.serialize("json", [*organizations, *memberships])
        ),
    )
    for _model, objs in collected:
        data["records"].extend(json.loads(serializers.serialize("json", objs)))
    _drop_outside_links(data["records"])
    return data


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


# Links that may point outside the round: (model, field) -> target model.
OUTSIDE_LINKS = {
    ("surveys.survey", "audience_group"): "affinity.group",
    ("surveys.survey", "copied_from"): "surveys.survey",
}


def _drop_outside_links(records: list[dict]) -> None:
    """Null links to rows the export does not carry (another round's survey...)."""
    present = {(r["model"], str(r["pk"])) for r in records}
    for record in records:
        for (model, field), target in OUTSIDE_LINKS.items():
            value = record["fields"].get(field) if record["model"] == model else None
            if value is not None and (target, str(value)) not in present:
                record["fields"][field] = None


# Fields renamed since exports of this format were first written:
# (model, old name) -> new name.
RENAMED_FIELDS = {
    ("applications.eligibilityresult", "reason"): "reason_text",
}


def _rename_fields(records: list[dict]) -> None:
    """Give the fields of an older export their present names."""
    for record in records:
        for (model, old), new in RENAMED_FIELDS.items():
            if record["model"] == model and old in record["fields"]:
                record["fields"][new] = record["fields"].pop(old)


def _remap_users(records: list[dict], user_map: dict[int, int]) -> None:
    """Point user links at this database's accounts (matched by e-mail)."""
    from dashmentor.models import User

    for record in records:
        model = apps.get_model(record["model"])
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if not field.is_relation or field.related_model is not User:
                continue
            value = record["fields"].get(field.name)
            if isinstance(value, list):
                record["fields"][field.name] = [user_map.get(v, v) for v in value]
            elif value is not None:
                record["fields"][field.name] = user_map.get(value, value)


@transaction.atomic
def round_import(*, data: dict) -> int:
    """Load an export into this database; return how many rows were written."""
    from dashmentor.models import User

    from .models import Round

    if (
        data.get("format") != "dashmentor-round"
        or data.get("version") != FORMAT_VERSION
    ):
        raise ValueError(ROUND_IMPORT_BAD_FORMAT)
    if Round.objects.filter(slug=data["round"]).exists():
        raise ValueError(ROUND_IMPORT_EXISTS.format(slug=data["round"]))
    written = 0
    unusable = make_password(None)
    user_map: dict[int, int] = {}
    for row in data["users"]:
        fields = {f: row[f] for f in USER_FIELDS}
        user = User.objects.filter(email__iexact=fields["email"]).first()
        if user is None:
            user = User.objects.create(password=unusable, **fields)
            written += 1
        user_map[row["pk"]] = user.pk
    records = copy.deepcopy(data["records"])
    _rename_fields(records)
    _remap_users(records, user_map)
    for obj in serializers.deserialize("json", json.dumps(records)):
        obj.save()
        written += 1
    return written
