"""Every write of the discussions: spaces, threads, posts, challenges, replies,
moderation and e-mail choices. Each is atomic; moderation is audited."""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affinity.models import Meeting
from affinity.rules import sanitize_notes
from cohorts.models import Event
from dashmentor.services import audit_record
from dashmentor.status import status_move
from notifications.models import Kind
from notifications.services import message_enqueue
from peers import rules as peer_rules

from . import permissions, rules
from .models import (
    DEFAULT_FREQUENCY,
    Challenge,
    ChallengeMail,
    Frequency,
    Post,
    Reply,
    Space,
    SpaceSetting,
    Thread,
)
from .permissions import Ref

SIGNIN_LINK = "discussions_signin"
# Discussion e-mails are the discussions' own choice (SpaceSetting,
# ChallengeMail), with an unsubscribe link in each: the outbox's kind for them
# is the general one.
MAIL_KIND = Kind.GENERAL


def _text(raw: str) -> tuple[str, str]:
    error = rules.text_error(raw)
    if error:
        raise ValidationError(error)
    body_html = sanitize_notes(raw)
    return body_html, rules.html_to_text(body_html)


def space_get(ref: Ref) -> Space | None:
    field = "mentorship_id" if ref.kind == Space.Kind.COHORT else "group_id"
    return Space.objects.filter(kind=ref.kind, **{field: ref.owner_id}).first()


def space_get_or_create(ref: Ref) -> Space:
    """The space's row, made at the first write to it (a GET never makes one)."""
    space = space_get(ref)
    if space is not None:
        return space
    permissions.owner_of(ref)  # 404 for an owner that does not exist
    field = "mentorship_id" if ref.kind == Space.Kind.COHORT else "group_id"
    try:
        with transaction.atomic():
            return Space.objects.create(kind=ref.kind, **{field: ref.owner_id})
    except IntegrityError:
        return space_get(ref)


def _check_writer(user, ref: Ref) -> None:
    if not (permissions.is_member(user, ref) or permissions.is_staff(user)):
        raise ValidationError(rules.NOT_A_MEMBER)


def _mentioned(ref: Ref, mentions) -> list:
    ids = {getattr(m, "pk", m) for m in mentions or ()}
    if not ids:
        return []
    return list(permissions.space_members(ref).filter(pk__in=ids))


@transaction.atomic
def thread_start(
    *,
    ref: Ref,
    title: str,
    body: str,
    by,
    form_token: str,
    mentions=(),
    meeting: Meeting | None = None,
    event: Event | None = None,
) -> Thread:
    """Open a thread with its first post; the same form posted twice opens one."""
    existing = Thread.objects.filter(form_token=form_token).first()
    if existing is not None:
        return existing
    _check_writer(by, ref)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("Give the thread a title."))
    space = space_get_or_create(ref)
    now = timezone.now()
    try:
        with transaction.atomic():
            thread = Thread.objects.create(
                space=space,
                title=title[: rules.TITLE_MAX_CHARS],
                author=by,
                created_at=now,
                last_post_at=now,
                meeting=meeting,
                event=event,
                form_token=form_token,
            )
    except IntegrityError:
        return Thread.objects.get(form_token=form_token)
    post_add(
        thread=thread, body=body, by=by, form_token=f"{form_token}:1", mentions=mentions
    )
    return thread


@transaction.atomic
def post_add(*, thread: Thread, body: str, by, form_token: str, mentions=()) -> Post:
    """Add a post; refused when the thread is locked, empty or too long."""
    existing = Post.objects.filter(form_token=form_token).first()
    if existing is not None:
        return existing
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("space")
        .get(pk=thread.pk)
    )
    ref = permissions.ref_of(thread.space)
    _check_writer(by, ref)
    if thread.is_locked:
        raise ValidationError(rules.THREAD_LOCKED)
    body_html, body_text = _text(body)
    now = timezone.now()
    post = Post.objects.create(
        thread=thread,
        author=by,
        body_html=body_html,
        body_text=body_text,
        created_at=now,
        form_token=form_token,
    )
    mentioned = [u for u in _mentioned(ref, mentions) if u.pk != by.pk]
    if mentioned:
        post.mentions.set(mentioned)
    Thread.objects.filter(pk=thread.pk).update(
        last_post_at=now, post_count=F("post_count") + 1
    )
    _post_mail(post=post, thread=thread, ref=ref, mentioned=mentioned)
    return post


def frequencies(space: Space | None, user_ids) -> dict[int, str]:
    """Each person's choice for ``space`` (the default where none was made)."""
    chosen = {}
    if space is not None:
        chosen = dict(
            SpaceSetting.objects.filter(
                space=space, user_id__in=list(user_ids)
            ).values_list("user_id", "frequency")
        )
    return {uid: chosen.get(uid, DEFAULT_FREQUENCY) for uid in user_ids}


def unsubscribe_token(user, what: str) -> str:
    """A signed token that turns off one kind of discussion e-mail for one
    person: ``what`` is a space's key (``cohort:3``) or ``challenges``."""
    from django.core import signing

    return signing.dumps({"u": user.pk, "w": what}, salt=UNSUBSCRIBE_SALT)


UNSUBSCRIBE_SALT = "discussions.unsubscribe"


def _post_mail(*, post: Post, thread: Thread, ref: Ref, mentioned: list) -> None:
    members = list(permissions.space_members(ref).exclude(pk=post.author_id))
    chosen = frequencies(thread.space, [m.pk for m in members])
    mentioned_ids = {u.pk for u in mentioned}
    author = post.author.get_full_name() if post.author else ""
    for member in members:
        frequency = chosen[member.pk]
        is_mention = member.pk in mentioned_ids
        if frequency == Frequency.NONE:
            continue
        if frequency != Frequency.EVERY and not is_mention:
            continue
        message_enqueue(
            kind=MAIL_KIND,
            to_email=member.email,
            recipient=member,
            subject=functools.partial(
                _post_subject, thread.title, thread.space.name, is_mention
            ),
            template="discussions_post",
            context={
                "thread": thread,
                "space_name": thread.space.name,
                "author": author,
                "excerpt": rules.excerpt(post.body_text, 600),
                "path": thread.get_absolute_url() + f"#post-{post.pk}",
                "mention": is_mention,
                "unsubscribe": _unsubscribe_url(member, ref.key),
            },
            key=f"discussions-post:{post.pk}",
            link_kind=SIGNIN_LINK,
            link_object_id=member.pk,
        )


def _post_subject(title: str, space_name: str, mention: bool) -> str:
    if mention:
        return gettext("You were mentioned in “%(title)s” (%(space)s)") % {
            "title": title,
            "space": space_name,
        }
    return gettext("New post in “%(title)s” (%(space)s)") % {
        "title": title,
        "space": space_name,
    }


def _unsubscribe_url(user, what: str) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL + reverse(
        "discussions:unsubscribe", args=[unsubscribe_token(user, what)]
    )


# --- Moderation -------------------------------------------------------------------


def _check_moderator(user, ref: Ref) -> None:
    if not permissions.can_moderate(user, ref):
        raise ValidationError(rules.NOT_A_MODERATOR)


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(rules.REASON_REQUIRED)
    return reason[: rules.REASON_MAX_CHARS]


@transaction.atomic
def post_hide(*, post: Post, by, reason: str) -> Post:
    """Hide a post: kept, with the reason its author reads, and audited."""
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__space")
        .get(pk=post.pk)
    )
    _check_moderator(by, permissions.ref_of(post.thread.space))
    reason = _reason(reason)
    if post.is_hidden:
        raise ValidationError(rules.ALREADY_HIDDEN)
    post.hidden_at = timezone.now()
    post.hidden_by = by
    post.hidden_reason = reason
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    audit_record(
        actor=by,
        action="discussions.post_hidden",
        target=post,
        after={"reason": reason, "thread": post.thread_id},
    )
    return post


@transaction.atomic
def thread_lock(*, thread: Thread, by, locked: bool = True) -> Thread:
    """Lock a thread (no new posts) or open it again; audited."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("space")
        .get(pk=thread.pk)
    )
    _check_moderator(by, permissions.ref_of(thread.space))
    if thread.is_locked == locked:
        return thread
    thread.locked_at = timezone.now() if locked else None
    thread.locked_by = by if locked else None
    thread.save(update_fields=["locked_at", "locked_by"])
    audit_record(
        actor=by,
        action="discussions.thread_locked" if locked else "discussions.thread_opened",
        target=thread,
    )
    return thread


@transaction.atomic
def meeting_thread(
    *,
    ref: Ref,
    by,
    form_token: str,
    meeting: Meeting | None = None,
    event: Event | None = None,
) -> Thread:
    """The thread a meeting's notes link to, opened by a moderator."""
    _check_moderator(by, ref)
    found = (
        Thread.objects.filter(meeting=meeting, event=event).first()
        if (meeting or event)
        else None
    )
    if found is not None:
        return found
    held = meeting or event
    return thread_start(
        ref=ref,
        title=held.title,
        body=gettext("Questions and follow-ups from “%(title)s”.")
        % {"title": held.title},
        by=by,
        form_token=form_token,
        meeting=meeting,
        event=event,
    )


# --- Challenges -------------------------------------------------------------------


def challenge_audiences(user) -> list[tuple[str, str, Ref | None]]:
    """(value, label, space) of each audience ``user`` may post to."""
    from affinity.models import Group
    from cohorts.models import Mentorship

    cohorts, _lc, groups, _lg = permissions.memberships(user)
    choices: list[tuple[str, str, Ref | None]] = []
    for m in Mentorship.objects.filter(pk__in=cohorts).order_by("topic"):
        choices.append(
            (
                f"cohort:{m.pk}",
                gettext("My cohort: %(name)s") % {"name": m.topic},
                Ref(Space.Kind.COHORT, m.pk),
            )
        )
    for g in Group.objects.filter(pk__in=groups).order_by("topic"):
        choices.append(
            (
                f"group:{g.pk}",
                gettext("My affinity group: %(name)s") % {"name": g.topic},
                Ref(Space.Kind.GROUP, g.pk),
            )
        )
    choices.append(("program", str(Challenge.Audience.PROGRAM.label), None))
    return choices


def _search_document(challenge: Challenge, topics) -> str:
    labels = dict(peer_rules.DataSystem.choices)
    parts = [
        challenge.title,
        challenge.context,
        challenge.tried,
        challenge.would_help,
        challenge.decision,
        " ".join(t.name for t in topics),
        " ".join(str(labels.get(c, c)) for c in challenge.data_systems),
    ]
    return "\n".join(p for p in parts if p)


@transaction.atomic
def challenge_post(
    *,
    by,
    title: str,
    context: str,
    tried: str = "",
    would_help: str = "",
    topics=(),
    data_systems=(),
    audience: str,
    form_token: str,
) -> Challenge:
    """Post a challenge to a cohort, a group or the program; once per form."""
    existing = Challenge.objects.filter(form_token=form_token).first()
    if existing is not None:
        return existing
    if not permissions.can_post_challenge(by):
        raise ValidationError(rules.NOT_A_MEMBER)
    allowed = {value: ref for value, _label, ref in challenge_audiences(by)}
    if audience not in allowed:
        raise ValidationError(rules.NO_SPACE_FOR_AUDIENCE)
    ref = allowed[audience]
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("Give the challenge a title."))
    error = rules.text_error(context)
    if error:
        raise ValidationError({"context": error})
    for name, value in (("tried", tried), ("would_help", would_help)):
        if len(value or "") > rules.BODY_MAX_CHARS:
            raise ValidationError({name: rules.text_error(value)})
    from peers.permissions import organization_ids_of

    org_ids = sorted(organization_ids_of(by))
    known_systems = set(peer_rules.DataSystem.values)
    challenge = Challenge(
        author=by,
        organization_id=org_ids[0] if org_ids else None,
        title=title[: rules.TITLE_MAX_CHARS],
        context=context.strip(),
        tried=(tried or "").strip(),
        would_help=(would_help or "").strip(),
        data_systems=[c for c in data_systems if c in known_systems],
        audience=Challenge.Audience.PROGRAM if ref is None else ref.kind,
        space=space_get_or_create(ref) if ref else None,
        form_token=form_token,
    )
    topics = list(topics)
    challenge.search_document = _search_document(challenge, topics)
    try:
        with transaction.atomic():
            challenge.save()
    except IntegrityError:
        return Challenge.objects.get(form_token=form_token)
    challenge.topics.set(topics)
    audit_record(actor=by, action="discussions.challenge_posted", target=challenge)
    return challenge


@transaction.atomic
def challenge_reply(*, challenge: Challenge, by, body: str, form_token: str) -> Reply:
    """A peer's answer from experience; once per form, never to a closed one."""
    existing = Reply.objects.filter(form_token=form_token).first()
    if existing is not None:
        return existing
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status == Challenge.Status.CLOSED:
        raise ValidationError(rules.CHALLENGE_CLOSED)
    body_html, body_text = _text(body)
    reply = Reply.objects.create(
        challenge=challenge,
        author=by,
        body_html=body_html,
        body_text=body_text,
        form_token=form_token,
    )
    Challenge.objects.filter(pk=challenge.pk).update(
        reply_count=F("reply_count") + 1, updated_at=timezone.now()
    )
    return reply


@transaction.atomic
def reply_mark_helpful(*, reply: Reply, by, helpful: bool = True) -> Reply:
    """The author marks a reply that helped (or takes the mark back)."""
    reply = (
        Reply.objects.select_for_update(of=("self",))
        .select_related("challenge")
        .get(pk=reply.pk)
    )
    if reply.challenge.author_id != by.pk:
        raise ValidationError(rules.NOT_THE_AUTHOR)
    if reply.author_id == by.pk:
        raise ValidationError(rules.HELPFUL_OWN_REPLY)
    if reply.helpful == helpful:
        return reply
    reply.helpful_at = timezone.now() if helpful else None
    reply.save(update_fields=["helpful_at"])
    return reply


@transaction.atomic
def challenge_close(*, challenge: Challenge, by, decision: str) -> Challenge:
    """Close a challenge with what it decided (the author, or a moderator)."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.author_id != by.pk:
        raise ValidationError(rules.NOT_THE_AUTHOR)
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": rules.DECISION_REQUIRED})
    if len(decision) > rules.BODY_MAX_CHARS:
        raise ValidationError({"decision": rules.text_error(decision)})
    challenge.decision = decision
    challenge.closed_at = timezone.now()
    challenge.closed_by = by
    challenge.updated_at = challenge.closed_at
    challenge.search_document = _search_document(challenge, challenge.topics.all())
    status_move(
        challenge,
        Challenge.Status.CLOSED,
        fields=["decision", "closed_at", "closed_by", "updated_at", "search_document"],
    )
    audit_record(
        actor=by,
        action="discussions.challenge_closed",
        target=challenge,
        after={"decision": decision},
    )
    return challenge


@transaction.atomic
def challenge_bring(
    *,
    challenge: Challenge,
    by,
    meeting: Meeting | None = None,
    event: Event | None = None,
) -> Challenge:
    """Put the challenge on an upcoming meeting's agenda (or take it off)."""
    challenge = (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("space")
        .get(pk=challenge.pk)
    )
    if challenge.author_id != by.pk and not permissions.can_moderate_challenge(
        by, challenge
    ):
        raise ValidationError(rules.NOT_THE_AUTHOR)
    space = challenge.space
    if meeting is not None and (space is None or meeting.group_id != space.group_id):
        raise ValidationError(rules.MEETING_NOT_OF_SPACE)
    if event is not None and (
        space is None or event.mentorship_id != space.mentorship_id
    ):
        raise ValidationError(rules.MEETING_NOT_OF_SPACE)
    challenge.meeting = meeting
    challenge.event = event
    challenge.save(update_fields=["meeting", "event"])
    return challenge


@transaction.atomic
def reply_hide(*, reply: Reply, by, reason: str) -> Reply:
    reply = (
        Reply.objects.select_for_update(of=("self",))
        .select_related("challenge__space")
        .get(pk=reply.pk)
    )
    if not permissions.can_moderate_challenge(by, reply.challenge):
        raise ValidationError(rules.NOT_A_MODERATOR)
    reason = _reason(reason)
    if reply.is_hidden:
        raise ValidationError(rules.ALREADY_HIDDEN)
    reply.hidden_at = timezone.now()
    reply.hidden_by = by
    reply.hidden_reason = reason
    reply.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    Challenge.objects.filter(pk=reply.challenge_id).update(
        reply_count=F("reply_count") - 1
    )
    audit_record(
        actor=by,
        action="discussions.reply_hidden",
        target=reply,
        after={"reason": reason, "challenge": reply.challenge_id},
    )
    return reply


# --- E-mail choices ------------------------------------------------------------------


@transaction.atomic
def setting_update(*, user, ref: Ref, frequency: str) -> SpaceSetting:
    if frequency not in Frequency.values:
        raise ValidationError(_("Choose how often to hear of this space."))
    if not permissions.is_member(user, ref):
        raise ValidationError(rules.NOT_A_MEMBER)
    space = space_get_or_create(ref)
    setting, _created = SpaceSetting.objects.update_or_create(
        user=user,
        space=space,
        defaults={"frequency": frequency, "updated_at": timezone.now()},
    )
    return setting


@transaction.atomic
def challenge_mail_set(*, user, weekly: bool) -> ChallengeMail:
    row, _created = ChallengeMail.objects.update_or_create(
        user=user, defaults={"weekly": weekly, "updated_at": timezone.now()}
    )
    return row


def challenge_mail_wanted(user, row: ChallengeMail | None) -> bool:
    """On for participants, off for staff, unless the person chose."""
    if row is not None:
        return row.weekly
    return not user.is_staff
