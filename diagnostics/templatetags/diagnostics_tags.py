from django import template

from communes.numbers import percent as shared_percent

register = template.Library()


@register.filter
def sum_counts(rows) -> dict:
    """Women, men and total of participation rows already loaded (no query)."""
    women = sum(r.women for r in rows)
    men = sum(r.men for r in rows)
    return {"women": women, "men": men, "total": women + men}


@register.filter
def percent(part, whole) -> str:
    try:
        return shared_percent(part, whole)
    except (TypeError, ValueError):
        return "-"
