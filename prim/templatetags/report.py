"""The commune page's own figures, beside its tracker: ``{% load report %}``.

The commune page lives in ``communes``, which cannot import the reports (they sit above every
step app); the template asks for them through this tag, so the commune's figures come from the
very function that sums them for its province, region and country.
"""

from django import template

from prim.reports import FIGURE_PAGES, cycle_figures, figure_url

register = template.Library()


@register.inclusion_tag("prim/_commune_figures.html")
def commune_figures(cycle, steps):
    """``steps``: the page's ``(tracker row, review)`` pairs; their summaries are reused, so
    this adds participation by group, budget by year and financing by source (3 queries)."""
    by_step = {row.number: {cycle.pk: row.summary} for row, _review in steps}
    figures = cycle_figures([cycle], by_step)[cycle.pk]
    links = {key: figure_url(cycle, key) for key in FIGURE_PAGES}
    funnel = [(key, label, n, links[key]) for key, label, n in figures.funnel()]
    return {"figures": figures, "cycle": cycle, "links": links, "funnel": funnel}
