"""The peer network's card for other apps' pages (the mentee's home)."""

from django import template

from peers import selectors

register = template.Library()


@register.inclusion_tag("peers/includes/_like_us_card.html", takes_context=True)
def peers_like_us(context):
    """Peers like us for the signed-in user's organizations: the most similar
    collaborations outside its own cohort, each with the reason."""
    user = context["request"].user
    return {
        "similar": selectors.similar_for_user(user) if user.is_authenticated else []
    }
