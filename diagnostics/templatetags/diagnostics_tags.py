from django import template

register = template.Library()


@register.filter
def sum_counts(rows) -> dict:
    """Women, men and total of participation rows already loaded (no query)."""
    women = sum(r.women for r in rows)
    men = sum(r.men for r in rows)
    return {"women": women, "men": men, "total": women + men}
