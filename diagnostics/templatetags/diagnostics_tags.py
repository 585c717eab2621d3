from django import template

from communes.templatetags import figures

register = template.Library()


@register.filter
def sum_counts(rows) -> dict:
    """Women, men and total of participation rows already loaded (no query)."""
    women = sum(r.women for r in rows)
    men = sum(r.men for r in rows)
    return {"women": women, "men": men, "total": women + men}


# ``{{ part|percent:whole }}``, the pages' one percent format, also loaded with this library.
register.filter("percent", figures.percent)
