from django import template

register = template.Library()


@register.filter
def signed(value, places=2):
    """A change with its sign: +0.75, -0.20, 0.00; a dash when unknown."""
    if value is None:
        return "–"
    text = f"{float(value):+.{int(places)}f}"
    return "0.00" if text in ("+0.00", "-0.00") else text
