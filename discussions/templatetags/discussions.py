"""The discussions' parts of other apps' pages (the homes, a group's page, a
meeting's page), loaded by their templates: those apps never import this one."""

from django import template

from discussions import permissions, selectors
from discussions.models import Space, Thread
from discussions.permissions import Ref

register = template.Library()


@register.inclusion_tag("discussions/includes/_home_card.html", takes_context=True)
def discussions_home_card(context):
    """Links to the viewer's spaces and the challenges, for the homes."""
    user = context["request"].user
    return {"cards": selectors.space_cards(user) if user.is_authenticated else []}


@register.inclusion_tag(
    "discussions/includes/_mentor_challenges.html", takes_context=True
)
def discussions_cohort_challenges(context, mentorship):
    """The open challenges of a cohort's mentees, on the mentor's dashboard."""
    user = context["request"].user
    ref = Ref(Space.Kind.COHORT, mentorship.pk)
    if not permissions.can_moderate(user, ref):
        return {"show": False}
    return {
        "show": True,
        "ref": ref,
        "challenges": selectors.open_challenges_of_cohort(mentorship.pk),
    }


@register.inclusion_tag("discussions/includes/_space_link.html", takes_context=True)
def discussions_group_link(context, group):
    user = context["request"].user
    ref = Ref(Space.Kind.GROUP, group.pk)
    return {"ref": ref, "show": permissions.can_read(user, ref)}


@register.inclusion_tag("discussions/includes/_agenda.html", takes_context=True)
def discussions_agenda(context, meeting=None, event=None):
    """A meeting's challenges brought to it, and the thread its notes link to."""
    user = context["request"].user
    if meeting is not None:
        ref = Ref(Space.Kind.GROUP, meeting.group_id)
        thread = Thread.objects.filter(meeting=meeting).first()
        held = meeting
    else:
        ref = Ref(Space.Kind.COHORT, event.mentorship_id)
        thread = Thread.objects.filter(event=event).first()
        held = event
    if not permissions.can_read(user, ref):
        return {"show": False}
    return {
        "show": True,
        "ref": ref,
        "held": held,
        "thread": thread,
        "moderator": permissions.can_moderate(user, ref),
        "challenges": selectors.challenges_on_agenda(meeting=meeting, event=event),
    }
