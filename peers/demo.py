"""Demo data of the peer network: the topic vocabulary, profiles of the demo's
organizations, alumni of the past round, introductions in every state, a block,
a hidden profile and a group-move suggestion; then peers like us.

Idempotent: rows are found by natural keys (topic slug, the pair of an
introduction), and the profiles' content is written through the services only
while a profile has not been answered for.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from affinity.models import Group, GroupMember
from applications.models import Award
from cohorts.models import CohortMember

from . import services
from .models import (
    Block,
    CollaborationProfile,
    GroupMoveSuggestion,
    Introduction,
    Topic,
)
from .rules import Visibility

# (name, phrases of the mentorships' tags and the affinity groups' topics)
TOPICS = [
    (
        "Housing and homelessness",
        [
            "Housing",
            "Homelessness",
            "HMIS",
            "HUD",
            "CoC",
            "Leveraging Health and Housing Data",
        ],
    ),
    (
        "Care coordination",
        ["Coordinated care", "Care Coordination and Community Information Exchange"],
    ),
    (
        "Community engagement",
        [
            "Community engagement",
            "Convening stakeholders",
            "Centering Community Voice and Engaging People with Lived Expertise",
        ],
    ),
    (
        "Data sharing infrastructure",
        ["Data sharing infrastructure", "Re-Imagining Technology for Community Health"],
    ),
    (
        "Health care linkages",
        [
            "Healthcare linkages",
            "Whole person health",
            "Accountable communities of health",
        ],
    ),
    ("Behavioral health", ["Behavioral Health Data Integration"]),
    ("Data law and governance", ["Data Law and Governance"]),
    (
        "Community indicators",
        ["Community Indicator Dashboards", "Civic data", "Open data"],
    ),
    ("Research and analytics", ["Research", "Analytics"]),
    (
        "Sustainability",
        ["Sustainability", "Sustainable business models", "Strategic planning"],
    ),
]

# What the demo's organizations say of themselves: works on, challenges,
# offers, data systems (in use, planned), partner sectors, populations, topics.
PROFILES = {
    "Lakeside Community Health Partnership": (
        "A by-name list that links HMIS shelter stays with jail bookings and "
        "emergency department visits, so outreach reaches frequent utilizers "
        "before the next crisis.",
        [
            "Getting the county jail to share booking data weekly",
            "A consent form that works across housing and health partners",
        ],
        "Our data-sharing agreement with the sheriff's office, and the matching "
        "code we use for names.",
        ["hmis", "jail", "ehr"],
        ["cie"],
        ["housing", "criminal_justice", "health_care"],
        ["homeless", "justice"],
        ["Housing and homelessness", "Data law and governance"],
    ),
    "Riverside Supportive Housing Network": (
        "Frequent utilizers of jail, shelter and crisis services: linking HMIS "
        "with jail booking data to place people in supportive housing.",
        ["Matching records without a shared identifier"],
        "Our supportive-housing prioritization model and its evaluation.",
        ["hmis", "jail"],
        ["ids"],
        ["housing", "criminal_justice", "behavioral_health"],
        ["homeless", "justice", "behavioral"],
        ["Housing and homelessness"],
    ),
    "Prairie County Continuum of Care": (
        "A rural continuum of care connecting HMIS with hospital discharge "
        "data so nobody leaves the hospital to the street.",
        ["Hospital partners worried about HIPAA", "One analyst for six counties"],
        "Rural coordinated entry that works by phone.",
        ["hmis", "ehr"],
        ["hie"],
        ["housing", "health_care"],
        ["homeless", "rural"],
        ["Housing and homelessness", "Health care linkages"],
    ),
    "Desert Valley Care Network": (
        "A community information exchange with 2-1-1 and clinics: closed-loop "
        "referrals for food, housing and transport needs found by social needs "
        "screening.",
        ["Partners closing the loop on referrals", "Paying for the platform"],
        "Our referral workflow and screening questions, in English and Spanish.",
        ["211", "cie", "sdoh"],
        ["ehr"],
        ["health_care", "human_services", "transportation"],
        ["families", "immigrants"],
        ["Care coordination"],
    ),
    "Coastal 2-1-1 Partners": (
        "2-1-1 resource data shared with health plans and a community "
        "information exchange, so referrals reach services that exist.",
        ["Keeping the resource directory up to date"],
        "Resource directory governance and a shared taxonomy.",
        ["211", "cie"],
        [],
        ["human_services", "health_care"],
        ["families", "older_adults"],
        ["Care coordination", "Data sharing infrastructure"],
    ),
    "Metro Behavioral Health Alliance": (
        "Crisis response data from EMS, 9-8-8 and behavioral health providers "
        "joined to divert people from jail to treatment.",
        ["Sharing substance use records under 42 CFR Part 2"],
        "Our Part 2 consent process, reviewed by counsel.",
        ["ems", "jail", "ehr"],
        ["ids"],
        ["behavioral_health", "criminal_justice", "public_safety"],
        ["behavioral", "justice"],
        ["Behavioral health", "Data law and governance"],
    ),
    "Valley Families Collaborative": (
        "School attendance and child welfare records linked to reach families "
        "before a crisis.",
        ["Parents' trust in how their data is used"],
        "A family advisory board that co-designed our data use.",
        ["school", "child_welfare"],
        ["ids"],
        ["education", "human_services"],
        ["children", "families"],
        ["Community engagement"],
    ),
    "North Ridge Housing Coalition": (
        "Housing and health data for older adults aging in place: HMIS, "
        "Medicaid claims and home-care visits.",
        ["Claims data arrive a quarter late"],
        "Our housing stability dashboard.",
        ["hmis", "claims"],
        ["dashboard"],
        ["housing", "health_care"],
        ["older_adults", "homeless"],
        ["Housing and homelessness", "Community indicators"],
    ),
    "Lowell Housing Authority": (
        "Public housing residents' health: HMIS and housing authority records "
        "linked with the health center's EHR, and a jail reentry pilot.",
        ["Keeping the pilot going after the award"],
        "Three years of lessons from a housing-health data agreement.",
        ["hmis", "ehr", "jail"],
        [],
        ["housing", "health_care", "criminal_justice"],
        ["homeless", "justice", "families"],
        ["Housing and homelessness"],
    ),
    "Waco Public Library": (
        "A community information exchange with our 2-1-1, clinics and social "
        "service agencies, with the library as a trusted front door.",
        ["Governance of the exchange once the grant ends"],
        "How a library can convene a data collaborative.",
        ["211", "cie"],
        ["sdoh"],
        ["education", "human_services", "health_care"],
        ["families", "immigrants"],
        ["Care coordination", "Community engagement"],
    ),
    "Eau Claire Housing Authority": (
        "An HMIS and landlord-data dashboard for eviction prevention.",
        ["Landlords sharing data"],
        "Our eviction early-warning dashboard.",
        ["hmis", "dashboard"],
        [],
        ["housing", "community_development"],
        ["families", "homeless"],
        ["Housing and homelessness", "Community indicators"],
    ),
    "Norman Public Library": (
        "Community indicators for our county on an open dashboard that "
        "residents helped design.",
        [],
        "Open-data publishing with small-number suppression.",
        ["dashboard"],
        ["211"],
        ["education", "community_development"],
        ["families"],
        ["Community indicators", "Community engagement"],
    ),
}
# Hidden from everyone outside itself: absent from the directory and suggestions.
HIDDEN = "Topeka Community Development Corporation"
ALUMNI_ACCOUNT = "lead126@applicants.dash.test"  # Waco Public Library


def _topics(ctx) -> dict[str, Topic]:
    topics = {}
    for order, (name, phrases) in enumerate(TOPICS):
        from django.utils.text import slugify

        topic, _ = Topic.objects.get_or_create(
            slug=slugify(name),
            defaults={"name": name, "phrases": phrases, "order": order},
        )
        topics[name] = topic
    return topics


def _speaker(profile: CollaborationProfile):
    """Someone who speaks for the profile's organization in the demo."""
    member = (
        CohortMember.objects.filter(
            award__application__organization_id=profile.organization_id,
            active=True,
            user__isnull=False,
        )
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    if member is not None:
        return member.user
    from dashmentor.models import Membership

    membership = (
        Membership.objects.filter(organization_id=profile.organization_id)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def _fill(profiles: dict[str, CollaborationProfile], topics) -> int:
    filled = 0
    for profile in profiles.values():
        if profile.prefill_consent:
            continue  # already answered: the seed ran before
        speaker = _speaker(profile)
        if speaker is None:
            continue
        services.profile_prefill_answer(profile=profile, consent=True, by=speaker)
        content = PROFILES.get(profile.organization.name)
        if content:
            works, challenges, offers, systems, planned, sectors, pops, names = content
            services.profile_update(
                profile=profile,
                by=speaker,
                works_on=works,
                challenges=challenges,
                offers=offers,
                data_systems=systems,
                data_systems_planned=planned,
                partner_sectors=sectors,
                populations=pops,
                topics=[topics[n] for n in names],
            )
        if profile.organization.name == HIDDEN:
            services.profile_update(
                profile=profile, by=speaker, visibility=Visibility.NOBODY
            )
        filled += 1
    return filled


def _intro(a, b, *, by=None, broker=None, note, answer=None, days_ago, answer_by=None):
    """One introduction between ``a`` and ``b`` unless the pair has one."""
    pair = Introduction.pair_of(a.pk, b.pk)
    if Introduction.objects.filter(pair=pair).exists():
        return None
    try:
        if broker is not None:
            intro = services.introduction_broker(
                first=a, second=b, note=note, by=broker
            )
        else:
            intro = services.introduction_request(
                from_profile=a, to_profile=b, note=note, by=by
            )
    except ValidationError:
        # Who takes part, and so who may ask whom, follows the demo's dates:
        # seeded on another day (the tests seed in January and in August) an
        # example may not hold, and the demo goes on without it.
        return None
    try:
        if answer in ("accept", "decline"):
            services.introduction_respond(
                intro=intro, accept=answer == "accept", by=answer_by or _speaker(b)
            )
            if broker is not None and answer == "accept":
                services.introduction_respond(intro=intro, accept=True, by=_speaker(a))
        elif answer == "withdraw":
            services.introduction_withdraw(intro=intro, by=by)
    except ValidationError:
        answer = None  # the same: the introduction stays waiting
    when = timezone.now() - dt.timedelta(days=days_ago)
    Introduction.objects.filter(pk=intro.pk).update(
        created_at=when,
        decided_at=when + dt.timedelta(days=2) if answer else None,
    )
    return intro


# The introductions the demo asks for, in order: (first organization, second
# organization, who asks, days ago, the answer, the note). Who asks is the demo
# "mentee", a "speaker" of the first organization, or a "mentor" or "staff"
# who introduces the two (a broker).
INTRODUCTIONS = [
    # Accepted: the mentee and an alumnus of the past round, both on HMIS.
    (
        "Lakeside Community Health Partnership",
        "Lowell Housing Authority",
        "mentee",
        40,
        "accept",
        "We are linking HMIS with jail bookings too: could we compare "
        "our data-sharing agreements?",
    ),
    # Waiting for the alumnus of the past round (Waco) to answer.
    (
        "Desert Valley Care Network",
        "Waco Public Library",
        "speaker",
        3,
        None,
        "Both of us run a community information exchange with 2-1-1; "
        "how do you govern it?",
    ),
    # Waiting for the mentee to answer.
    (
        "Prairie County Continuum of Care",
        "Lakeside Community Health Partnership",
        "speaker",
        2,
        None,
        "How did you get the hospital to share discharge data?",
    ),
    # Declined, and withdrawn.
    (
        "Metro Behavioral Health Alliance",
        "Coastal 2-1-1 Partners",
        "speaker",
        20,
        "decline",
        "Interested in your 2-1-1 taxonomy.",
    ),
    (
        "Norman Public Library",
        "Riverside Supportive Housing Network",
        "speaker",
        15,
        "withdraw",
        "Dashboards for housing?",
    ),
    # Made by a mentor across cohorts, accepted by both.
    (
        "Harbor County Public Health Collaborative",
        "Riverside Supportive Housing Network",
        "mentor",
        25,
        "accept",
        "Harbor County is starting where Riverside was two years ago.",
    ),
    # Made by staff, waiting for both.
    (
        "Coastal 2-1-1 Partners",
        "Waco Public Library",
        "staff",
        1,
        None,
        "Two 2-1-1 exchanges a year apart: worth a call.",
    ),
]


def seed(ctx) -> None:
    topics = _topics(ctx)
    services.profiles_sync()
    profiles = {
        p.organization.name: p
        for p in CollaborationProfile.objects.select_related("organization")
    }
    filled = _fill(profiles, topics)
    if profiles.get("Lakeside Community Health Partnership") is None:
        return
    made = _introductions(ctx, profiles)
    metro = profiles.get("Metro Behavioral Health Alliance")
    desert = profiles.get("Desert Valley Care Network")
    if metro and desert and not Block.objects.filter(blocker=metro).exists():
        services.block_add(blocker=metro, blocked=desert, by=_speaker(metro))
    _move(ctx)
    services.similarities_compute()
    alumnus = CohortMember.objects.filter(
        email=ALUMNI_ACCOUNT, award__status=Award.Status.ENDED
    ).select_related("user")
    if alumnus.exists():
        ctx.users["alumni"] = alumnus.first().user
    ctx.log.append(
        f"Peer network: {len(profiles)} profiles ({filled} filled now), "
        f"{sum(1 for m in made if m)} introductions made now, "
        f"{Introduction.objects.count()} in all; alumni of the past round "
        "sign in with their own accounts."
    )


def _introductions(ctx, profiles: dict[str, CollaborationProfile]) -> list:
    """Ask for each of ``INTRODUCTIONS``; return what each call made (or None)."""
    made = []
    for first, second, asker, days_ago, answer, note in INTRODUCTIONS:
        a, b = profiles.get(first), profiles.get(second)
        if asker in ("mentor", "staff"):
            who = {"broker": ctx.users.get(asker)}
        elif asker == "mentee":
            who = {"by": ctx.users.get("mentee")}
        else:
            who = {"by": _speaker(a)}
        made.append(_intro(a, b, days_ago=days_ago, answer=answer, note=note, **who))
    return made


def _move(ctx) -> None:
    """A leader's suggestion that a member would fit another group better."""
    if GroupMoveSuggestion.objects.exists():
        return
    participant = ctx.users.get("participant")
    if participant is None:
        return
    member = (
        GroupMember.objects.filter(user=participant, status=GroupMember.Status.ADMITTED)
        .select_related("group")
        .order_by("-group__cycle__starts_on")
        .first()
    )
    if member is None:
        return
    leader = member.group.leaders.first() or ctx.users.get("staff")
    other = (
        Group.objects.filter(cycle_id=member.group.cycle_id)
        .exclude(pk=member.group_id)
        .exclude(members__user=participant)
        .order_by("topic")
        .first()
    )
    if other is None:
        return
    services.group_move_suggest(
        member=member,
        to_group=other,
        note="Your questions at the last two meetings were all about consent "
        "across partners: the other group works on exactly that.",
        by=leader,
    )
