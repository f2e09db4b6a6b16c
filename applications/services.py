"""Every write of the applicant side: sign-up confirmation, the organization
profile, the application's sections, submission, withdrawal, screening and the
staff override of a screening result.

Services are keyword-only, atomic, never take a request, and raise
``ValidationError`` with the module constants below, which the tests assert.
"""

from __future__ import annotations

import itertools
from functools import partial

from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dashmentor.languages import supported_language
from dashmentor.models import Membership, Organization, User
from dashmentor.roles import forget_roles
from dashmentor.rows import rows_sync
from dashmentor.services import audit_record
from dashmentor.status import status_move
from dashmentor.templatetags.dates import format_when_lazy
from notifications import links
from notifications.models import Kind
from notifications.services import message_enqueue

from . import rules
from .models import (
    Answer,
    Application,
    Contact,
    EligibilityResult,
    Partner,
    Preference,
    Question,
    Round,
)

DEADLINE_PASSED = _(
    "The deadline for this round has passed: applications can no longer be "
    "submitted or changed."
)
NOT_OPEN_YET = _("This round is not open for applications yet.")
NOT_EDITABLE = _(
    "This application has been submitted. Withdraw it first to make changes "
    "(you can submit it again before the deadline)."
)
INCOMPLETE = _("The application is not complete yet: {missing}.")
EMAIL_NOT_CONFIRMED = _(
    "Please confirm your e-mail address before you submit: open the link we sent "
    "you, or ask for a new one."
)
ALREADY_SUBMITTED = _("This application has already been submitted.")
CANNOT_WITHDRAW = _("Only a submitted application can be withdrawn.")
TRANSITION_REFUSED = _("An application cannot move from “{before}” to “{after}”.")
NO_ORGANIZATION = _(
    "Create your organization's profile before you start an application."
)
CONFIRMATION_INVALID = _(
    "This confirmation link is not valid. It may be mistyped or for another "
    "address; ask for a new one from your page."
)
CONFIRMATION_EXPIRED = _(
    "This confirmation link has expired. Sign in and ask for a new one."
)
JUSTIFICATION_REQUIRED = rules.JUSTIFICATION_REQUIRED
DUPLICATE_PREFERENCE = _("Each mentorship can be ranked only once.")
PREFERENCE_OTHER_ROUND = _("That mentorship is not part of this round.")
DUPLICATE_PARTNER = _(
    "“{name}” is listed twice. List each partner once and tick all of its sectors."
)

CONFIRMATION_SALT = "applications.email-confirmation"
CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 7  # a week


# --- e-mail confirmation ---


def email_confirmation_token(user: User, *, at=None) -> str:
    """A signed token naming the user and the address it confirms.

    ``at`` is when it counts as made (its week of validity starts then): the
    moment the confirmation e-mail was written, so every attempt to send that
    e-mail carries the same token.
    """
    payload = {"u": user.pk, "e": user.email}
    if at is None:
        return signing.dumps(payload, salt=CONFIRMATION_SALT)
    return links.dumps_at(payload, salt=CONFIRMATION_SALT, at=at)


CONFIRMATION_LINK = "email_confirmation"
CONFIRMATION_ACCOUNT_CHANGED = "the account is gone or has another address"


def email_confirmation_link(message) -> str:
    """The confirmation link of a message, made when it is sent (never stored).

    It confirms the address the message goes to, and only while that is
    still the account's address.
    """
    user = User.objects.filter(pk=message.link_object_id).first()
    if user is None or user.email.strip().lower() != message.to_email.lower():
        raise links.LinkUnavailable(
            links.LINK_GONE.format(reason=CONFIRMATION_ACCOUNT_CHANGED)
        )
    token = email_confirmation_token(user, at=message.created_at)
    return links.absolute(reverse("applications:email-confirm", args=[token]))


@transaction.atomic
def email_confirmation_send(*, user: User, now=None):
    """Queue the confirmation e-mail. Repeated asks within the same minute send
    one e-mail (the outbox key holds the minute); its link is made when it is
    sent."""
    now = now or timezone.now()
    return message_enqueue(
        kind=Kind.EMAIL_CONFIRMATION,
        to_email=user.email,
        subject=_("Confirm your e-mail address for the DASH Mentor Portal"),
        template="applications_email_confirmation",
        context={"name": user.get_short_name(), "days": 7},
        key=f"confirm:{user.pk}:{int(now.timestamp()) // 60}",
        recipient=user,
        link_kind=CONFIRMATION_LINK,
        link_object_id=user.pk,
    )


@transaction.atomic
def email_confirm(*, token: str) -> User:
    """Mark the address in ``token`` as confirmed; return its user."""
    try:
        data = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE
        )
    except signing.SignatureExpired:
        raise ValidationError(CONFIRMATION_EXPIRED)
    except signing.BadSignature:
        raise ValidationError(CONFIRMATION_INVALID)
    user = (
        User.objects.select_for_update()
        .filter(pk=data.get("u"), email__iexact=data.get("e", ""))
        .first()
    )
    if user is None:
        raise ValidationError(CONFIRMATION_INVALID)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
        audit_record(actor=user, action="user.email_confirmed", target=user)
    return user


SIGNUP_CHECK_INBOX = _(
    "Check your inbox: we sent a message to {email}. If you are new here, open "
    "the link in it to confirm your address, and sign in below with the password "
    "you chose."
)
# A second sign-up with an address this recent and never used is the same
# person pressing twice: the confirmation on its way says enough.
SIGNUP_REPEAT_QUIET_SECONDS = 10 * 60


@transaction.atomic
def applicant_signup(*, form, language: str = "") -> User | None:
    """Create the account from a valid sign-up form and send the confirmation.

    The account keeps ``language`` (the page's), so the confirmation and every
    later e-mail are in the language the person signed up in.

    An address that already has an account gets no second one: its owner is
    told by e-mail instead, and ``None`` is returned. The caller answers both
    the same way, so the form never tells whether an address is known; the
    password is hashed in both cases so that the answer takes as long.
    """
    email = form.cleaned_data["email"]
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = form.save(commit=False)
                user.language = supported_language(language) or ""
                user.save()
        except IntegrityError:  # a concurrent sign-up with the same address
            existing = User.objects.get(email__iexact=email)
        else:
            audit_record(actor=user, action="user.signed_up", target=user)
            email_confirmation_send(user=user)
            return user
    make_password(form.cleaned_data["password1"])
    signup_existing_notify(user=existing)
    return None


def signup_existing_notify(*, user: User, now=None):
    """Tell the owner of ``user``'s address that someone tried to sign up with
    it: at most one such e-mail an hour, none while the account's own
    confirmation is fresh. It links to the sign-in and password-reset pages;
    it grants nothing itself."""
    now = now or timezone.now()
    fresh = (now - user.date_joined).total_seconds() < SIGNUP_REPEAT_QUIET_SECONDS
    if fresh and user.last_login is None:
        return None
    return message_enqueue(
        kind=Kind.GENERAL,
        to_email=user.email,
        subject=_("Someone tried to create an account with your e-mail address"),
        template="applications_signup_existing",
        context={
            "name": user.get_short_name(),
            "login_path": reverse("login"),
            "reset_path": reverse("password_reset"),
        },
        key=f"signup-existing:{user.pk}:{int(now.timestamp()) // 3600}",
        recipient=user,
    )


# --- the organization ---

ORG_FIELDS = [
    "name",
    "org_type",
    "sector",
    "ein",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "country",
    "website",
]


def applicant_organization(user) -> Organization | None:
    """The applicant organization the user belongs to (the first, by name)."""
    if not user.is_authenticated:
        return None
    return (
        Organization.objects.filter(
            memberships__user=user, kind=Organization.Kind.APPLICANT
        )
        .order_by("name", "pk")
        .first()
    )


@transaction.atomic
def organization_save(
    *, user: User, data: dict, organization: Organization | None = None
) -> Organization:
    """Create the user's applicant organization, or update it."""
    if organization is None:
        organization = Organization(kind=Organization.Kind.APPLICANT)
        before = {}
    else:
        before = {f: getattr(organization, f) for f in ORG_FIELDS}
    for name in ORG_FIELDS:
        if name in data:
            setattr(organization, name, data[name])
    organization.full_clean()
    created = organization.pk is None
    if not created and all(getattr(organization, f) == before[f] for f in ORG_FIELDS):
        return organization  # saved back unchanged: nothing to write
    organization.save()
    if created:
        Membership.objects.create(
            user=user, organization=organization, role=Membership.Role.ADMIN
        )
        forget_roles(user)
    after = {f: getattr(organization, f) for f in ORG_FIELDS}
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        audit_record(
            actor=user,
            action="organization.created" if created else "organization.updated",
            target=organization,
            before={k: before.get(k) for k in changed} if before else {},
            after=changed,
        )
    return organization


# --- drafts ---


def _check_open(round_: Round, now=None) -> None:
    now = now or timezone.now()
    if now < round_.opens_at:
        raise ValidationError(NOT_OPEN_YET)
    if not round_.is_open(now):
        raise ValidationError(DEADLINE_PASSED)


def application_is_editable(application: Application, now=None) -> bool:
    return application.status in (
        Application.Status.DRAFT,
        Application.Status.WITHDRAWN,
    ) and application.round.is_open(now or timezone.now())


def application_not_editable_reason(application: Application) -> str:
    """What to tell the applicant whose application cannot be edited: a
    submitted one of an open round must be withdrawn first (``NOT_EDITABLE``);
    a draft's deadline has passed (``DEADLINE_PASSED``); nothing otherwise."""
    if application.status == Application.Status.SUBMITTED and (
        application.round.is_open()
    ):
        return NOT_EDITABLE
    if application.status in (
        Application.Status.DRAFT,
        Application.Status.WITHDRAWN,
    ):
        return DEADLINE_PASSED
    return ""


def _lock_editable(application: Application, now=None) -> Application:
    """Lock the row and check that the applicant may still change it."""
    locked = (
        Application.objects.select_for_update()
        .select_related("round", "organization")
        .get(pk=application.pk)
    )
    _check_open(locked.round, now)
    if locked.status not in (Application.Status.DRAFT, Application.Status.WITHDRAWN):
        raise ValidationError(NOT_EDITABLE)
    return locked


@transaction.atomic
def application_start(*, round: Round, by: User, now=None) -> Application:
    """Return the organization's application to the round, creating a draft."""
    organization = applicant_organization(by)
    if organization is None:
        raise ValidationError(NO_ORGANIZATION)
    existing = Application.objects.filter(round=round, organization=organization)
    application = existing.first()
    if application is not None:
        return application
    _check_open(round, now)
    application, created = Application.objects.get_or_create(
        round=round,
        organization=organization,
        defaults={"created_by": by, "state": organization.state},
    )
    if created:
        audit_record(actor=by, action="application.started", target=application)
        # Start the contacts with the person applying, which most people are.
        Contact.objects.create(
            application=application,
            kind=Contact.Kind.PRIMARY,
            name=by.full_name,
            title=by.title,
            email=by.email,
            phone=by.phone,
        )
    return application


@transaction.atomic
def application_organization_save(
    *, application: Application, by: User, data: dict, now=None
) -> Organization:
    """Update the organization profile from inside an editable application."""
    locked = _lock_editable(application, now)
    return organization_save(user=by, data=data, organization=locked.organization)


def _next_order(queryset) -> int:
    last = queryset.aggregate(m=Max("order"))["m"]
    return 0 if last is None else last + 1


@transaction.atomic
def application_contacts_save(
    *,
    application: Application,
    by: User,
    primary: dict | None,
    secondary: dict | None,
    team: list[dict],
    team_remove: list[int] = (),
    now=None,
) -> Application:
    """Save the primary and secondary contacts and the team members.

    A contact given as ``None`` is removed. Team members follow the rows rule
    of ``dashmentor.rows``: each dict with an ``id`` updates that member, one
    without adds a member, ``team_remove`` lists the members to remove, and
    members neither listed nor removed are kept. What is unchanged is not
    written.
    """
    locked = _lock_editable(application, now)
    changed = _contacts_save(locked, primary, secondary)
    members = locked.contacts.filter(kind=Contact.Kind.TEAM)
    order = itertools.count(_next_order(members))
    change = rows_sync(
        queryset=members,
        rows=team,
        remove=team_remove,
        fields=["name", "title", "email", "from_lead_organization"],
        new=lambda **values: Contact(
            application=locked, kind=Contact.Kind.TEAM, order=next(order), **values
        ),
    )
    if changed or change:
        _touch(locked)
    return locked


def _contacts_save(locked: Application, primary, secondary) -> bool:
    """Add, change or remove the primary and secondary contacts; say if any
    was written."""
    changed = False
    contacts = {
        c.kind: c
        for c in locked.contacts.filter(
            kind__in=[Contact.Kind.PRIMARY, Contact.Kind.SECONDARY]
        )
    }
    for kind, values in (
        (Contact.Kind.PRIMARY, primary),
        (Contact.Kind.SECONDARY, secondary),
    ):
        contact = contacts.get(kind)
        if values is None:
            if contact is not None:
                contact.delete()
                changed = True
            continue
        if contact is None:
            Contact.objects.create(application=locked, kind=kind, **values)
            changed = True
            continue
        fields = [
            name for name, value in values.items() if getattr(contact, name) != value
        ]
        if fields:
            for name in fields:
                setattr(contact, name, values[name])
            contact.save(update_fields=fields)
            changed = True
    return changed


@transaction.atomic
def application_collaboration_save(
    *,
    application: Application,
    by: User,
    name: str,
    status: str,
    description: str,
    partners: list[dict],
    partners_remove: list[int] = (),
    now=None,
) -> Application:
    """Save the collaboration and its partner organizations.

    Partners follow the rows rule of ``dashmentor.rows``: a dict with an
    ``id`` updates that partner (keeping its link to a known organization),
    one without adds a partner, ``partners_remove`` lists the partners to
    remove, and partners neither listed nor removed are kept. A partner named
    twice is refused. What is unchanged is not written.
    """
    locked = _lock_editable(application, now)
    _check_partner_names(locked, partners, partners_remove)
    values = {
        "collaboration_name": name,
        "collaboration_status": status,
        "collaboration_description": description,
    }
    fields = [f for f, value in values.items() if getattr(locked, f) != value]
    if fields:
        for f in fields:
            setattr(locked, f, values[f])
        locked.save(update_fields=[*fields, "updated_at"])
    order = itertools.count(_next_order(locked.partners.all()))
    change = rows_sync(
        queryset=locked.partners.all(),
        rows=[
            {
                "id": p.get("id"),
                "name": p["name"],
                "sectors": list(p["sectors"]),
                "role": p.get("role", ""),
            }
            for p in partners
        ],
        remove=partners_remove,
        fields=["name", "sectors", "role"],
        new=lambda **values: Partner(application=locked, order=next(order), **values),
    )
    if fields or change:
        _touch(locked)
    return locked


def _check_partner_names(locked: Application, partners, partners_remove) -> None:
    """Refuse a partner named twice among those kept and those given."""
    kept = {
        p.pk: p.name for p in locked.partners.all() if p.pk not in set(partners_remove)
    }
    for p in partners:
        kept.pop(p.get("id"), None)
    names = [*kept.values(), *(p["name"] for p in partners)]
    seen = set()
    for partner_name in names:
        key = " ".join(partner_name.lower().split())
        if key in seen:
            raise ValidationError(DUPLICATE_PARTNER.format(name=partner_name))
        seen.add(key)


@transaction.atomic
def application_fields_save(
    *, application: Application, by: User, data: dict, now=None
) -> Application:
    """Save plain fields of the application (the learning goal, All In)."""
    allowed = {"learning_goal", "all_in_profile"}
    locked = _lock_editable(application, now)
    for name in data:
        if name not in allowed:
            raise ValueError(f"{name} is not a field a section saves")
    changed = [name for name, value in data.items() if getattr(locked, name) != value]
    if changed:
        for name in changed:
            setattr(locked, name, data[name])
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def application_answers_save(
    *, application: Application, by: User, answers: dict[int, str], now=None
) -> Application:
    """Save the answers to the round's questions, keyed by question id.

    An answer left as it was is not written; an answer emptied is removed.
    """
    locked = _lock_editable(application, now)
    questions = {q.pk: q for q in Question.objects.filter(round=locked.round_id)}
    stored = {a.question_id: a for a in locked.answers.all()}
    changed = False
    for question_id, text in answers.items():
        question = questions.get(question_id)
        if question is None:
            continue
        if rules.count_words(text) > question.word_limit:
            raise ValidationError(
                _("The answer to “%(prompt)s” is over %(limit)s words.")
                % {"prompt": question.prompt[:60], "limit": question.word_limit}
            )
        answer = stored.get(question_id)
        if answer is None:
            if text:
                Answer.objects.create(application=locked, question=question, text=text)
                changed = True
        elif not text:
            answer.delete()
            changed = True
        elif answer.text != text:
            answer.text = text
            answer.save(update_fields=["text"])
            changed = True
    if changed:
        _touch(locked)
    return locked


@transaction.atomic
def application_preferences_save(
    *, application: Application, by: User, mentorship_ids: list[int], now=None
) -> Application:
    """Rank the mentorships: the first id is the first choice.

    A mentorship ranked again keeps its row (moved to its new rank); one no
    longer ranked is removed. The same ranking saved again writes nothing.
    """
    locked = _lock_editable(application, now)
    if len(set(mentorship_ids)) != len(mentorship_ids):
        raise ValidationError(DUPLICATE_PREFERENCE)
    valid = set(locked.round.mentorships.values_list("pk", flat=True))
    if not set(mentorship_ids) <= valid:
        raise ValidationError(PREFERENCE_OTHER_ROUND)
    stored = {p.mentorship_id: p for p in locked.preferences.all()}
    wanted = {m: rank for rank, m in enumerate(mentorship_ids, start=1)}
    if {m: p.rank for m, p in stored.items()} == wanted:
        return locked
    locked.preferences.exclude(mentorship_id__in=mentorship_ids).delete()
    moving = [p for m, p in stored.items() if m in wanted and p.rank != wanted[m]]
    # Ranks are unique per application: move the rows out of the way first.
    for p in moving:
        p.rank += 1000
    Preference.objects.bulk_update(moving, ["rank"])
    for p in moving:
        p.rank = wanted[p.mentorship_id]
    Preference.objects.bulk_update(moving, ["rank"])
    Preference.objects.bulk_create(
        Preference(application=locked, mentorship_id=m, rank=rank)
        for m, rank in wanted.items()
        if m not in stored
    )
    locked.first_preference_id = mentorship_ids[0] if mentorship_ids else None
    locked.save(update_fields=["first_preference", "updated_at"])
    return locked


def _touch(application: Application) -> None:
    """Mark the draft as changed now (bulk writes do not touch ``updated_at``)."""
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())


# --- completeness and screening ---


def draft_input(application: Application) -> rules.DraftInput:
    """Read everything the completeness rule needs, in a fixed number of queries."""
    org = application.applicant
    contacts = tuple(
        rules.ContactInput(
            kind=c.kind,
            name=c.name,
            title=c.title,
            email=c.email,
            phone=c.phone,
            from_lead_organization=c.from_lead_organization,
        )
        for c in application.contacts.all()
    )
    answers = {a.question_id: a.text for a in application.answers.all()}
    questions = tuple(
        rules.QuestionInput(
            key=q.key,
            prompt=q.prompt,
            required=q.required,
            word_limit=q.word_limit,
            answer=answers.get(q.pk, ""),
        )
        for q in application.round.questions.all()
    )
    return rules.DraftInput(
        org_name=org.name,
        org_type=org.org_type,
        org_sector=org.sector,
        org_state=org.state,
        org_country=org.country,
        contacts=contacts,
        collaboration_name=application.collaboration_name,
        collaboration_status=application.collaboration_status,
        partners=tuple((p.name, tuple(p.sectors)) for p in application.partners.all()),
        learning_goal=application.learning_goal,
        questions=questions,
        all_in_profile=application.all_in_profile,
        preferences=len(application.preferences.all()),
    )


def screening_input(application: Application) -> rules.ScreeningInput:
    """The screening reads what the application was submitted with."""
    org = application.submitted_organization or application.organization
    return rules.ScreeningInput(
        learning_goal=application.learning_goal,
        org_type=org.org_type,
        ein=org.ein,
        state=org.state,
        country=org.country,
        collaboration_status=application.collaboration_status,
        org_sector=org.sector,
        partner_sectors=tuple(tuple(p.sectors) for p in application.partners.all()),
    )


def _refresh_eligibility(application: Application, rows=None) -> str:
    """Recompute the denormalized overall eligibility from the stored rows."""
    if rows is None:
        rows = EligibilityResult.objects.filter(application=application)
    outcomes = [r.effective_outcome for r in rows]
    application.eligibility = rules.overall_eligibility(outcomes)
    Application.objects.filter(pk=application.pk).update(
        eligibility=application.eligibility
    )
    return application.eligibility


@transaction.atomic
def eligibility_screen(*, application: Application, now=None) -> list:
    """Screen the application against the five criteria and store each result.

    A staff override survives a new screening only when the computed outcome
    it overrode is unchanged; otherwise the new answers are screened afresh.
    """
    now = now or timezone.now()
    results = rules.screen(screening_input(application))
    existing = {
        r.criterion: r
        for r in EligibilityResult.objects.filter(application=application)
    }
    stored = []
    for result in results:
        row = existing.get(result.criterion)
        if row is None:
            row = EligibilityResult(application=application, criterion=result.criterion)
        elif row.override_outcome and row.outcome != result.outcome:
            row.override_outcome = ""
            row.override_justification = ""
            row.overridden_by = None
            row.overridden_at = None
        row.outcome = result.outcome
        row.reason_codes = result.reason_codes
        row.reason_text = ""
        row.computed_at = now
        row.save()
        stored.append(row)
    _refresh_eligibility(application, stored)
    return stored


@transaction.atomic
def eligibility_override(
    *, result: EligibilityResult, outcome: str, justification: str, by: User
) -> EligibilityResult:
    """Record staff's outcome for one screening result, with who and why.

    An empty ``outcome`` clears the override: the screening's own outcome counts
    again. Either way the overall eligibility is worked out again and the change
    is on the application's history. The staff page, the review file and the
    admin all come here.
    """
    justification = (justification or "").strip()
    error = rules.override_error(outcome, justification)
    if error:
        raise ValidationError({"justification": error})
    row = (
        EligibilityResult.objects.select_for_update()
        .select_related("application")
        .get(pk=result.pk)
    )
    if not outcome:
        return _eligibility_override_clear(row, by=by)
    before = {
        "outcome": row.effective_outcome,
        "override_outcome": row.override_outcome,
        "override_justification": row.override_justification,
    }
    row.override_outcome = outcome
    row.override_justification = justification
    row.overridden_by = by
    row.overridden_at = timezone.now()
    row.save()
    application = row.application
    _refresh_eligibility(application)
    audit_record(
        actor=by,
        action="eligibility.overridden",
        target=application,
        before=before,
        after={
            "criterion": row.criterion,
            "outcome": outcome,
            "eligibility": application.eligibility,
        },
        note=justification,
    )
    return row


def _eligibility_override_clear(row: EligibilityResult, *, by) -> EligibilityResult:
    if not row.override_outcome:
        return row  # nothing to clear: nothing changes, nothing is recorded
    application = row.application
    before = {
        "criterion": row.criterion,
        "outcome": row.effective_outcome,
        "override_outcome": row.override_outcome,
        "override_justification": row.override_justification,
        "eligibility": application.eligibility,
    }
    row.override_outcome = ""
    row.override_justification = ""
    row.overridden_by = None
    row.overridden_at = None
    row.save(
        update_fields=[
            "override_outcome",
            "override_justification",
            "overridden_by",
            "overridden_at",
        ]
    )
    _refresh_eligibility(application)
    audit_record(
        actor=by,
        action="eligibility.override_cleared",
        target=application,
        before=before,
        after={
            "criterion": row.criterion,
            "outcome": row.effective_outcome,
            "eligibility": application.eligibility,
        },
    )
    return row


# --- status ---


@transaction.atomic
def application_transition(
    *, application: Application, to: str, by: User | None, note: str = ""
) -> Application:
    """Move the application to ``to`` if the transition table allows it."""
    before = status_move(
        application, to, fields=["updated_at"], message=TRANSITION_REFUSED
    )
    audit_record(
        actor=by,
        action="application.status",
        target=application,
        before={"status": before},
        after={"status": to},
        note=note,
    )
    return application


def _missing_text(sections) -> str:
    items = [item for s in sections for item in s.missing]
    return "; ".join(items)


@transaction.atomic
def application_submit(*, application: Application, by: User, now=None) -> Application:
    """Submit the application: check the e-mail, the deadline and completeness,
    screen it, and send the confirmation.

    The row is locked first, so a double click submits once: the second request
    waits, then finds the application submitted and returns it unchanged.
    """
    now = now or timezone.now()
    locked = (
        Application.objects.select_for_update()
        .select_related("round", "organization")
        .get(pk=application.pk)
    )
    if locked.status == Application.Status.SUBMITTED:
        return locked
    _check_submittable(locked, by, now)

    resubmission = locked.status == Application.Status.WITHDRAWN
    if resubmission:
        locked.version += 1
    locked.sectors_index = _sectors_index(locked)
    # What the application is submitted with is fixed here: the organization's
    # profile is copied (``state`` with it), and staff pages, exports and the
    # screening read the copy; later edits of the profile apply to later
    # applications.
    snapshot = locked.organization_snapshot_take(now)
    first = locked.preferences.order_by("rank").first()
    locked.first_preference_id = first.mentorship_id if first else None
    locked.submitted_at = now
    locked.first_submitted_at = locked.first_submitted_at or now
    locked.save(
        update_fields=[
            "version",
            "sectors_index",
            *snapshot,
            "first_preference",
            "submitted_at",
            "first_submitted_at",
        ]
    )
    eligibility_screen(application=locked, now=now)
    application_transition(
        application=locked,
        to=Application.Status.SUBMITTED,
        by=by,
        note="resubmitted" if resubmission else "",
    )
    _send_submission_confirmation(locked, by)
    return locked


def _check_submittable(locked: Application, by: User, now) -> None:
    """Refuse a submission of an application past its draft, by an unconfirmed
    e-mail, outside the round's dates, or with parts missing."""
    if locked.status not in (Application.Status.DRAFT, Application.Status.WITHDRAWN):
        raise ValidationError(ALREADY_SUBMITTED)
    if not by.email_confirmed:
        raise ValidationError(EMAIL_NOT_CONFIRMED)
    _check_open(locked.round, now)
    sections = rules.completeness(draft_input(locked))
    if any(s.missing for s in sections):
        raise ValidationError(INCOMPLETE.format(missing=_missing_text(sections)))


def _sectors_index(locked: Application) -> str:
    """The partners' sectors in the call's order, as ",a,b," for searching."""
    partners = list(locked.partners.all())
    return (
        ","
        + ",".join(rules.other_sectors("", [tuple(p.sectors) for p in partners]))
        + ","
        if partners
        else ""
    )


def _when(moment, zone):
    """The moment in ``zone``, written in the language the e-mail is written in."""
    return format_when_lazy(timezone.localtime(moment, zone), "weekday_datetime_tz")


def _submitted_subject(round_) -> str:
    return gettext("We received your application to %(round)s") % {"round": round_.name}


def _send_submission_confirmation(application: Application, by: User) -> None:
    round_ = application.round
    recipients = {by.email.lower(): by}
    primary = application.contacts.filter(kind=Contact.Kind.PRIMARY).first()
    if primary and primary.email.lower() not in recipients:
        recipients[primary.email.lower()] = None
    for email, user in recipients.items():
        zone = user.zone if user else round_.zone
        message_enqueue(
            kind=Kind.SUBMISSION_CONFIRMATION,
            to_email=email,
            subject=partial(_submitted_subject, round_),
            template="applications_submitted",
            context={
                "organization": application.applicant.name,
                "round_name": round_.name,
                # Formatted here: the template's date filter would convert
                # back to the zone active where the e-mail is rendered.
                "submitted_at": _when(application.submitted_at, zone),
                "closes_at": _when(round_.closes_at, zone),
                "version": application.version,
                "path": reverse(
                    "applications:application-detail", args=[application.pk]
                ),
                "print_path": reverse(
                    "applications:application-print", args=[application.pk]
                ),
            },
            key=f"submitted:{application.pk}:{application.version}",
            recipient=user,
        )


@transaction.atomic
def application_withdraw(
    *, application: Application, by: User, now=None
) -> Application:
    """Withdraw a submitted application before the deadline, to edit it."""
    locked = (
        Application.objects.select_for_update()
        .select_related("round")
        .get(pk=application.pk)
    )
    if locked.status == Application.Status.WITHDRAWN:
        return locked
    if locked.status != Application.Status.SUBMITTED:
        raise ValidationError(CANNOT_WITHDRAW)
    _check_open(locked.round, now)
    return application_transition(
        application=locked, to=Application.Status.WITHDRAWN, by=by
    )
