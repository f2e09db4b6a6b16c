"""Pages of the challenges (``/peers/challenges/``) and the cohorts' and
groups' discussions (``/discussions/``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from affinity.models import Meeting
from cohorts.models import Event
from dashmentor.redirects import safe_next
from dashmentor.views_support import error_text, form_add_errors, posted
from peers.rules import DataSystem

from . import digests, permissions, selectors, services
from .forms import (
    BringForm,
    ChallengeForm,
    CloseForm,
    EmailSettingsForm,
    HideForm,
    PostForm,
    ReplyForm,
    SearchForm,
    ThreadForm,
)
from .models import Challenge, ChallengeMail, Post, Reply, Space, Thread
from .permissions import Ref

PAGE_SIZE = 25
POSTS_PAGE_SIZE = 50


def _participant_required(request) -> None:
    if not permissions.can_post_challenge(request.user):
        raise PermissionDenied(_("Challenges are for the program's participants."))


def _page(request, qs, size=PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


# --- Challenges -------------------------------------------------------------------


@login_required
def challenge_list(request):
    """The challenges the viewer may read, open first, with search."""
    _participant_required(request)
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    status = request.GET.get("status", "open")
    mine = request.GET.get("mine") == "1"
    qs = selectors.challenge_list(
        user=request.user, status=status, mine=mine, text=text
    )
    return render(
        request,
        "discussions/challenge_list.html",
        {
            "form": form,
            "page": _page(request, qs),
            "status": status,
            "mine": mine,
            "statuses": Challenge.Status.choices,
            "query": text,
        },
    )


@login_required
def challenge_create(request):
    _participant_required(request)
    audiences = services.challenge_audiences(request.user)
    form = ChallengeForm(posted(request), audiences=audiences)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            challenge = services.challenge_post(
                by=request.user,
                title=data["title"],
                context=data["context"],
                tried=data["tried"],
                would_help=data["would_help"],
                topics=data["topics"],
                data_systems=data["data_systems"],
                audience=data["audience"],
                form_token=data["form_token"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Your challenge is posted."))
            return redirect(challenge)
    return render(request, "discussions/challenge_form.html", {"form": form})


def _upcoming_meetings(challenge: Challenge) -> list[tuple[str, str]]:
    space = challenge.space
    now = timezone.now()
    if space is None:
        return []
    if space.kind == Space.Kind.GROUP:
        return [
            (f"m{m.pk}", f"{m.title} ({timezone.localtime(m.starts_at):%Y-%m-%d})")
            for m in Meeting.objects.filter(
                group_id=space.group_id, starts_at__gte=now
            ).order_by("starts_at")[:10]
        ]
    return [
        (f"e{e.pk}", f"{e.title} ({timezone.localtime(e.starts_at):%Y-%m-%d})")
        for e in Event.objects.filter(
            mentorship_id=space.mentorship_id, starts_at__gte=now, award__isnull=True
        ).order_by("starts_at")[:10]
    ]


@login_required
def challenge_detail(request, pk):
    challenge = permissions.get_challenge_for_reader(request.user, pk)
    moderator = permissions.can_moderate_challenge(request.user, challenge)
    is_author = challenge.author_id == request.user.pk
    replies = list(
        selectors.replies_for(
            challenge=challenge, user=request.user, moderator=moderator
        )
    )
    return render(
        request,
        "discussions/challenge_detail.html",
        {
            "challenge": challenge,
            "topics": list(challenge.topics.all()),
            "systems": [
                label
                for code, label in DataSystem.choices
                if code in (challenge.data_systems or [])
            ],
            "replies": replies,
            "is_author": is_author,
            "moderator": moderator,
            "reply_form": ReplyForm(),
            "close_form": CloseForm(),
            "hide_form": HideForm(),
            "bring_form": BringForm(
                meetings=_upcoming_meetings(challenge),
                initial={
                    "meeting": f"m{challenge.meeting_id}"
                    if challenge.meeting_id
                    else (f"e{challenge.event_id}" if challenge.event_id else "")
                },
            )
            if (is_author or moderator) and challenge.space_id
            else None,
        },
    )


@login_required
def challenge_reply(request, pk):
    challenge = permissions.get_challenge_for_reader(request.user, pk)
    if request.method != "POST":
        return redirect(challenge)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.challenge_reply(
                challenge=challenge,
                by=request.user,
                body=form.cleaned_data["body"],
                form_token=form.cleaned_data["form_token"],
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Your reply is posted."))
            return redirect(challenge.get_absolute_url() + "#replies")
    else:
        messages.error(
            request, " ".join(e for errs in form.errors.values() for e in errs)
        )
    return redirect(challenge.get_absolute_url() + "#reply")


@login_required
@require_POST
def challenge_close(request, pk):
    challenge = permissions.get_challenge_for_reader(request.user, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the challenge decided before closing it."))
        return redirect(challenge)
    try:
        services.challenge_close(
            challenge=challenge, by=request.user, decision=form.cleaned_data["decision"]
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The challenge is closed with its decision."))
    return redirect(challenge)


@login_required
@require_POST
def challenge_bring(request, pk):
    challenge = permissions.get_challenge_for_reader(request.user, pk)
    choice = request.POST.get("meeting", "")
    meeting = event = None
    try:
        if choice.startswith("m"):
            meeting = get_object_or_404(Meeting, pk=int(choice[1:]))
        elif choice.startswith("e"):
            event = get_object_or_404(Event, pk=int(choice[1:]))
        services.challenge_bring(
            challenge=challenge, by=request.user, meeting=meeting, event=event
        )
    except (ValueError, ValidationError) as exc:
        messages.error(
            request,
            error_text(exc)
            if isinstance(exc, ValidationError)
            else _("Choose a meeting."),
        )
    else:
        if meeting or event:
            messages.success(request, _("The challenge is on the meeting's agenda."))
        else:
            messages.success(request, _("The challenge is off the agenda."))
    return redirect(challenge)


def _reply_of_reader(user, pk) -> Reply:
    reply = get_object_or_404(Reply.objects.select_related("challenge"), pk=pk)
    permissions.get_challenge_for_reader(user, reply.challenge_id)
    return reply


@login_required
@require_POST
def reply_helpful(request, pk):
    reply = _reply_of_reader(request.user, pk)
    try:
        services.reply_mark_helpful(
            reply=reply, by=request.user, helpful=request.POST.get("helpful") != "0"
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(reply.challenge.get_absolute_url() + f"#reply-{reply.pk}")


@login_required
@require_POST
def reply_hide(request, pk):
    reply = _reply_of_reader(request.user, pk)
    _hide(
        request,
        lambda reason: services.reply_hide(reply=reply, by=request.user, reason=reason),
        _("The reply is hidden; its author sees why."),
    )
    return redirect(reply.challenge)


def _hide(request, hide, done: str) -> None:
    """Hide a reply or a post with the form's reason (``hide(reason)``),
    telling the moderator what came of it."""
    form = HideForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(services.rules.REASON_REQUIRED)
        hide(form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, done)


# --- Spaces and threads ------------------------------------------------------------


@login_required
def space_list(request):
    """The viewer's cohort and group spaces (staff: every space)."""
    if permissions.is_staff(request.user):
        return render(
            request,
            "discussions/space_list.html",
            {"staff_spaces": selectors.staff_spaces(), "cards": []},
        )
    cards = selectors.space_cards(request.user)
    if not cards:
        raise PermissionDenied(_("You are in no cohort or affinity group yet."))
    return render(request, "discussions/space_list.html", {"cards": cards})


def _space_context(request, ref: Ref) -> dict:
    owner = permissions.owner_of(ref)
    space = services.space_get(ref)
    return {
        "ref": ref,
        "owner": owner,
        "space": space,
        "space_name": owner.topic,
        "space_url": ref_url(ref),
        "moderator": permissions.can_moderate(request.user, ref),
        "member": permissions.is_member(request.user, ref),
    }


def ref_url(ref: Ref) -> str:
    from django.urls import reverse

    return reverse("discussions:space", args=[ref.kind, ref.owner_id])


@login_required
def space_detail(request, kind, owner):
    ref = permissions.get_ref_for_reader(request.user, kind, owner)
    context = _space_context(request, ref)
    threads = selectors.thread_list(space=context["space"])
    context["page"] = _page(request, threads)
    context["thread_form"] = ThreadForm(
        members=permissions.space_members(ref).exclude(pk=request.user.pk)
    )
    if context["moderator"]:
        context["activity"] = selectors.activity(ref)
    return render(request, "discussions/space_detail.html", context)


@login_required
def thread_create(request, kind, owner):
    ref = permissions.get_ref_for_reader(request.user, kind, owner)
    context = _space_context(request, ref)
    members = permissions.space_members(ref).exclude(pk=request.user.pk)
    form = ThreadForm(posted(request), members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = services.thread_start(
                ref=ref,
                title=data["title"],
                body=data["body"],
                by=request.user,
                form_token=data["form_token"],
                mentions=data["mentions"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Your thread is open."))
            return redirect(thread)
    context["form"] = form
    return render(request, "discussions/thread_form.html", context)


@login_required
@require_POST
def meeting_thread(request, kind, owner, meeting):
    ref = permissions.get_ref_for_reader(request.user, kind, owner)
    if ref.kind == Space.Kind.GROUP:
        held = get_object_or_404(Meeting, pk=meeting, group_id=ref.owner_id)
        args = {"meeting": held}
    else:
        held = get_object_or_404(Event, pk=meeting, mentorship_id=ref.owner_id)
        args = {"event": held}
    try:
        thread = services.meeting_thread(
            ref=ref,
            by=request.user,
            form_token=f"meeting:{ref.kind}:{held.pk}",
            **args,
        )
    except ValidationError as exc:
        raise PermissionDenied(error_text(exc))
    return redirect(thread)


def _thread_for_reader(user, pk) -> Thread:
    """A thread of a space the viewer reads: any other id answers 404."""
    thread = (
        Thread.objects.filter(permissions.readable_spaces_q(user, prefix="space__"))
        .select_related(
            "space__mentorship",
            "space__group",
            "author",
            "locked_by",
            "meeting",
            "event",
        )
        .filter(pk=pk)
        .first()
    )
    if thread is None:
        raise Http404("No such thread.")
    return thread


@login_required
def thread_detail(request, pk):
    thread = _thread_for_reader(request.user, pk)
    ref = permissions.ref_of(thread.space)
    context = _space_context(request, ref)
    posts = selectors.posts_for(
        thread=thread, user=request.user, moderator=context["moderator"]
    )
    context.update(
        {
            "thread": thread,
            "page": _page(request, posts, POSTS_PAGE_SIZE),
            "post_form": PostForm(
                members=permissions.space_members(ref).exclude(pk=request.user.pk)
            ),
            "hide_form": HideForm(),
            "can_post": (context["member"] or context["moderator"])
            and not thread.is_locked,
        }
    )
    return render(request, "discussions/thread_detail.html", context)


@login_required
def post_create(request, pk):
    thread = _thread_for_reader(request.user, pk)
    if request.method != "POST":
        return redirect(thread)
    ref = permissions.ref_of(thread.space)
    form = PostForm(request.POST, members=permissions.space_members(ref))
    if form.is_valid():
        try:
            post = services.post_add(
                thread=thread,
                body=form.cleaned_data["body"],
                by=request.user,
                form_token=form.cleaned_data["form_token"],
                mentions=form.cleaned_data["mentions"],
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            last = (thread.post_count // POSTS_PAGE_SIZE) + 1
            return redirect(f"{thread.get_absolute_url()}?page={last}#post-{post.pk}")
    else:
        messages.error(
            request, " ".join(e for errs in form.errors.values() for e in errs)
        )
    return redirect(thread.get_absolute_url() + "#reply")


@login_required
@require_POST
def thread_lock(request, pk):
    thread = _thread_for_reader(request.user, pk)
    try:
        services.thread_lock(
            thread=thread, by=request.user, locked=request.POST.get("locked") != "0"
        )
    except ValidationError as exc:
        raise PermissionDenied(error_text(exc))
    return redirect(thread)


@login_required
@require_POST
def post_hide(request, pk):
    post = get_object_or_404(Post.objects.select_related("thread"), pk=pk)
    _thread_for_reader(request.user, post.thread_id)
    _hide(
        request,
        lambda reason: services.post_hide(post=post, by=request.user, reason=reason),
        _("The post is hidden; its author sees why."),
    )
    return redirect(post.thread)


# --- Search, activity, e-mail --------------------------------------------------------


@login_required
def search(request):
    _participant_required(request)
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    challenges = (
        selectors.challenge_list(user=request.user, text=text).filter(
            hidden_at__isnull=True
        )[:20]
        if text
        else []
    )
    threads = selectors.thread_search(user=request.user, text=text)[:20] if text else []
    return render(
        request,
        "discussions/search.html",
        {"form": form, "query": text, "challenges": challenges, "threads": threads},
    )


@login_required
def activity(request):
    rows = selectors.activity_for(request.user)
    if not rows and not permissions.is_staff(request.user):
        raise PermissionDenied(
            _("For the cohorts' mentors, groups' leaders and staff.")
        )
    return render(request, "discussions/activity.html", {"rows": rows})


@login_required
def email_settings(request):
    spaces = [
        {
            "key": f"{c['ref'].kind}_{c['ref'].owner_id}",
            "ref": c["ref"],
            "name": f"{c['kind']}: {c['name']}",
        }
        for c in selectors.space_cards(request.user)
    ]
    chosen = {}
    for item in spaces:
        space = services.space_get(item["ref"])
        chosen[item["key"]] = services.frequencies(space, [request.user.pk])[
            request.user.pk
        ]
        item["frequency"] = chosen[item["key"]]
    row = ChallengeMail.objects.filter(user=request.user).first()
    initial = {"challenges_weekly": services.challenge_mail_wanted(request.user, row)}
    initial.update({f"space_{k}": v for k, v in chosen.items()})
    form = EmailSettingsForm(posted(request), spaces=spaces, initial=initial)
    if request.method == "POST" and form.is_valid():
        for item in spaces:
            value = form.cleaned_data[f"space_{item['key']}"]
            if value != chosen[item["key"]]:
                services.setting_update(
                    user=request.user, ref=item["ref"], frequency=value
                )
        if form.cleaned_data["challenges_weekly"] != initial["challenges_weekly"]:
            services.challenge_mail_set(
                user=request.user, weekly=form.cleaned_data["challenges_weekly"]
            )
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("discussions:email-settings")
    return render(request, "discussions/email_settings.html", {"form": form})


def signin(request, token):
    """A "Reply" link of an e-mail: a button signs its reader in (a GET writes
    nothing), then opens the page the link named."""
    user_id = digests.signin_user_id(token)
    target = safe_next(request, "home")
    User = get_user_model()
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return render(request, "discussions/signin.html", {"expired": True}, status=400)
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect(target)
    if request.method == "POST":
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(target)
    return render(request, "discussions/signin.html", {"person": user, "next": target})


def unsubscribe(request, token):
    """Stop one kind of discussion e-mail, without signing in (a button)."""
    try:
        data = signing.loads(token, salt=services.UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return render(
            request, "discussions/unsubscribe.html", {"bad": True}, status=400
        )
    User = get_user_model()
    user = User.objects.filter(pk=data.get("u")).first()
    what = str(data.get("w", ""))
    ref = None
    if what != "challenges":
        kind, _sep, owner = what.partition(":")
        if kind not in Space.Kind.values or not owner.isdigit():
            user = None
        else:
            ref = Ref(kind, int(owner))
    if user is None:
        return render(
            request, "discussions/unsubscribe.html", {"bad": True}, status=400
        )
    name = _("the weekly “challenges you could help with”")
    if ref is not None:
        try:
            name = permissions.owner_of(ref).topic
        except Http404:
            return render(
                request, "discussions/unsubscribe.html", {"bad": True}, status=400
            )
    done = False
    if request.method == "POST":
        if ref is None:
            services.challenge_mail_set(user=user, weekly=False)
            done = True
        elif permissions.is_member(user, ref):
            services.setting_update(user=user, ref=ref, frequency="none")
            done = True
    return render(request, "discussions/unsubscribe.html", {"name": name, "done": done})
