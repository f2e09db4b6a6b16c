from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

CENT = Decimal("0.01")


@register.filter
def score(value):
    """A score to two decimals, or a dash when there is none.

    What ``floatformat:2|default:"—"`` shows, without its locale lookups: the
    staff lists print hundreds of scores a page.
    """
    if value is None or value == "":
        return "—"
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))
