"""Pages of the peer network: the directory, profiles, introductions, the
alumni's home, group-move suggestions and the staff's network report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from affinity.models import GroupMember
from affinity.permissions import can_manage_group
from applications.models import Award
from dashmentor.csv_export import csv_response
from dashmentor.roles import Role, role_required
from dashmentor.views_support import error_text, form_add_errors

from . import permissions, report, selectors, services
from .forms import (
    BrokerForm,
    DirectoryForm,
    GroupMoveForm,
    IntroductionForm,
    ProfileForm,
)
from .models import Block, GroupMoveSuggestion, Introduction

PAGE_SIZE = 25


def _participant_required(request) -> None:
    if not permissions.is_participant(request.user):
        raise PermissionDenied(
            gettext("The peer network is for the program's participants.")
        )


def _profile_cards(profiles, *, with_challenges=True) -> list[dict]:
    """Profiles with what they took part in and their challenges (fixed queries)."""
    profiles = list(profiles)
    facts = selectors.program_facts([p.organization_id for p in profiles])
    challenges = (
        selectors.challenges_of([p.pk for p in profiles]) if with_challenges else {}
    )
    topics = selectors.topics_of([p.pk for p in profiles])
    return [
        {
            "profile": p,
            "facts": facts.get(p.organization_id),
            "challenges": challenges.get(p.pk, []),
            "topics": topics.get(p.pk, []),
        }
        for p in profiles
    ]


@login_required
def directory(request):
    """Search and filter the collaborations the viewer may read."""
    _participant_required(request)
    form = DirectoryForm(request.GET or None, choices=selectors.directory_choices())
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "text": data["q"],
            "topic": data["topic"],
            "sector": data["sector"],
            "data_system": data["data_system"],
            "state": data["state"],
            "region": data["region"],
            "year": data["year"],
            "cohort": form.cohorts.get(data["cohort"]),
            "group": data["group"],
            "alumni": data["alumni"],
        }
    profiles = selectors.directory(user=request.user, **filters)
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "peers/profile_list.html",
        {
            "form": form,
            "page": page,
            "cards": _profile_cards(page.object_list, with_challenges=False),
            "query": query.urlencode(),
        },
    )


@login_required
def my_profile(request):
    """The viewer's organization's profile (the first, if it speaks for several)."""
    own = selectors.own_profiles(request.user)
    if own:
        return redirect(own[0])
    # A GET writes nothing: profiles are made by the hourly sync (and the seed).
    if permissions.organization_ids_of(request.user):
        messages.info(
            request,
            gettext(
                "Your organization's profile is being prepared; it will be here "
                "within the hour."
            ),
        )
    else:
        messages.info(
            request,
            gettext("Your account speaks for no organization, so it has no profile."),
        )
    if permissions.is_participant(request.user):
        return redirect("peers:directory")
    return redirect("peers:network")


@login_required
def profile_detail(request, pk):
    """A collaboration's profile, its peers like us and the introduction button."""
    profile = permissions.get_profile_for_user(request.user, pk)
    mine = permissions.can_edit_profile(request.user, profile)
    card = _profile_cards([profile])[0]
    own = selectors.own_profiles(request.user)
    similar = selectors.similar_for(profile=profile, user=request.user)
    context = {
        **card,
        "mine": mine,
        "similar": similar,
        "own": own,
        "can_ask": bool(own) and not mine,
        # An introduction already asked for or made: the card says so
        # instead of offering a request the service would refuse.
        "introduction": selectors.introduction_between(own, profile)
        if own and not mine
        else None,
        "blocked": Block.objects.filter(
            blocker__in=[p.pk for p in own], blocked=profile
        ).first(),
        "intro_form": IntroductionForm(own_profiles=own) if own and not mine else None,
        "blocks": list(
            Block.objects.filter(blocker=profile).select_related(
                "blocked__organization"
            )
        )
        if mine
        else [],
    }
    return render(request, "peers/profile_detail.html", context)


@login_required
def profile_edit(request, pk):
    profile = permissions.get_profile_for_user(request.user, pk)
    if not permissions.can_edit_profile(request.user, profile):
        raise Http404("No such profile.")
    form = ProfileForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                profile=profile, by=request.user, **form.service_fields()
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, gettext("Profile saved."))
            return redirect(profile)
    return render(
        request, "peers/profile_form.html", {"form": form, "profile": profile}
    )


@require_POST
@login_required
def profile_prefill(request, pk):
    """The organization answers, once, whether to fill its profile from its
    application."""
    profile = permissions.get_profile_for_user(request.user, pk)
    if not permissions.can_edit_profile(request.user, profile):
        raise Http404("No such profile.")
    consent = request.POST.get("consent") == "yes"
    try:
        services.profile_prefill_answer(
            profile=profile, consent=consent, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(profile)
    if consent:
        messages.success(
            request,
            gettext(
                "Your profile was filled from your application: check it, and "
                "change anything."
            ),
        )
        return redirect("peers:profile-edit", pk=profile.pk)
    messages.info(request, gettext("Nothing was copied; fill the profile as you wish."))
    return redirect(profile)


@login_required
def introduction_request(request, pk):
    """Ask to be introduced to the organization of profile ``pk``."""
    profile = permissions.get_profile_for_user(request.user, pk)
    own = selectors.own_profiles(request.user)
    if not own or permissions.can_edit_profile(request.user, profile):
        raise Http404("No such profile.")
    form = IntroductionForm(request.POST or None, own_profiles=own)
    if request.method == "POST" and form.is_valid():
        try:
            intro = services.introduction_request(
                from_profile=form.cleaned_data["from_profile"],
                to_profile=profile,
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request,
                gettext(
                    "Asked. %(organization)s will see your note; you will "
                    "see each other's e-mail if they accept."
                )
                % {"organization": profile.organization},
            )
            return redirect(intro)
    return render(
        request, "peers/introduction_form.html", {"form": form, "profile": profile}
    )


@require_POST
@login_required
def block(request, pk):
    """Block introductions with the organization of profile ``pk``."""
    profile = permissions.get_profile_for_user(request.user, pk)
    own = selectors.own_profiles(request.user)
    if not own:
        raise Http404("No such profile.")
    try:
        services.block_add(blocker=own[0], blocked=profile, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            gettext("%(organization)s can no longer ask you for an introduction.")
            % {"organization": profile.organization},
        )
    return redirect(profile)


@require_POST
@login_required
def unblock(request, pk):
    block = get_object_or_404(
        Block.objects.select_related("blocker", "blocked"),
        pk=pk,
        blocker__organization_id__in=permissions.organization_ids_of(request.user),
    )
    services.block_remove(block=block, by=request.user)
    messages.success(request, gettext("Unblocked."))
    return redirect(block.blocker)


@login_required
def network(request):
    """The viewer's network: its profiles, introductions and group suggestions."""
    intros = list(selectors.introduction_list(request.user)[:200])
    ids = permissions.organization_ids_of(request.user)
    rows = []
    for intro in intros:
        sides = {
            side
            for side in ("from", "to")
            if getattr(intro, f"{side}_profile").organization_id in ids
        }
        rows.append(
            {
                "intro": intro,
                "sides": sides,
                "contacts": services.contact_of(intro, viewer_sides=sides),
                "waiting_for_me": intro.status == Introduction.Status.PENDING
                and (
                    ("to" in sides and intro.to_accepted_at is None)
                    or ("from" in sides and intro.from_accepted_at is None)
                ),
            }
        )
    return render(
        request,
        "peers/network.html",
        {
            "rows": rows,
            "own": selectors.own_profiles(request.user),
            "moves": list(selectors.moves_for_member(request.user)),
            "can_broker": permissions.can_broker(request.user),
        },
    )


@login_required
def introduction_detail(request, pk):
    intro = permissions.get_introduction_for_user(request.user, pk)
    sides = permissions.sides_of(request.user, intro)
    return render(
        request,
        "peers/introduction_detail.html",
        {
            "intro": intro,
            "sides": sides,
            "contacts": services.contact_of(intro, viewer_sides=sides),
            "can_answer": intro.status == Introduction.Status.PENDING
            and (
                ("to" in sides and intro.to_accepted_at is None)
                or ("from" in sides and intro.from_accepted_at is None)
            ),
            "can_withdraw": intro.status == Introduction.Status.PENDING
            and (
                ("from" in sides and intro.requested_by_id)
                or intro.introduced_by_id == request.user.pk
            ),
        },
    )


@require_POST
@login_required
def introduction_respond(request, pk):
    intro = permissions.get_introduction_for_user(request.user, pk)
    accept = request.POST.get("answer") == "accept"
    try:
        services.introduction_respond(intro=intro, accept=accept, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            gettext("Accepted.")
            if accept
            else gettext("Declined: nothing was shared."),
        )
    return redirect(intro)


@require_POST
@login_required
def introduction_withdraw(request, pk):
    intro = permissions.get_introduction_for_user(request.user, pk)
    try:
        services.introduction_withdraw(intro=intro, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, gettext("Withdrawn."))
    return redirect(intro)


@role_required(Role.STAFF, Role.MENTOR)
def introduction_broker(request):
    """A mentor or staff member introduces two mentee organizations."""
    candidates = selectors.broker_candidates(request.user)
    initial = {}
    if request.method == "GET" and request.GET.get("first"):
        initial["first"] = request.GET.get("first")
    form = BrokerForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            intro = services.introduction_broker(
                first=form.cleaned_data["first"],
                second=form.cleaned_data["second"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request, gettext("Introduced: each organization is asked to accept.")
            )
            return redirect(intro)
    return render(request, "peers/introduction_broker.html", {"form": form})


@role_required(Role.ALUMNI)
def alumni_home(request):
    """The alumni's home: their profile, open groups, introductions, what peers ask."""
    from affinity.models import Group

    today = timezone.localdate()
    own = selectors.own_profiles(request.user)
    groups = list(
        Group.objects.filter(cycle__ends_on__gte=today)
        .select_related("cycle")
        .order_by("cycle__starts_on", "topic")[:12]
    )
    mine = set(
        GroupMember.objects.filter(
            user=request.user, status__in=GroupMember.LEAVABLE
        ).values_list("group_id", flat=True)
    )
    pending = [
        intro
        for intro in selectors.introduction_list(request.user).filter(
            status=Introduction.Status.PENDING
        )[:20]
    ]
    return render(
        request,
        "peers/alumni_home.html",
        {
            "own": own,
            "cards": _profile_cards(own),
            "groups": groups,
            "my_groups": mine,
            "pending": pending,
            "asks": selectors.peer_challenges(request.user),
            "similar": selectors.similar_for_user(request.user),
            "ended": Award.objects.filter(
                members__user=request.user,
                members__active=True,
                status=Award.Status.ENDED,
            ).select_related("mentorship__round", "mentorship__mentor_organization"),
        },
    )


@login_required
def group_move_suggest(request, member_pk):
    """A leader suggests that a member would fit another group better."""
    member = get_object_or_404(
        GroupMember.objects.select_related("group__cycle", "user"), pk=member_pk
    )
    if not can_manage_group(request.user, member.group):
        raise Http404("No such member.")
    form = GroupMoveForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_move_suggest(
                member=member,
                to_group=form.cleaned_data["to_group"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(
                request, gettext("Suggested to %(person)s.") % {"person": member.user}
            )
            return redirect("affinity:roster", pk=member.group_id)
    return render(
        request, "peers/group_move_form.html", {"form": form, "member": member}
    )


@require_POST
@login_required
def group_move_respond(request, pk):
    suggestion = get_object_or_404(
        GroupMoveSuggestion, pk=pk, member__user=request.user
    )
    accept = request.POST.get("answer") == "accept"
    try:
        suggestion = services.group_move_respond(
            suggestion=suggestion, accept=accept, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("peers:network")
    if accept:
        messages.success(
            request,
            gettext("You moved to %(group)s.") % {"group": suggestion.to_group.topic},
        )
        return redirect(suggestion.to_group)
    messages.info(request, gettext("You stay in your group."))
    return redirect("peers:network")


# --- The staff's report ------------------------------------------------------------


@role_required(Role.STAFF)
def network_report(request):
    data = report.network_report()
    return render(
        request,
        "peers/report.html",
        {
            "report": data,
            "connections": data.connections[: report.TABLE_ROWS_SHOWN],
            "unconnected": data.unconnected[: report.TABLE_ROWS_SHOWN],
            "shown": report.TABLE_ROWS_SHOWN,
        },
    )


@role_required(Role.STAFF)
def network_svg(request):
    data = report.network_report()
    return HttpResponse(data.svg, content_type="image/svg+xml")


REPORT_TABLES = ("introductions", "connections", "unconnected")


@role_required(Role.STAFF)
def network_csv(request, table):
    if table not in REPORT_TABLES:
        raise Http404("No such table.")
    data = report.network_report()
    yes, no = gettext("yes"), gettext("no")
    if table == "introductions":
        header = [
            gettext("month"),
            gettext("asked"),
            gettext("accepted"),
            gettext("introduced by mentors or staff"),
        ]
        rows = [
            [m["month"].strftime("%Y-%m"), m["asked"], m["accepted"], m["brokered"]]
            for m in data.months
        ]
    elif table == "connections":
        header = [
            gettext("organization"),
            gettext("cohorts"),
            gettext("program years"),
            gettext("connected with"),
            gettext("their cohorts"),
            gettext("their program years"),
            gettext("across cohorts"),
            gettext("across program years"),
            gettext("introduced by mentor or staff"),
            gettext("accepted on"),
        ]
        rows = [
            [
                c.first,
                c.first_cohorts,
                c.first_years,
                c.second,
                c.second_cohorts,
                c.second_years,
                yes if c.across_cohorts else no,
                yes if c.across_years else no,
                yes if c.brokered else no,
                c.accepted_on.date().isoformat() if c.accepted_on else "",
            ]
            for c in data.connections
        ]
    else:
        header = [
            gettext("organization"),
            gettext("cohorts"),
            gettext("program years"),
            gettext("alumni"),
        ]
        rows = [
            [u["name"], u["cohorts"], u["years"], yes if u["alumni"] else no]
            for u in data.unconnected
        ]
    return csv_response(f"peer-network-{table}.csv", rows, header=header)
